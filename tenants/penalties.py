"""The penalty ladder (seed 000 Art. 27) and reinstatement.

reminder (提醒) and warning (警告) are recorded and notified; revocation (撤销分平台管理账号)
takes ``tenant_admin`` from every management account of the tenant; suspension
(中止系统使用权限) denies every action of its staff and new supplier actions (Casbin deny),
ends its staff's sessions and shows a notice on its sub-site. Reinstatement by ``hq_admin``
undoes the revocations and suspension since the last reinstatement, and nothing else: a
warning stays (see ``state_after_reinstatement``). Every decision is a row of the tenant's
history, kept for ever.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec
from litestar.datastructures import UploadFile

from core.audit.chain import RequestContext, record
from core.authz.adapter import PiccoloAdapter
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, subject, tenant_domain
from core.authz.policies import authorize, set_tenant_deny
from core.authz.tables import CasbinRule
from core.data.columns import json_column
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account
from core.notifications.service import notify
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import Tenant, TenantState
from tenants.materials import check_file
from tenants.tables import Penalty, PenaltyKind
from themes.cache import PORTAL_CACHE
from themes.i18n import DEFAULT_LOCALE, in_locale, translate

# Art. 27's seven grounds, by number.
GROUNDS = {
    1: "违反招标投标法律法规、平台规则或本办法 / breaking tendering law or platform rules",
    2: "运营程序不完整、不规范 / incomplete or irregular operating procedures",
    3: "利用管理账号随意发布信息 / publishing at will with a management account",
    4: "损害平台公信力 / harming the platform's public credibility",
    5: "服务差、质疑投诉多或未完成监管部门交办事项 / poor service, many complaints, tasks undone",
    6: "丧失阳光采购服务资格 / losing its sunshine-procurement service qualification",
    7: "受到政府部门行政处罚 / administrative penalties by government departments",
}
# The state each penalty leads to, from each state it may be taken in.
NEXT_STATE = {
    PenaltyKind.reminder: lambda s: s,
    PenaltyKind.warning: lambda s: TenantState.warned if s is TenantState.active else s,
    PenaltyKind.revocation: lambda s: (
        s if s is TenantState.suspended else TenantState.admin_revoked
    ),
    PenaltyKind.suspension: lambda s: TenantState.suspended,
}

_adapter = PiccoloAdapter()


class PenaltyView(msgspec.Struct):
    id: int
    kind: str
    grounds: list[int]
    statement: str
    decided_by: int
    decided_at: dt.datetime
    state_before: str
    state_after: str
    evidence: list[str]


class Evidence(msgspec.Struct):
    filename: str
    data: bytes


class PenaltyForm(msgspec.Struct, forbid_unknown_fields=True):
    kind: PenaltyKind
    grounds: Annotated[list[Annotated[int, msgspec.Meta(ge=1, le=7)]], msgspec.Meta(min_length=1)]
    statement: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


async def read_upload(
    kind: str, statement: str, grounds: list[str] | str, files: list[UploadFile] | UploadFile
) -> tuple[PenaltyForm, list[Evidence]]:
    """A penalty from a multipart form: grounds as checkbox values or "1,3"; evidence files."""
    values = grounds if isinstance(grounds, list) else [grounds]
    numbers = [int(n) for g in values for n in str(g).split(",") if n.strip().isdigit()]
    try:
        form = msgspec.convert(
            {"kind": kind, "statement": statement, "grounds": numbers}, PenaltyForm
        )
    except msgspec.ValidationError as exc:
        raise DomainError(
            "请选择处理方式、第二十七条依据并填写说明 / choose the penalty, its grounds under "
            f"Art. 27 and write a statement ({exc})",
            detail={"field": "penalty"},
        ) from None
    uploads = files if isinstance(files, list) else [files]
    return form, [Evidence(f.filename, await f.read()) for f in uploads if f.filename]


async def _tenant_state(tenant_id: int) -> TenantState:
    row = await Tenant.select(Tenant.state).where(Tenant.id == tenant_id).first()
    if row is None:
        raise NotFound("分平台不存在 / no such tenant")
    return TenantState(row["state"])


async def _admins(tenant_id: int) -> list[tuple[int, str | None]]:
    """The tenant's management accounts and operator, with their e-mail (recipients)."""
    dom = tenant_domain(tenant_id)
    holders = (
        await CasbinRule.select(CasbinRule.v0)
        .where(
            (CasbinRule.ptype == "g")
            & (CasbinRule.domain == dom)
            & CasbinRule.v1.is_in(["tenant_admin", "tenant_operator"])
        )
        .output(as_list=True)
    )
    ids = [int(h[2:]) for h in holders if h.startswith("u:")]
    rows = await Account.select(Account.id, Account.email).where(Account.id.is_in(ids or [0]))
    return [(r["id"], r["email"]) for r in rows]


