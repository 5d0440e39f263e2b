"""Isolation cases of custom domains: head office's routes, absent on every sub-site (not even
its own admin reaches them, so no tenant can set another's domain); the TLS question names no
tenant's data."""

from __future__ import annotations

from tests.isolation.matrix import CrossTenant, NotTenantScoped, _absent_on_sub_sites

PATH = "/api/tenants/{tenant_id:int}/custom-domain"
PAGE = "/admin/tenants/{tenant_id:int}/custom-domain"


def _absent(method: str, template: str) -> CrossTenant:
    return CrossTenant(_absent_on_sub_sites(method, template.replace("{tenant_id:int}", "{a}")))


DOMAIN_CASES: dict[tuple[str, str], CrossTenant | NotTenantScoped] = {
    ("PUT", PATH): _absent("PUT", PATH),
    ("DELETE", PATH): _absent("DELETE", PATH),
    ("GET", PAGE): _absent("GET", PAGE),
    ("POST", PAGE): _absent("POST", PAGE),
    ("GET", "/tls/ask"): NotTenantScoped(
        "answers only 200 or 404 to whether a host is served here, for the TLS proxy"
    ),
}
