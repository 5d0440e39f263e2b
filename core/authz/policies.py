"""Policy changes: the role catalogue, role grants and the suspension deny.

Each change is authorised, written with its audit entry in one transaction, and then
announced to every worker (``Authorizer.changed``) once committed.
"""

from __future__ import annotations

from typing import Any

from core.audit.chain import Actor, RequestContext, record
from core.authz.adapter import PiccoloAdapter
from core.authz.authorizer import EVERY_DOMAIN, Authorizer
from core.authz.model import (
    CATALOGUE,
    EXCLUSIVE_ROLES,
    HQ,
    HQ_ROLES,
    REGION_ROLES,
    ROLE_PERMISSIONS,
    TENANT_ROLES,
    catalogue_rules,
    region_domain,
    subject,
    tenant_domain,
)
from core.authz.tables import CasbinRule
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.tenancy.regions import region_exists

_adapter = PiccoloAdapter()

# Which kind of account may hold a role, by role.
ROLE_HOLDERS = {
    **dict.fromkeys(HQ_ROLES, AccountKind.hq_staff),
    **dict.fromkeys(TENANT_ROLES, AccountKind.tenant_staff),
    "regulator": AccountKind.regulator,
}


class Forbidden(DomainError):
    status_code = 403


async def authorize(
    authorizer: Authorizer, principal: Principal, dom: str, obj: str, act: str
) -> None:
    if not await authorizer.allowed(principal.casbin_subject, dom, obj, act):
        raise Forbidden("无权执行此操作 / you may not do this", detail={"action": f"{obj}:{act}"})


async def sync_role_catalogue(authorizer: Authorizer | None = None) -> None:
    """Make the catalogue rows (domain ``*``) equal to ROLE_PERMISSIONS."""
    wanted = {tuple(rule) for rule in catalogue_rules()}
    async with write_transaction():
        rows = await CasbinRule.select().where(CasbinRule.domain == CATALOGUE)
        have = {(r["v0"], r["v1"], r["v2"], r["v3"], r["v4"]): r["id"] for r in rows}
        stale = [row_id for rule, row_id in have.items() if rule not in wanted]
        if stale:
            await CasbinRule.delete().where(CasbinRule.id.is_in(stale))
        await _adapter.add_policies("p", "p", [list(r) for r in sorted(wanted - have.keys())])
    if authorizer is not None and (stale or wanted - have.keys()):
        await authorizer.changed(EVERY_DOMAIN)


async def _grant_target(
    principal: Principal,
    authorizer: Authorizer,
    role: str,
    *,
    tenant_id: int | None,
    region_code: str | None,
) -> str:
    """Check who may grant ``role`` where; return the grant's domain."""
    if role not in ROLE_PERMISSIONS:
        raise DomainError(f"未知角色 / unknown role: {role}", detail={"field": "role"})
    if role not in ROLE_HOLDERS:
        raise DomainError(
            f"角色 {role} 随账号类型授予 / {role} comes with the account kind",
            detail={"field": "role"},
        )
    if region_code is not None:
        if role not in REGION_ROLES:
            raise DomainError(f"{role} cannot be granted for a region", detail={"field": "role"})
        if not await region_exists(region_code):
            raise DomainError(
                f"未知地区 / unknown region: {region_code}", detail={"field": "region"}
            )
        await authorize(authorizer, principal, HQ, "role", "assign")
        return region_domain(region_code)
    if tenant_id is not None:
        if role not in TENANT_ROLES:
            raise DomainError(f"{role} is not a tenant role", detail={"field": "role"})
        dom = tenant_domain(tenant_id)
        # Management accounts are issued by head office (seed 000 Art. 18(4)); a tenant's
        # admin assigns the rest of its own staff.
        await authorize(
            authorizer, principal, HQ if role == "tenant_admin" else dom, "role", "assign"
        )
        return dom
    if role not in HQ_ROLES:
        raise DomainError(f"{role} is not a head-office role", detail={"field": "role"})
    await authorize(authorizer, principal, HQ, "role", "assign")
    return HQ


