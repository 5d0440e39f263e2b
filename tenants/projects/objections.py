"""Objections and complaints (异议 / 质疑 / 投诉), two state machines like Prozorro's claim and
complaint. A bidder objects to the documents, the opening or the result; the purchaser's side
(the sub-platform's staff) answers within the track's clock: 3 days on a tender (条例 22, 54),
7 working days in government procurement (政府采购法 53); while an objection is pending the
step it can affect waits (the opening, the evaluation report, the award). Once answered, or
once the answer is overdue, the bidder may take it to the supervising department as a
complaint (条例 60, 政府采购法 55), which is filed and shown to regulators of the region; the
counts per sub-platform feed head office's supervision (《运营管理办法》第二十七条第五项).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import Subject
from core.tenancy.registry import TenantRef
from core.workdays.service import calendar
from tenants.projects.registration import locked_project, project_in
from tenants.projects.tables import (
    Bid,
    EvaluationResult,
    Objection,
    ObjectionState,
    ObjectionTarget,
    Opening,
    Track,
)
from tenants.risk import tenant_checks

TENDER_ANSWER = dt.timedelta(days=3)  # 条例 22, 54
GOVERNMENT_ANSWER_DAYS = 7  # working days, 政府采购法 53
DOCUMENTS_CUTOFF = dt.timedelta(days=10)  # 条例 22: ≥ 10 days before the bid deadline


class ObjectionView(msgspec.Struct):
    id: int
    bidder: str
    target: str
    text: str
    state: str
    raised_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    answer: str
    answered_at: dt.datetime | None
    complaint: str
    complained_at: dt.datetime | None


def _refuse(zh: str, en: str, field: str = "target") -> DomainError:
    return DomainError(f"{zh} / {en}", detail={"field": field})


def _checked(text: str) -> str:
    if not 5 <= len(text.strip()) <= 5000:
        raise _refuse("请写明事实和理由（5 至 5000 字）", "give the facts and reasons", "text")
    return text.strip()


async def _due(track: Track, at: dt.datetime) -> dt.datetime:
    if track is Track.government:
        return (await calendar()).due_after(at, GOVERNMENT_ANSWER_DAYS)
    return at + TENDER_ANSWER


async def _check_window(
    tenant: TenantRef, project: dict[str, object], target: ObjectionTarget, now: dt.datetime
) -> None:
    """Each objection has its time: the documents before the deadline (on a tender at least
    10 days before it), the opening once a section is opened, the result during the
    candidate publicity."""
    deadline = project["bid_deadline"]
    where = (Opening.project == project["id"]) & (Opening.tenant == tenant.id)
    if target is ObjectionTarget.documents:
        if not isinstance(deadline, dt.datetime) or now >= deadline:
            raise _refuse("投标截止后不能对文件提出异议", "too late to object to the documents")
        if Track(project["track"]) is Track.tender and now > deadline - DOCUMENTS_CUTOFF:
            raise _refuse(
                "对招标文件的异议应在投标截止时间 10 日前提出（条例第二十二条）",
                "objections to tender documents come 10 days before the deadline",
            )
    elif target is ObjectionTarget.opening:
        if not await Opening.exists().where(where):
            raise _refuse("尚未开标", "nothing is opened yet")
    else:
        ends = (
            await EvaluationResult.select(EvaluationResult.publicity_ends_at)
            .where(
                (EvaluationResult.project == project["id"]) & (EvaluationResult.tenant == tenant.id)
            )
            .output(as_list=True)
        )
        if not any(e is not None and now < e for e in ends):
            raise _refuse("不在中标候选人公示期内", "not during the candidate publicity")


async def raise_objection(
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    target: ObjectionTarget,
    text: str,
    context: RequestContext | None = None,
) -> int:
    """A bidder of the project objects; the answer is due by the track's clock."""
    text = _checked(text)
    project = await project_in(tenant, project_id)
    subject = await own_subject(principal)
    if not await Bid.exists().where(
        (Bid.project == project_id) & (Bid.tenant == tenant.id) & (Bid.subject == subject["id"])
    ):
        raise Forbidden("仅本项目投标人可提出异议 / only the project's bidders object")
    now = dt.datetime.now(dt.UTC)
    await _check_window(tenant, project, target, now)
    due = await _due(Track(project["track"]), now)
    async with write_transaction():
        rows = await Objection.insert(
            Objection(
                tenant=tenant.id,
                project=project_id,
                subject=subject["id"],
                raised_by=principal.account_id,
                target=target.value,
                text=text.strip(),
                raised_at=now,
                due_at=due,
            )
        ).returning(Objection.id)
        await record(
            actor=principal.actor,
            action="objection.raise",
            object=f"project:{project_id}:objection:{rows[0]['id']}",
            tenant_id=tenant.id,
            context=context,
        )
        await tenant_checks.check_tenant(tenant.id, context=context)  # many objections
    return rows[0]["id"]


