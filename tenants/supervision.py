"""What a head-office or regulator account may see of the tenants (监督范围).

``tenant:read`` in the head office's domain sees every tenant; a grant for a region sees
the tenants of that region and below (统一设定、分级应用)."""

from __future__ import annotations

from core.authz.authorizer import Authorizer
from core.authz.model import HQ, region_ancestors, tenant_domain
from core.authz.policies import Forbidden
from core.authz.tables import CasbinRule
from core.errors import NotFound
from core.identity.principal import Principal
from core.tenancy.registry import TenantRef, list_tenants
from core.tenancy.tables import Tenant, TenantState

NOT_VISIBLE = "分平台不存在 / no such tenant"


async def _region_grants(principal: Principal) -> set[str]:
    domains = (
        await CasbinRule.select(CasbinRule.domain)
        .where(
            (CasbinRule.ptype == "g")
            & (CasbinRule.v0 == principal.casbin_subject)
            & CasbinRule.domain.like("region:%")
        )
        .output(as_list=True)
    )
    return {d.split(":", 1)[1] for d in domains}


async def may_see_tenants(authorizer: Authorizer, principal: Principal) -> bool:
    """Whether any tenant is within the principal's reach (head office's or a region's)."""
    if await authorizer.allowed(principal.casbin_subject, HQ, "tenant", "read"):
        return True
    return bool(await _region_grants(principal))


async def visible_tenants(
    authorizer: Authorizer, principal: Principal, state: TenantState | None = None
) -> list[TenantRef]:
    tenants = await list_tenants(states=(state,) if state else None)
    if await authorizer.allowed(principal.casbin_subject, HQ, "tenant", "read"):
        return tenants
    regions = await _region_grants(principal)
    if not regions:
        raise Forbidden("无权查看分平台 / you may not see the tenants")
    return [t for t in tenants if regions & set(region_ancestors(t.region_code or "000000"))]


async def tenant_reach(authorizer: Authorizer, principal: Principal) -> frozenset[int] | None:
    """The ids of the tenants within reach, None for head office's "every one" (so a reading
    across tenants need not list them); Forbidden for a person with no reach at all."""
    if await authorizer.allowed(principal.casbin_subject, HQ, "tenant", "read"):
        return None
    return frozenset(t.id for t in await visible_tenants(authorizer, principal))


async def check_visible(authorizer: Authorizer, principal: Principal, tenant_id: int) -> None:
    """A tenant outside the principal's reach is "not found", like a missing one."""
    sub = principal.casbin_subject
    if not await Tenant.exists().where(Tenant.id == tenant_id):
        raise NotFound(NOT_VISIBLE)
    if await authorizer.allowed(sub, HQ, "tenant", "read"):
        return
    if not await authorizer.allowed(sub, tenant_domain(tenant_id), "tenant", "read"):
        raise NotFound(NOT_VISIBLE)