async def _check_holder(account_id: int, role: str, tenant_id: int | None) -> None:
    account = (
        await Account.select(Account.kind, Account.tenant).where(Account.id == account_id).first()
    )
    # Another tenant's account is "not found", exactly like a missing one.
    if account is None or (tenant_id is not None and account["tenant"] != tenant_id):
        raise NotFound("账号不存在 / no such account")
    if account["kind"] != ROLE_HOLDERS[role].value:
        raise DomainError(
            f"{role} cannot be held by a {account['kind']} account", detail={"field": "role"}
        )


async def change_role(
    authorizer: Authorizer,
    principal: Principal,
    *,
    grant: bool,
    account_id: int,
    role: str,
    tenant_id: int | None = None,
    region_code: str | None = None,
    context: RequestContext | None = None,
) -> None:
    """Grant (or revoke) ``role``: in the head office, in one tenant, or for a region.
    Granting what is held, or revoking what is not, changes nothing (retries are safe)."""
    dom = await _grant_target(
        principal, authorizer, role, tenant_id=tenant_id, region_code=region_code
    )
    await _check_holder(account_id, role, tenant_id)
    rule = [subject(account_id), role, dom]
    async with write_transaction():
        held = await CasbinRule.select(CasbinRule.v1, CasbinRule.v2).where(
            (CasbinRule.ptype == "g") & (CasbinRule.v0 == rule[0])
        )
        if grant == ((role, dom) in {(h["v1"], h["v2"]) for h in held}):
            return
        if grant:
            clash = EXCLUSIVE_ROLES & ({role} | {h["v1"] for h in held})
            if role in EXCLUSIVE_ROLES and len(clash) > 1:
                raise DomainError(
                    "系统、安全、审计管理员须由不同人员担任 / system, security and audit "
                    f"administration are held by different people ({', '.join(sorted(clash))})",
                    detail={"field": "role"},
                )
            await _adapter.add_policy("g", "g", rule)
        else:
            await _adapter.remove_policy("g", "g", rule)
        await record(
            actor=principal.actor,
            action="role.grant" if grant else "role.revoke",
            object=f"account:{account_id}:{role}@{dom}",
            tenant_id=tenant_id,
            context=context,
        )
    await authorizer.changed(EVERY_DOMAIN if region_code else dom)


async def grant_role(authorizer: Authorizer, principal: Principal, **target: Any) -> None:
    await change_role(authorizer, principal, grant=True, **target)


async def set_tenant_deny(authorizer: Authorizer, actor: Actor, tenant_id: int, deny: bool) -> None:
    """Deny (or stop denying) every action of the tenant's staff and new supplier actions:
    the Casbin side of a suspension. Runs in the caller's transaction."""
    dom = tenant_domain(tenant_id)
    rules = [[role, dom, "*", "*", "deny"] for role in (*TENANT_ROLES, "supplier", "agency")]
    await _adapter.remove_policies("p", "p", rules)
    if deny:
        await _adapter.add_policies("p", "p", rules)
    await record(
        actor=actor,
        action="tenant.deny" if deny else "tenant.deny_lifted",
        object=f"tenant:{tenant_id}",
        tenant_id=tenant_id,
    )


async def grant_first_admin(authorizer: Authorizer, account_id: int, *, command: str) -> None:
    """Make an account ``hq_admin`` on the system's authority (the ``create-admin`` command):
    someone must hold ``role:assign`` before anyone can be granted anything."""
    account = await Account.select(Account.kind).where(Account.id == account_id).first()
    if account is None or account["kind"] != AccountKind.hq_staff.value:
        raise DomainError("only head-office staff can be head-office administrators")
    async with write_transaction():
        await _adapter.add_policy("g", "g", [subject(account_id), "hq_admin", HQ])
        await record(
            actor=Actor.system(command),
            action="role.grant",
            object=f"account:{account_id}:hq_admin@{HQ}",
        )
    await authorizer.changed(HQ)
