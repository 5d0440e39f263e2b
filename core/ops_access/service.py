"""Ask, decide (through the approvals), check at each use, revoke.

An ops person (``hq_ops``, permission ``ops_access:use`` at head office) asks for 1 to 8 hours
of access to one tenant with a written reason; an ``hq_admin`` (``approval:ops_access``)
approves or rejects it through the one approval mechanism, never its own requester. The
window opens at approval and closes by itself ``hours`` later.

How a grant widens rights: it never adds a Casbin policy. The ops person's policies stay what
they are (nothing in any tenant's domain); what a grant opens is decided by
:func:`active_grant` at each use — the person's own approved grant for exactly that tenant,
not revoked, with ``expires_at`` still ahead by the clock at that moment — and only for the
reads of :mod:`core.ops_access.reading`. So there is nothing to take away at expiry (no job, no
policy left behind in another worker's cached enforcer), and a grant reaches one tenant only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import msgspec

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import Conflict, DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account
from core.ops_access.tables import OpsAccessGrant
from core.tenancy.tables import Tenant, TenantState

OPS_ACCESS_TYPE = "ops_access"
MIN_HOURS, MAX_HOURS = 1, 8
REASON_MAX = 1000
BAD_HOURS = (
    f"访问时长须为 {MIN_HOURS} 至 {MAX_HOURS} 小时的整数 / "
    f"the access lasts {MIN_HOURS} to {MAX_HOURS} whole hours"
)
NO_REASON = "请写明访问理由 / state why the access is needed"
LONG_REASON = f"访问理由不超过 {REASON_MAX} 字 / the reason is at most {REASON_MAX} characters"
NO_TENANT = "分平台不存在 / no such sub-platform"
NO_GRANT = "运维访问授权不存在 / no such ops access grant"


class GrantState(StrEnum):
    pending = "pending"  # 待审批
    approved = "approved"  # 已批准, and within its window now
    rejected = "rejected"  # 已驳回
    expired = "expired"  # 已过期
    revoked = "revoked"  # 已撤销


class GrantView(msgspec.Struct):
    id: int
    request_id: int
    tenant_id: int
    tenant_name: str
    requester: str  # the ops person's display name
    hours: int
    reason: str
    state: GrantState
    created_at: dt.datetime
    approved_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def state_of(grant: dict[str, Any], decision: str, now: dt.datetime) -> GrantState:
    """The grant's state at ``now``, from its approval request's state (``decision``)."""
    if decision == ApprovalState.rejected.value:
        return GrantState.rejected
    if decision != ApprovalState.approved.value or grant["expires_at"] is None:
        return GrantState.pending
    if grant["revoked_at"] is not None:
        return GrantState.revoked
    return GrantState.approved if now < grant["expires_at"] else GrantState.expired


def checked_request(hours: int, reason: str) -> str:
    """The reason as kept; a duration out of range or an empty reason is refused, by field."""
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise DomainError(BAD_HOURS, detail={"field": "hours"})
    reason = reason.strip()
    if not reason:
        raise DomainError(NO_REASON, detail={"field": "reason"})
    if len(reason) > REASON_MAX:
        raise DomainError(LONG_REASON, detail={"field": "reason"})
    return reason


async def request_access(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    hours: int,
    reason: str,
    context: RequestContext | None = None,
) -> GrantView:
    """Ask for ``hours`` of access to ``tenant_id``; return the grant, pending."""
    await authorize(authorizer, principal, HQ, "ops_access", "use")
    reason = checked_request(hours, reason)
    tenant = await Tenant.select(Tenant.state).where(Tenant.id == tenant_id).first()
    if tenant is None or tenant["state"] == TenantState.closed.value:
        raise NotFound(NO_TENANT, detail={"field": "tenant_id"})
    async with write_transaction():
        if await active_grant(principal, tenant_id) is not None:
            raise Conflict("已有该分平台有效的运维访问授权 / you already have access to it")
        request_id = await approvals.submit(
            type=OPS_ACCESS_TYPE,
            subject=f"ops_access:{principal.account_id}:{tenant_id}",
            submitter=principal,
            tenant_id=tenant_id,
            payload={"hours": hours, "reason": reason},
            context=context,
        )
        rows = await OpsAccessGrant.insert(
            OpsAccessGrant(
                requester=principal.account_id,
                tenant=tenant_id,
                request_id=request_id,
                hours=hours,
                reason=reason,
            )
        ).returning(OpsAccessGrant.id)
        return (await _views(OpsAccessGrant.id == rows[0]["id"]))[0]


async def active_grant(
    principal: Principal, tenant_id: int, now: dt.datetime | None = None
) -> dict[str, Any] | None:
    """``principal``'s own grant that opens ``tenant_id`` at ``now`` (by default: this very
    moment), or None: approved, not revoked, not yet expired."""
    return (
        await OpsAccessGrant.select()
        .where(
            (OpsAccessGrant.requester == principal.account_id)
            & (OpsAccessGrant.tenant == tenant_id)
            & OpsAccessGrant.approved_at.is_not_null()
            & OpsAccessGrant.revoked_at.is_null()
            & (OpsAccessGrant.expires_at > (now or _now()))
        )
        .order_by(OpsAccessGrant.expires_at, ascending=False)
        .first()
    )


async def revoke(
    authorizer: Authorizer,
    principal: Principal,
    grant_id: int,
    context: RequestContext | None = None,
) -> GrantView:
    """End an active grant before its time (提前撤销)."""
    await authorize(authorizer, principal, HQ, "ops_access", "revoke")
    async with write_transaction():
        views = await _views(OpsAccessGrant.id == grant_id)
        if not views:
            raise NotFound(NO_GRANT)
        if views[0].state is not GrantState.approved:
            raise Conflict(
                "只有有效期内的授权可以撤销 / only a grant within its window is revoked",
                detail={"state": views[0].state.value},
            )
        await OpsAccessGrant.update(
            {OpsAccessGrant.revoked_at: _now(), OpsAccessGrant.revoked_by: principal.account_id}
        ).where(OpsAccessGrant.id == grant_id)
        await record(
            actor=principal.actor,
            action="ops_access.revoke",
            object=f"ops_access:{grant_id}",
            tenant_id=views[0].tenant_id,
            context=context,
        )
        return (await _views(OpsAccessGrant.id == grant_id))[0]


async def own_grants(authorizer: Authorizer, principal: Principal) -> list[GrantView]:
    """The ops person's own grants, newest first."""
    await authorize(authorizer, principal, HQ, "ops_access", "use")
    return await _views(OpsAccessGrant.requester == principal.account_id)


