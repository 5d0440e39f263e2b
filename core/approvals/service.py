"""Submit, return, resubmit, approve, reject.

A type registers an :class:`ApprovalType`: where its decisions are authorised (Casbin object
``approval:<type>``) and what approval does (``on_approved``, in the decision's transaction).
A submitter never decides its own request. Approving an approved request again is answered
as before and changes nothing, so a retried or concurrent approval yields one result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.approvals.notices import notify_submitter
from core.approvals.tables import ApprovalEvent, ApprovalRequest, ApprovalState
from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.columns import json_column
from core.data.engine import get_engine, write_transaction
from core.errors import AlreadyExists, DomainError, NotFound
from core.identity.principal import Principal
from themes.i18n import DEFAULT_LOCALE, translate


class Decision(StrEnum):
    approve = "approve"
    return_ = "return"
    reject = "reject"


class Deficiency(msgspec.Struct, frozen=True):
    """One problem of a submission (一次性告知: all of them are listed at once)."""

    item: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    problem: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


@dataclass(frozen=True)
class ApprovalType:
    name: str
    on_approved: Callable[[dict[str, object], Principal], Awaitable[None]]
    # Runs in the deciding transaction when the request is rejected (不予通过).
    on_rejected: Callable[[dict[str, object], Principal], Awaitable[None]] | None = None
    # Whether a reviewer may return it for mending (退回): only where its submitter has a way
    # to mend and resubmit it (applications), else a returned request, still open, would block
    # every later one of its subject. Others are approved or rejected, and asked again.
    returnable: bool = False
    # Runs once the approval has committed: for effects outside the database (caches).
    after_approved: Callable[[dict[str, object]], Awaitable[None]] | None = None
    # What the items of a return's deficiencies are called (item → "中文 / English" title),
    # so that the notice to the submitter names them in words, not codes.
    item_titles: Callable[[dict[str, object]], Awaitable[dict[str, str]]] | None = None
    # Runs in the deciding transaction when the request is returned for mending (退回).
    on_returned: Callable[[dict[str, object], Principal], Awaitable[None]] | None = None
    # Decided by the request's sub-platform (its staff, in the tenant's Casbin domain), not
    # by head office: a project's registration (项目登记) is the sub-platform's service.
    tenant_decides: bool = False


TYPES: dict[str, ApprovalType] = {}


def register(approval_type: ApprovalType) -> None:
    TYPES[approval_type.name] = approval_type


async def submit(
    *,
    type: str,
    subject: str,
    submitter: Principal,
    tenant_id: int | None = None,
    payload: dict[str, object] | None = None,
    context: RequestContext | None = None,
) -> int:
    """Open a request (in the caller's transaction); one open request per subject."""
    if type not in TYPES:
        raise DomainError(f"unknown approval type {type}")
    open_states = [ApprovalState.submitted.value, ApprovalState.returned.value]
    if await ApprovalRequest.exists().where(
        (ApprovalRequest.subject == subject) & ApprovalRequest.state.is_in(open_states)
    ):
        raise AlreadyExists("已有待处理的申请 / a request for this is already open")
    rows = await ApprovalRequest.insert(
        ApprovalRequest(
            type=type,
            subject=subject,
            tenant_id=tenant_id,
            payload=payload or {},
            submitter=submitter.account_id,
        )
    ).returning(ApprovalRequest.id)
    request_id = rows[0]["id"]
    await _event(request_id, "submit", submitter)
    await record(
        actor=submitter.actor,
        action=f"approval.{type}.submit",
        object=f"approval:{request_id}",
        tenant_id=tenant_id,
        context=context,
    )
    return request_id


async def resubmit(
    request_id: int,
    submitter: Principal,
    context: RequestContext | None = None,
) -> None:
    """A returned request goes back to review once its submitter has mended it."""
    async with write_transaction():
        request = await _locked(request_id)
        if request["submitter"] != submitter.account_id:
            raise NotFound("申请不存在 / no such request")
        if request["state"] != ApprovalState.returned.value:
            raise DomainError("只有退回的申请可以重新提交 / only a returned request is resubmitted")
        await ApprovalRequest.update({ApprovalRequest.state: ApprovalState.submitted.value}).where(
            ApprovalRequest.id == request_id
        )
        await _event(request_id, "resubmit", submitter)
        await record(
            actor=submitter.actor,
            action=f"approval.{request['type']}.resubmit",
            object=f"approval:{request_id}",
            tenant_id=request["tenant_id"],
            context=context,
        )


async def decide(
    authorizer: Authorizer,
    decider: Principal,
    request_id: int,
    decision: Decision,
    *,
    deficiencies: list[Deficiency] | None = None,
    note: str = "",
    context: RequestContext | None = None,
) -> ApprovalState:
    """Decide a submitted request; returns its state after the decision."""
    deficiencies = deficiencies or []
    if decision is Decision.return_ and not deficiencies:
        raise DomainError(
            "退回须逐项列明问题 / a return lists every deficiency", detail={"field": "deficiencies"}
        )
    # Authorise before taking the lock: a request's type never changes, and a first decision
    # in a domain loads its policies, which should not happen under the write lock.
    kind = (
        await ApprovalRequest.select(ApprovalRequest.type, ApprovalRequest.tenant_id)
        .where(ApprovalRequest.id == request_id)
        .first()
    )
    if kind is None:
        raise NotFound("申请不存在 / no such request")
    by_tenant = TYPES[kind["type"]].tenant_decides and kind["tenant_id"] is not None
    dom = tenant_domain(kind["tenant_id"]) if by_tenant else HQ
    await authorize(authorizer, decider, dom, f"approval:{kind['type']}", "decide")
    if decision is Decision.return_ and not TYPES[kind["type"]].returnable:
        raise DomainError(
            "此类申请不退回：请通过或驳回 / this kind of request is approved or rejected, "
            "not returned",
            detail={"field": "decision"},
        )
    async with write_transaction():
        request = await _locked(request_id)
        if request["submitter"] == decider.account_id:
            raise Forbidden("不能审核自己提交的申请 / nobody decides their own request")
        state = ApprovalState(request["state"])
        if decision is Decision.approve and state is ApprovalState.approved:
            return state  # a repeat: already done, nothing more to do
        if state is not ApprovalState.submitted:
            shown = translate(f"label.approval_state.{state.value}", DEFAULT_LOCALE)
            raise DomainError(
                f"该申请的状态为「{shown}」，不能再审核 / the request is {state.value}"
            )
        new_state = {
            Decision.approve: ApprovalState.approved,
            Decision.return_: ApprovalState.returned,
            Decision.reject: ApprovalState.rejected,
        }[decision]
        await ApprovalRequest.update(
            {
                ApprovalRequest.state: new_state.value,
                ApprovalRequest.decided_by: decider.account_id,
                ApprovalRequest.decided_at: dt.datetime.now(dt.UTC),
            }
        ).where(ApprovalRequest.id == request_id)
        await _event(request_id, decision.value, decider, note=note, deficiencies=deficiencies)
        approval_type = TYPES[request["type"]]
        if new_state is ApprovalState.approved:
            await approval_type.on_approved(request, decider)
        elif new_state is ApprovalState.rejected and approval_type.on_rejected is not None:
            await approval_type.on_rejected(request, decider)
        elif new_state is ApprovalState.returned and approval_type.on_returned is not None:
            await approval_type.on_returned(request, decider)
        titles = await approval_type.item_titles(request) if approval_type.item_titles else {}
        await notify_submitter(
            request,
            new_state,
            note=note,
            deficiencies=[(titles.get(d.item, d.item), d.problem) for d in deficiencies],
        )
        await record(
            actor=decider.actor,
            action=f"approval.{request['type']}.{decision.value}",
            object=f"approval:{request_id}",
            tenant_id=request["tenant_id"],
            context=context,
        )
    after = TYPES[request["type"]].after_approved
    if new_state is ApprovalState.approved and after is not None:
        await after(request)
    return new_state


async def _locked(request_id: int) -> dict[str, object]:
    """The request row, locked until the transaction ends (SQLite: the write lock does it)."""
    if isinstance(get_engine(), PostgresEngine):
        await ApprovalRequest.raw(
            "SELECT id FROM approval_request WHERE id = {} FOR UPDATE", request_id
        )
    request = await ApprovalRequest.select().where(ApprovalRequest.id == request_id).first()
    if request is None:
        raise NotFound("申请不存在 / no such request")
    return request


async def _event(
    request_id: int,
    action: str,
    actor: Principal,
    *,
    note: str = "",
    deficiencies: list[Deficiency] | None = None,
) -> None:
    await ApprovalEvent.insert(
        ApprovalEvent(
            request=request_id,
            action=action,
            actor_id=actor.account_id,
            note=note,
            deficiencies=msgspec.to_builtins(deficiencies or []),
        )
    )


class EventView(msgspec.Struct):
    action: str
    actor_id: int
    at: dt.datetime
    note: str
    deficiencies: list[Deficiency]


async def history(request_id: int) -> list[EventView]:
    rows = (
        await ApprovalEvent.select()
        .where(ApprovalEvent.request == request_id)
        .order_by(ApprovalEvent.id)
    )
    return [
        EventView(
            r["action"],
            r["actor_id"],
            r["at"],
            r["note"],
            json_column(r["deficiencies"], list[Deficiency]),
        )
        for r in rows
    ]
