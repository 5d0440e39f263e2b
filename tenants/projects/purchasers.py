"""Purchaser units (采购人) of a sub-platform and the staff accounts acting for them.

A unit belongs to one tenant (one per credit code there); its accounts are the tenant's staff
accounts holding the ``purchaser`` role in the tenant's domain, each acting for one unit.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.audit.labels import register_object_label, word_label
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize, grant_role
from core.data.engine import write_transaction
from core.errors import AlreadyExists, DomainError, NotFound
from core.identifiers import validate_uscc
from core.identity import staff
from core.identity.principal import Principal
from core.tenancy.regions import region_exists
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects.tables import Purchaser, PurchaserMember


class PurchaserDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    credit_code: Annotated[str, msgspec.Meta(min_length=18, max_length=18)]
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]


class MemberDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class PurchaserView(msgspec.Struct):
    id: int
    credit_code: str
    name: str
    region_code: str
    members: list[str]  # display names


async def create_purchaser(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    draft: PurchaserDraft,
    context: RequestContext,
) -> int:
    """A purchaser unit of this sub-platform (采购人); one per credit code and tenant."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "purchaser", "manage")
    code = validate_uscc(draft.credit_code)
    if not await region_exists(draft.region_code):
        raise DomainError("未知地区 / unknown region", detail={"field": "region_code"})
    async with write_transaction():
        if await Purchaser.exists().where(Purchaser.tenant_code == f"{tenant.id}:{code}"):
            raise AlreadyExists(
                "该统一社会信用代码的采购人已登记 / a purchaser with this credit code exists",
                detail={"field": "credit_code"},
            )
        rows = await Purchaser.insert(
            Purchaser(
                tenant=tenant.id,
                tenant_code=f"{tenant.id}:{code}",
                credit_code=code,
                name=draft.name.strip(),
                region_code=draft.region_code,
            )
        ).returning(Purchaser.id)
        purchaser_id = rows[0]["id"]
        await record(
            actor=principal.actor,
            action="purchaser.create",
            object=f"purchaser:{purchaser_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return purchaser_id


async def _purchaser_in(tenant: TenantRef, purchaser_id: int) -> dict[str, object]:
    row = (
        await Purchaser.select()
        .where((Purchaser.id == purchaser_id) & (Purchaser.tenant == tenant.id))
        .first()
    )
    if row is None:
        raise NotFound("采购人不存在 / no such purchaser")
    return row


async def add_member(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    tenant: TenantRef,
    purchaser_id: int,
    draft: MemberDraft,
    context: RequestContext,
) -> int:
    """A new staff account acting for the unit: created with a first password to replace, a
    member of the unit, and holding the purchaser role in this tenant.

    The role is granted after the account's transaction commits (the grant reloads the
    tenant's policies, which must see committed rows); a failed grant leaves a member without
    the role, which the role assignment page (/roles) gives."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "purchaser", "manage")
    await _purchaser_in(tenant, purchaser_id)
    async with write_transaction():
        account_id = await staff.add_staff(
            authorizer,
            principal,
            site,
            username=draft.username,
            display_name=draft.display_name,
            password=draft.password,
            kind=None,
            context=context,
        )
        await PurchaserMember.insert(
            PurchaserMember(tenant=tenant.id, purchaser=purchaser_id, account=account_id)
        )
        await record(
            actor=principal.actor,
            action="purchaser.member_add",
            object=f"purchaser:{purchaser_id}:account:{account_id}",
            tenant_id=tenant.id,
            context=context,
        )
    await grant_role(
        authorizer,
        principal,
        account_id=account_id,
        role="purchaser",
        tenant_id=tenant.id,
        context=context,
    )
    return account_id


async def purchaser_list(tenant: TenantRef) -> list[PurchaserView]:
    units = await Purchaser.select().where(Purchaser.tenant == tenant.id).order_by(Purchaser.id)
    members = await PurchaserMember.select(
        PurchaserMember.purchaser, PurchaserMember.account.display_name
    ).where(PurchaserMember.tenant == tenant.id)
    names: dict[int, list[str]] = {}
    for m in members:
        names.setdefault(m["purchaser"], []).append(m["account.display_name"])
    return [
        PurchaserView(
            u["id"], u["credit_code"], u["name"], u["region_code"], names.get(u["id"], [])
        )
        for u in units
    ]


async def unit_of(principal: Principal, tenant: TenantRef) -> int | None:
    """The purchaser unit the account acts for on this sub-platform, if any."""
    row = (
        await PurchaserMember.select(PurchaserMember.purchaser)
        .where(
            (PurchaserMember.account == principal.account_id)
            & (PurchaserMember.tenant == tenant.id)
        )
        .first()
    )
    return None if row is None else row["purchaser"]


def _member_in_words(rest: str, locale: str) -> str | None:
    """The audit log's ``purchaser:<id>:account:<n>`` as "<id> · 账号 <n>"."""
    number, _, account = rest.partition(":account:")
    return f"{number} · {word_label('account', locale)} {account}" if account else None


register_object_label("purchaser", _member_in_words)