async def all_grants(
    authorizer: Authorizer, principal: Principal, limit: int = 200
) -> list[GrantView]:
    """Every ops person's grants, newest first, for the administrators who decide them."""
    await authorize(authorizer, principal, HQ, "approval:ops_access", "decide")
    return await _views(None, limit)


async def _views(where: Any, limit: int = 200) -> list[GrantView]:
    query = OpsAccessGrant.select().order_by(OpsAccessGrant.id, ascending=False).limit(limit)
    rows = await (query if where is None else query.where(where))
    if not rows:
        return []
    decisions = {
        r["id"]: r["state"]
        for r in await ApprovalRequest.select(ApprovalRequest.id, ApprovalRequest.state).where(
            ApprovalRequest.id.is_in([r["request_id"] for r in rows])
        )
    }
    people = {
        r["id"]: r["display_name"] or r["username"]
        for r in await Account.select(Account.id, Account.display_name, Account.username).where(
            Account.id.is_in([r["requester"] for r in rows])
        )
    }
    names = {
        r["id"]: r["name"]
        for r in await Tenant.select(Tenant.id, Tenant.name).where(
            Tenant.id.is_in([r["tenant"] for r in rows])
        )
    }
    now = _now()
    return [
        GrantView(
            id=r["id"],
            request_id=r["request_id"],
            tenant_id=r["tenant"],
            tenant_name=names.get(r["tenant"], ""),
            requester=people.get(r["requester"], ""),
            hours=r["hours"],
            reason=r["reason"],
            state=state_of(r, decisions.get(r["request_id"], ""), now),
            created_at=r["created_at"],
            approved_at=r["approved_at"],
            expires_at=r["expires_at"],
            revoked_at=r["revoked_at"],
        )
        for r in rows
    ]


async def _on_approved(request: dict[str, object], _decider: Principal) -> None:
    """In the approving transaction: the window opens now, for the hours asked."""
    grant = (
        await OpsAccessGrant.select(OpsAccessGrant.hours)
        .where(OpsAccessGrant.request_id == request["id"])
        .first()
    )
    if grant is None:
        raise NotFound(NO_GRANT)
    now = _now()
    await OpsAccessGrant.update(
        {
            OpsAccessGrant.approved_at: now,
            OpsAccessGrant.expires_at: now + dt.timedelta(hours=grant["hours"]),
        }
    ).where(OpsAccessGrant.request_id == request["id"])


approvals.register(approvals.ApprovalType(name=OPS_ACCESS_TYPE, on_approved=_on_approved))
