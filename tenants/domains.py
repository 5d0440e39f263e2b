"""A sub-platform's custom domain (自定义域名), set or removed by head office.

The sub-domain ``<slug>.<base domain>`` always works; a custom domain is a second address the
operator owns (its DNS points at us). It must not lie under our base domain, where it could pose
as another tenant's sub-domain or the main portal. Every worker resolves the change at once:
the tenant cache is dropped here and, with Redis, in every other worker.
"""

from __future__ import annotations

import ipaddress

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.data.errors import unique_violation_as
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.settings import get_settings
from core.tenancy.registry import (
    TenantRef,
    find_tenant_by_domain,
    find_tenant_by_id,
    find_tenant_by_slug,
    validate_domain,
)
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import Tenant, TenantState
from themes.cache import PORTAL_CACHE


def check_custom_domain(value: str) -> str:
    """The normalised domain, or a :class:`DomainError` saying what is wrong with it."""
    raw = value.strip().lower().rstrip(".")
    try:
        ipaddress.ip_address(raw.strip("[]"))
    except ValueError:
        pass
    else:
        raise DomainError(
            "请填写域名，而不是 IP 地址 / give a domain name, not an IP address",
            detail={"field": "domain"},
        )
    domain = validate_domain(raw)
    base = get_settings().base_domain.lower()
    if domain == base or domain.endswith(f".{base}"):
        raise DomainError(
            f"自定义域名不能是本平台域名 {base} 或其子域名 / a custom domain may not be {base} "
            "or lie under it",
            detail={"field": "domain"},
        )
    return domain


async def set_custom_domain(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    domain: str | None,
    context: RequestContext,
) -> TenantRef:
    """Set (or, with ``None``, remove) the tenant's custom domain. Setting the one it has is
    no change and no audit entry, so a retried request is harmless."""
    await authorize(authorizer, principal, HQ, "tenant", "configure")
    tenant = await find_tenant_by_id(tenant_id)
    if tenant is None or tenant.state is TenantState.closed:
        raise NotFound("分平台不存在 / no such tenant")
    wanted = None if domain is None else check_custom_domain(domain)
    if wanted == tenant.custom_domain:
        return tenant
    async with (
        unique_violation_as(
            f"域名 {wanted} 已被其他分平台使用 / {wanted} is another tenant's domain",
            column="custom_domain",
            field="domain",
        ),
        write_transaction(),
    ):
        await Tenant.update({Tenant.custom_domain: wanted}).where(Tenant.id == tenant_id)
        await record(
            actor=principal.actor,
            action="tenant.custom_domain." + ("set" if wanted else "removed"),
            object=f"tenant:{tenant_id}:{wanted or tenant.custom_domain}",
            tenant_id=tenant_id,
            context=context,
        )
    await TENANT_CACHE.changed()
    await PORTAL_CACHE.invalidate(tenant_id)  # the main portal's directory links to it
    changed = await find_tenant_by_id(tenant_id)
    assert changed is not None  # closing a tenant keeps its row
    return changed


async def is_served_host(host: str) -> bool:
    """Whether ``host`` is one of ours (the main portal, a sub-domain of a tenant that is not
    closed, or a tenant's custom domain): the question an on-demand TLS proxy asks before it
    obtains a certificate, so that nobody can make us request certificates for any name."""
    host = host.strip().lower().rstrip(".")
    base = get_settings().base_domain.lower()
    if host in (base, f"www.{base}"):  # the main portal, as the resolver takes it
        return True
    if host.endswith(f".{base}"):
        tenant = await find_tenant_by_slug(host.removesuffix(f".{base}"))
    else:
        tenant = await find_tenant_by_domain(host)
    return tenant is not None and tenant.state is not TenantState.closed