async def impose(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant_id: int,
    form: PenaltyForm,
    evidence: list[Evidence],
    context: RequestContext,
) -> int:
    """Impose a penalty; returns its id."""
    if form.kind is PenaltyKind.reinstatement:
        raise DomainError(
            "恢复请使用恢复操作 / reinstatement has its own action", detail={"field": "kind"}
        )
    await authorize(authorizer, principal, tenant_domain(tenant_id), "tenant", "penalize")
    before = await _tenant_state(tenant_id)
    if before is TenantState.closed:
        raise DomainError("分平台已关闭 / the tenant is closed")
    if not evidence:
        raise DomainError("请附证据材料 / attach the evidence", detail={"field": "evidence"})
    checked = [(e, *check_file(e.filename, e.data)) for e in evidence]
    keys = []
    after = NEXT_STATE[form.kind](before)
    dom = tenant_domain(tenant_id)
    try:
        for item, extension, content_type in checked:
            key = ObjectKey.for_head_office(
                "penalties", str(tenant_id), f"{uuid.uuid4().hex}.{extension}"
            )
            await storage.put(key, item.data, content_type)
            keys.append(key)
        async with write_transaction():
            recipients = await _admins(tenant_id)
            revoked: list[int] = []
            if form.kind is PenaltyKind.revocation:
                revoked = [
                    int(v[2:])
                    for v in await CasbinRule.select(CasbinRule.v0)
                    .where(
                        (CasbinRule.ptype == "g")
                        & (CasbinRule.domain == dom)
                        & (CasbinRule.v1 == "tenant_admin")
                    )
                    .output(as_list=True)
                ]
                await _adapter.remove_filtered_policy("g", "g", 1, "tenant_admin", dom)
            if form.kind is PenaltyKind.suspension and before is not TenantState.suspended:
                await set_tenant_deny(authorizer, principal.actor, tenant_id, deny=True)
            changes: dict[Any, object] = {Tenant.state: after.value}
            if form.kind is PenaltyKind.suspension:
                changes[Tenant.sessions_valid_after] = dt.datetime.now(dt.UTC)
            await Tenant.update(changes).where(Tenant.id == tenant_id)
            rows = await Penalty.insert(
                Penalty(
                    tenant_id=tenant_id,
                    kind=form.kind.value,
                    grounds=sorted(set(form.grounds)),
                    statement=form.statement,
                    evidence=[k.value for k in keys],
                    decided_by=principal.account_id,
                    state_before=before.value,
                    state_after=after.value,
                    revoked_accounts=revoked,
                )
            ).returning(Penalty.id)
            zh = DEFAULT_LOCALE  # a notice is written once, in the platform's language
            grounds = "；".join(
                f"第{g}项 {in_locale(GROUNDS[g], zh)}" for g in sorted(set(form.grounds))
            )
            kind = translate(f"label.penalty_kind.{form.kind.value}", zh)
            await notify(
                recipients=recipients,
                subject=translate("notice.penalty.subject", zh, kind=kind),
                body=translate(
                    "notice.penalty.body", zh, statement=form.statement, grounds=grounds
                ),
                tenant_id=tenant_id,
            )
            await record(
                actor=principal.actor,
                action=f"tenant.penalty.{form.kind.value}",
                object=f"tenant:{tenant_id}",
                tenant_id=tenant_id,
                context=context,
            )
    except BaseException:
        for stored in keys:
            await discard(storage, stored)
        raise
    await authorizer.changed(dom)
    await TENANT_CACHE.changed()
    await PORTAL_CACHE.invalidate(tenant_id)  # the suspension notice, or its end
    return rows[0]["id"]


# The penalties that take something away, which reinstatement gives back.
TAKING = (PenaltyKind.revocation, PenaltyKind.suspension)


async def _since_last_reinstatement(tenant_id: int) -> list[dict[str, Any]]:
    """The penalties of the current cycle: those after the last reinstatement, oldest first."""
    rows = (
        await Penalty.select(Penalty.kind, Penalty.state_before, Penalty.revoked_accounts)
        .where(Penalty.tenant_id == tenant_id)
        .order_by(Penalty.id)
    )
    kinds = [r["kind"] for r in rows]
    last = max((i for i, k in enumerate(kinds) if k == PenaltyKind.reinstatement.value), default=-1)
    return rows[last + 1 :]