async def _objection_in(tenant: TenantRef, project_id: int, objection_id: int) -> dict:
    row = (
        await Objection.select()
        .where(
            (Objection.id == objection_id)
            & (Objection.project == project_id)
            & (Objection.tenant == tenant.id)
        )
        .first()
    )
    if row is None:
        raise NotFound("异议不存在 / no such objection")
    return row


async def answer(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    objection_id: int,
    text: str,
    context: RequestContext | None = None,
) -> None:
    """The answer (答复), once; the step the objection held goes on."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "bid", "open")
    text = _checked(text)
    async with write_transaction():
        await locked_project(tenant, project_id)
        row = await _objection_in(tenant, project_id, objection_id)
        if row["state"] != ObjectionState.pending.value:
            raise DomainError("该异议已答复 / it is answered already")
        await Objection.update(
            {
                Objection.state: ObjectionState.answered.value,
                Objection.answer: text.strip(),
                Objection.answered_by: principal.account_id,
                Objection.answered_at: dt.datetime.now(dt.UTC),
            }
        ).where(Objection.id == objection_id)
        await record(
            actor=principal.actor,
            action="objection.answer",
            object=f"project:{project_id}:objection:{objection_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def complain(
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    objection_id: int,
    text: str,
    context: RequestContext | None = None,
) -> None:
    """The bidder takes its objection to the supervising department: after the answer, or
    once the answer is overdue (a matter that needs an objection first, 条例 60)."""
    text = _checked(text)
    async with write_transaction():
        row = await _objection_in(tenant, project_id, objection_id)
        if row["raised_by"] != principal.account_id:
            raise NotFound("异议不存在 / no such objection")
        now = dt.datetime.now(dt.UTC)
        answered = row["state"] == ObjectionState.answered.value
        overdue = row["state"] == ObjectionState.pending.value and now > row["due_at"]
        if not (answered or overdue):
            raise _refuse("答复期内或已投诉的异议不能投诉", "wait for the answer first", "state")
        await Objection.update(
            {
                Objection.state: ObjectionState.complained.value,
                Objection.complaint: text.strip(),
                Objection.complained_at: now,
            }
        ).where(Objection.id == objection_id)
        await record(
            actor=principal.actor,
            action="objection.complain",
            object=f"project:{project_id}:objection:{objection_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def hold(tenant: TenantRef, project_id: int, target: ObjectionTarget) -> None:
    """Refuse the step a pending objection to ``target`` can affect (called by that step)."""
    if await Objection.exists().where(
        (Objection.project == project_id)
        & (Objection.tenant == tenant.id)
        & (Objection.target == target.value)
        & (Objection.state == ObjectionState.pending.value)
    ):
        raise DomainError(
            "有待答复的异议，本环节暂停 / an objection awaits its answer: this step waits",
            detail={"field": "objection"},
        )


async def objections_of(
    tenant: TenantRef, project_id: int, raised_by: int | None = None
) -> list[ObjectionView]:
    """The project's objections, oldest first (a bidder's own only, with ``raised_by``)."""
    where = (Objection.project == project_id) & (Objection.tenant == tenant.id)
    if raised_by is not None:
        where &= Objection.raised_by == raised_by
    rows = await Objection.select().where(where).order_by(Objection.id)
    names = {
        s["id"]: s["name"]
        for s in await Subject.select(Subject.id, Subject.name).where(
            Subject.id.is_in([r["subject"] for r in rows] or [0])
        )
    }
    now = dt.datetime.now(dt.UTC)
    return [
        ObjectionView(
            id=r["id"],
            bidder=names.get(r["subject"], ""),
            target=r["target"],
            text=r["text"],
            state=r["state"],
            raised_at=r["raised_at"],
            due_at=r["due_at"],
            overdue=r["state"] == ObjectionState.pending.value and now > r["due_at"],
            answer=r["answer"],
            answered_at=r["answered_at"],
            complaint=r["complaint"],
            complained_at=r["complained_at"],
        )
        for r in rows
    ]


async def counts_by_tenant(tenant_id: int) -> dict[str, int]:
    """Objections and complaints of a sub-platform, for head office's supervision."""
    rows = await Objection.select(Objection.state).where(Objection.tenant == tenant_id)
    return {
        "objections": len(rows),
        "complaints": sum(r["state"] == ObjectionState.complained.value for r in rows),
        "overdue": await Objection.count().where(
            (Objection.tenant == tenant_id)
            & (Objection.state == ObjectionState.pending.value)
            & (Objection.due_at < dt.datetime.now(dt.UTC))
        ),
    }
