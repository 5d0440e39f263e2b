"""Custom domains: head office's page and API, and the TLS proxy's question."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, requires, signed_in
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form
from core.identity.routes import context_of
from core.openapi import PathId, refusals
from core.tenancy.registry import find_tenant_by_id
from core.tenancy.site import Site
from tenants.domains import is_served_host, set_custom_domain

CONFIGURE = requires("tenant", "configure")


class CustomDomain(msgspec.Struct, forbid_unknown_fields=True):
    domain: Annotated[str, msgspec.Meta(min_length=1, max_length=253)]


class TenantDomain(msgspec.Struct):
    tenant_id: int
    custom_domain: str | None


class CustomDomainApi(Controller):
    path = "/api/tenants/{tenant_id:int}/custom-domain"
    tags = ["supervision"]  # noqa: RUF012 - Litestar reads it as a class attribute
    guards = [main_portal_only, CONFIGURE]  # noqa: RUF012

    @put("/", operation_id="setCustomDomain", responses=refusals(400, 401, 403, 404, 409))
    async def set_domain(
        self, request: Request[Any, Any, Any], tenant_id: PathId, data: JSONBody[CustomDomain]
    ) -> TenantDomain:
        """Set the sub-platform's custom domain (自定义域名); it resolves at once."""
        tenant = await set_custom_domain(
            request.app.state.authorizer,
            signed_in(request),
            tenant_id,
            data.domain,
            context_of(request),
        )
        return TenantDomain(tenant.id, tenant.custom_domain)

    @delete(
        "/", operation_id="removeCustomDomain", status_code=200, responses=refusals(401, 403, 404)
    )
    async def remove_domain(
        self, request: Request[Any, Any, Any], tenant_id: PathId
    ) -> TenantDomain:
        """Remove it; the sub-domain keeps working."""
        tenant = await set_custom_domain(
            request.app.state.authorizer, signed_in(request), tenant_id, None, context_of(request)
        )
        return TenantDomain(tenant.id, tenant.custom_domain)


class DomainForm(msgspec.Struct):
    domain: str = ""
    remove: str = ""


class CustomDomainPages(Controller):
    path = "/admin/tenants/{tenant_id:int}/custom-domain"
    include_in_schema = False
    guards = [main_portal_only, CONFIGURE]  # noqa: RUF012

    @get("/")
    async def page(self, site: NamedDependency[Site], tenant_id: PathId) -> Template:
        return await _page(site, tenant_id, error=None)

    @post("/", status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
        data: Annotated[DomainForm, Form],
    ) -> Response[Any]:
        wanted = None if data.remove else data.domain
        if wanted is not None and not wanted.strip():
            return await _page(site, tenant_id, error="请填写域名 / give the domain", status=400)
        try:
            await set_custom_domain(
                request.app.state.authorizer,
                signed_in(request),
                tenant_id,
                wanted,
                context_of(request),
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return await _page(
                site, tenant_id, error=exc.message, value=wanted or "", status=exc.status_code
            )
        page = Redirect(f"/admin/tenants/{tenant_id}/custom-domain/", status_code=303)
        return flash(page, "flash.saved")


async def _page(
    site: Site, tenant_id: int, *, error: str | None, value: str = "", status: int = 200
) -> Template:
    tenant = await find_tenant_by_id(tenant_id)
    if tenant is None:
        raise NotFound("分平台不存在 / no such tenant")
    return Template(
        "admin/custom_domain.html",
        context={"site": site, "tenant": tenant, "error": error, "value": value},
        status_code=status,
    )


class TlsAnswer(msgspec.Struct):
    served: bool


@get(
    "/tls/ask",
    operation_id="tlsAsk",
    tags=["site"],
    responses={404: ResponseSpec(TlsAnswer, description="not a host of this platform")},
)
async def tls_ask(
    domain: Annotated[str, QueryParameter(max_length=253)] = "",
) -> Response[TlsAnswer]:
    """For an on-demand TLS proxy (Caddy's ``ask``): 200 when ``domain`` is served here, else
    404. It comes by IP like a probe, so it is answered for any host."""
    served = await is_served_host(domain) if domain else False
    return Response(TlsAnswer(served), status_code=200 if served else 404)