def state_after_reinstatement(cycle: list[dict[str, Any]]) -> TenantState:
    """Where reinstatement leaves the tenant, given the penalties of the current cycle.

    It undoes revocation and suspension only: a warning is a penalty it does not lift, so a
    tenant warned when the cycle began, or during it, stays ``warned``. A cycle with nothing
    taken (the tenant is only warned) is what a reinstatement of the warning itself lifts.
    """
    if not any(PenaltyKind(r["kind"]) in TAKING for r in cycle):
        return TenantState.active
    warned = cycle[0]["state_before"] == TenantState.warned.value or any(
        r["kind"] == PenaltyKind.warning.value for r in cycle
    )
    return TenantState.warned if warned else TenantState.active


async def reinstate(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    statement: str,
    context: RequestContext,
) -> int:
    """Give back exactly what the penalties since the last reinstatement took, nothing else.

    The suspension's deny is lifted; each account a revocation of this cycle took
    ``tenant_admin`` from gets it back once, if it is still active staff of the tenant and
    does not hold it already. Grants that exist are left alone (a suspension takes none).
    The state returned to is :func:`state_after_reinstatement`'s.
    """
    await authorize(authorizer, principal, HQ, "tenant", "reinstate")
    before = await _tenant_state(tenant_id)
    if before in (TenantState.active, TenantState.closed):
        raise DomainError(f"分平台状态为 {before.value}，无需恢复 / nothing to reinstate")
    if not statement.strip():
        raise DomainError("请说明理由 / give the reasons", detail={"field": "statement"})
    dom = tenant_domain(tenant_id)
    async with write_transaction():
        cycle = await _since_last_reinstatement(tenant_id)
        after = state_after_reinstatement(cycle)
        revoked = {
            account
            for row in cycle
            if row["kind"] == PenaltyKind.revocation.value
            for account in json_column(row["revoked_accounts"], list[int])
        }
        holders = set(
            await CasbinRule.select(CasbinRule.v0)
            .where(
                (CasbinRule.ptype == "g")
                & (CasbinRule.domain == dom)
                & (CasbinRule.v1 == "tenant_admin")
            )
            .output(as_list=True)
        )
        still_staff = (
            await Account.select(Account.id)
            .where(
                Account.id.is_in(sorted(revoked) or [0])
                & (Account.tenant == tenant_id)
                & (Account.is_active == True)  # noqa: E712 - a Piccolo expression
            )
            .order_by(Account.id)
            .output(as_list=True)
        )
        await _adapter.add_policies(
            "g",
            "g",
            [[subject(a), "tenant_admin", dom] for a in still_staff if subject(a) not in holders],
        )
        if before is TenantState.suspended:
            await set_tenant_deny(authorizer, principal.actor, tenant_id, deny=False)
        await Tenant.update({Tenant.state: after.value}).where(Tenant.id == tenant_id)
        rows = await Penalty.insert(
            Penalty(
                tenant_id=tenant_id,
                kind=PenaltyKind.reinstatement.value,
                grounds=[],
                statement=statement,
                evidence=[],
                decided_by=principal.account_id,
                state_before=before.value,
                state_after=after.value,
            )
        ).returning(Penalty.id)
        await notify(
            recipients=await _admins(tenant_id),
            subject="服务平台恢复决定 / reinstated",
            body=statement,
            tenant_id=tenant_id,
        )
        await record(
            actor=principal.actor,
            action="tenant.reinstate",
            object=f"tenant:{tenant_id}",
            tenant_id=tenant_id,
            context=context,
        )
    await authorizer.changed(dom)
    await TENANT_CACHE.changed()
    await PORTAL_CACHE.invalidate(tenant_id)
    return rows[0]["id"]


async def history(tenant_id: int) -> list[PenaltyView]:
    rows = await Penalty.select().where(Penalty.tenant_id == tenant_id).order_by(Penalty.id)
    return [
        PenaltyView(
            id=r["id"],
            kind=r["kind"],
            grounds=json_column(r["grounds"], list[int]),
            statement=r["statement"],
            decided_by=r["decided_by"],
            decided_at=r["decided_at"],
            state_before=r["state_before"],
            state_after=r["state_after"],
            evidence=json_column(r["evidence"], list[str]),
        )
        for r in rows
    ]
