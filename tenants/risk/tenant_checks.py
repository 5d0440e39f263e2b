"""Run the tenant-risk rules (:mod:`tenants.risk.tenant_rules`) on a sub-platform and keep
their warnings in the one queue of :class:`~tenants.risk.tables.RiskWarning`, keyed
``<rule>:tenant:<id>:<scope>``. Checked on every sub-platform by a periodic job, and on the
one concerned when an award is made or an objection raised (in that transaction: one
tenant's facts are bounded by the windows). A finding again updates the evidence of its open
warning; a decided warning is left as it was decided — never reopened, never rewritten."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from core.approvals.tables import ApprovalRequest
from core.audit.chain import Actor, RequestContext, record
from core.data.engine import write_transaction
from core.jobs.service import JobContext, register_periodic
from core.tenancy.tables import Tenant
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.projects.methods import METHODS
from tenants.projects.tables import (
    Award,
    EvaluationResult,
    Objection,
    ObjectionState,
    Project,
    ProjectState,
    Purchaser,
)
from tenants.risk.tables import RiskWarning, WarningState
from tenants.risk.tenant_rules import (
    RESULT_MARGIN,
    TENANT_RULES,
    WINDOW,
    YEAR,
    AwardSeen,
    ClockSeen,
    ObjectionSeen,
    ProjectRef,
    TenantFacts,
)

CHECK = "risk.tenant_check"
EVERY = dt.timedelta(hours=6)  # the windows are quarters and years: a few runs a day suffice
SYSTEM = Actor.system("risk-tenant-check")


async def _refs(tenant_id: int, ids: set[int]) -> dict[int, ProjectRef]:
    rows = await Project.select(Project.id, Project.code, Project.title).where(
        Project.id.is_in(list(ids) or [0]) & (Project.tenant == tenant_id)
    )
    return {r["id"]: ProjectRef(r["id"], r["code"] or "", r["title"]) for r in rows}


async def _clocks(tenant_id: int, since: dt.datetime, now: dt.datetime) -> list[tuple]:
    """(project, what, due, done) of the registrations and answers due in the window."""
    registrations = await Project.select(
        Project.id, Project.due_at, Project.complete_at, Project.request_id
    ).where((Project.tenant == tenant_id) & (Project.due_at >= since) & (Project.due_at <= now))
    decided = {
        r["id"]: r["decided_at"]
        for r in await ApprovalRequest.select(ApprovalRequest.id, ApprovalRequest.decided_at).where(
            ApprovalRequest.id.is_in(
                [p["request_id"] for p in registrations if p["request_id"]] or [0]
            )
            & (ApprovalRequest.tenant_id == tenant_id)
        )
    }
    found = []
    for p in registrations:
        done = decided.get(p["request_id"])
        # a decision before the materials were last completed is the previous round's
        if done is not None and p["complete_at"] is not None and done < p["complete_at"]:
            done = None
        found.append((p["id"], "registration", p["due_at"], done))
    answers = await Objection.select(
        Objection.project, Objection.due_at, Objection.answered_at
    ).where(
        (Objection.tenant == tenant_id) & (Objection.due_at >= since) & (Objection.due_at <= now)
    )
    found += [(a["project"], "answer", a["due_at"], a["answered_at"]) for a in answers]
    return found


async def _awards(tenant_id: int, since: dt.datetime) -> list[dict[str, Any]]:
    awards = await Award.select(
        Award.project, Award.lot, Award.lot.number.as_alias("lot_number"), Award.subject,
        Award.bidder, Award.awarded_at, Award.passed_over,
        Award.project.purchaser.as_alias("purchaser"), Award.project.method.as_alias("method"),
    ).where((Award.tenant == tenant_id) & (Award.awarded_at >= since))  # fmt: skip
    ranked = {
        r["lot"]: len(json.loads(r["ranking"]))
        for r in await EvaluationResult.select(
            EvaluationResult.lot, EvaluationResult.ranking
        ).where(
            EvaluationResult.lot.is_in([a["lot"] for a in awards] or [0])
            & (EvaluationResult.tenant == tenant_id)
        )
    }
    for a in awards:
        # those passed over for a blacklisting were not suppliers that may be awarded
        a["valid_bids"] = ranked.get(a["lot"], 0) - len(json.loads(a["passed_over"]))
    return awards


async def facts_of(tenant_id: int, now: dt.datetime) -> TenantFacts:
    """What the rules see of the tenant as of ``now``."""
    since = now - WINDOW
    window_projects = await Project.count().where(
        (Project.tenant == tenant_id)
        & (Project.state == ProjectState.registered.value)
        & (Project.bid_deadline >= since - RESULT_MARGIN)
    )
    objections = await Objection.select(
        Objection.project, Objection.raised_at, Objection.state
    ).where((Objection.tenant == tenant_id) & (Objection.raised_at >= since))
    clocks = await _clocks(tenant_id, since, now)
    awards = await _awards(tenant_id, now - YEAR)
    purchasers = {
        p["id"]: p["name"]
        for p in await Purchaser.select(Purchaser.id, Purchaser.name).where(
            Purchaser.id.is_in([a["purchaser"] for a in awards] or [0])
            & (Purchaser.tenant == tenant_id)
        )
    }
    refs = await _refs(
        tenant_id,
        {o["project"] for o in objections}
        | {c[0] for c in clocks}
        | {a["project"] for a in awards},
    )
    return TenantFacts(
        now=now,
        window_projects=window_projects,
        objections=[
            ObjectionSeen(
                refs[o["project"]], o["raised_at"], o["state"] == ObjectionState.complained.value
            )
            for o in objections
        ],
        clocks=[ClockSeen(refs[c[0]], c[1], c[2], c[3]) for c in clocks],
        awards=[
            AwardSeen(
                project=refs[a["project"]],
                lot_number=a["lot_number"],
                purchaser=a["purchaser"],
                purchaser_name=purchasers.get(a["purchaser"], ""),
                subject=a["subject"],
                bidder=a["bidder"],
                awarded_at=a["awarded_at"],
                valid_bids=a["valid_bids"],
                min_bids=_min_bids(a["method"]),
            )
            for a in awards
        ],
    )


async def check_tenant(
    tenant_id: int,
    actor: Actor = SYSTEM,
    context: RequestContext | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Run every tenant rule on the sub-platform (in the caller's transaction, if any); the
    ids of the warnings raised now."""
    now = now or dt.datetime.now(dt.UTC)
    facts = await facts_of(tenant_id, now)
    raised = []
    for rule in TENANT_RULES.values():
        for finding in rule.check(facts):
            key = f"{rule.id}:tenant:{tenant_id}:{finding.scope}"
            payload = msgspec.to_builtins(finding.facts)
            existing = (
                await RiskWarning.select(RiskWarning.id, RiskWarning.state)
                .where(RiskWarning.key == key)
                .first()
            )
            if existing is not None:
                if existing["state"] == WarningState.open.value:
                    await RiskWarning.update(
                        {RiskWarning.evidence: payload, RiskWarning.checked_at: now}
                    ).where(RiskWarning.id == existing["id"])
                continue
            query = RiskWarning.insert(
                RiskWarning(
                    tenant=tenant_id,
                    project=finding.project,
                    lot_number=0,  # about no one section
                    rule=rule.id,
                    key=key,
                    severity=rule.severity.value,
                    evidence=payload,
                    raised_at=now,
                    checked_at=now,
                )
            )
            # a concurrent check that raised it first wins; this one's evidence is the same
            rows = await query.on_conflict(target=RiskWarning.key, action="DO NOTHING").returning(
                RiskWarning.id
            )
            if not rows:
                continue
            raised.append(rows[0]["id"])
            await record(
                actor=actor,
                action="risk.raise",
                object=f"risk:{rows[0]['id']}",
                tenant_id=tenant_id,
                context=context,
            )
    return raised


async def check_every_tenant(now: dt.datetime | None = None) -> list[int]:
    """The periodic run: each sub-platform in its own transaction, short write locks."""
    raised = []
    for tenant_id in await Tenant.select(Tenant.id).output(as_list=True):
        async with write_transaction():
            raised += await check_tenant(tenant_id, now=now)
    return raised


async def _run(_: dict[str, Any], __: JobContext) -> None:
    await check_every_tenant()


register_periodic(CHECK, _run, EVERY)


def _min_bids(method: str) -> int:
    """The fewest bids the method needs; 0 (no award warned) for one without its rules."""
    rules = METHODS.get(Method(method))
    return rules.min_bids if rules else 0
