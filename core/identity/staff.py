"""Staff accounts (人员管理): a tenant's admin manages its own staff; head office's admin
manages head-office staff and regulators. Another site's account is "not found"."""

from __future__ import annotations

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.accounts import create_account
from core.identity.passwords import MUST_CHANGE, check_complexity, hash_password
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.tenancy.site import Site

HQ_MANAGED = (AccountKind.hq_staff, AccountKind.regulator)


class StaffMember(msgspec.Struct):
    account_id: int
    username: str
    display_name: str
    kind: str
    is_active: bool
    # a first password set by an administrator, not yet replaced by its holder
    awaiting_first_sign_in: bool = False


async def _authorize(authorizer: Authorizer, principal: Principal, site: Site) -> None:
    if site.tenant is None:
        await authorize(authorizer, principal, HQ, "hq.account", "manage")
    else:
        await authorize(authorizer, principal, tenant_domain(site.tenant.id), "staff", "manage")


def _of_site(site: Site):  # type: ignore[no-untyped-def]  # a Piccolo where-clause
    if site.tenant is None:
        return Account.kind.is_in([k.value for k in HQ_MANAGED])
    return (Account.kind == AccountKind.tenant_staff.value) & (Account.tenant == site.tenant.id)


async def list_staff(authorizer: Authorizer, principal: Principal, site: Site) -> list[StaffMember]:
    await _authorize(authorizer, principal, site)
    rows = (
        await Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.kind,
            Account.is_active,
            Account.password_changed_at,
        )
        .where(_of_site(site))
        .order_by(Account.id)
    )
    return [
        StaffMember(
            r["id"],
            r["username"],
            r["display_name"],
            r["kind"],
            r["is_active"],
            r["password_changed_at"] == MUST_CHANGE,
        )
        for r in rows
    ]


async def add_staff(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    *,
    username: str,
    display_name: str,
    password: str,
    kind: AccountKind | None,
    context: RequestContext,
    email: str | None = None,
) -> int:
    """A staff account of this site: ``kind`` by default the site's own staff (head-office
    staff on the main portal, tenant staff on a sub-site)."""
    await _authorize(authorizer, principal, site)
    allowed = HQ_MANAGED if site.tenant is None else (AccountKind.tenant_staff,)
    kind = kind or allowed[0]
    if kind not in allowed:
        raise DomainError(
            f"本站不能创建 {kind.value} 账号 / this site cannot create {kind.value}",
            detail={"field": "kind"},
        )
    async with write_transaction():
        account_id = await create_account(
            username=username,
            display_name=display_name,
            kind=kind,
            password=password,
            tenant_id=site.tenant.id if site.tenant else None,
            email=email or None,
        )
        await Account.update({Account.password_changed_at: MUST_CHANGE}).where(
            Account.id == account_id
        )
        await record(
            actor=principal.actor,
            action="account.create",
            object=f"account:{account_id}",
            tenant_id=site.tenant.id if site.tenant else None,
            context=context,
        )
    return account_id


async def set_active(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    *,
    account_id: int,
    active: bool,
    context: RequestContext,
) -> None:
    """Enable or disable an account; disabling ends its sessions at their next request."""
    await _authorize(authorizer, principal, site)
    if account_id == principal.account_id:
        raise Forbidden("不能停用自己的账号 / you cannot disable your own account")
    async with write_transaction():
        if not await Account.exists().where((Account.id == account_id) & _of_site(site)):
            raise NotFound("账号不存在 / no such account")
        await Account.update({Account.is_active: active}).where(Account.id == account_id)
        await record(
            actor=principal.actor,
            action="account.enable" if active else "account.disable",
            object=f"account:{account_id}",
            tenant_id=site.tenant.id if site.tenant else None,
            context=context,
        )


async def reset_password(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    *,
    account_id: int,
    password: str,
    context: RequestContext,
) -> None:
    """Give an account of this site a new first password (重置口令): its holder replaces it at
    the next sign-in, and its sessions end now."""
    await _authorize(authorizer, principal, site)
    if account_id == principal.account_id:
        raise Forbidden("请在「修改口令」中修改自己的口令 / change your own password yourself")
    check_complexity(password)
    password_hash = await hash_password(password)
    async with write_transaction():
        if not await Account.exists().where((Account.id == account_id) & _of_site(site)):
            raise NotFound("账号不存在 / no such account")
        await Account.update(
            {Account.password_hash: password_hash, Account.password_changed_at: MUST_CHANGE}
        ).where(Account.id == account_id)
        await record(
            actor=principal.actor,
            action="account.reset_password",
            object=f"account:{account_id}",
            tenant_id=site.tenant.id if site.tenant else None,
            context=context,
        )
