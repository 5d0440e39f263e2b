"""Evaluation, candidate publicity and award (评标、中标候选人公示、定标), and the contract.

The committee's convenor reports each section once the evaluation has started: every member's
technical score of every valid bid. The price score is the lowest valid price over the bid's,
times the method's price weight (综合评分法, 87号令 55); the total ranks the bids, a tie going
to the lower price. The candidate publicity lasts at least 3 days (条例 54); after it the award
goes to the first candidate unless disqualified, checked against the blacklist at that moment
(财库〔2016〕125号) with the check's time recorded; then the contract. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.libraries import transactions
from core.libraries.subjects.credit import blacklisted
from core.libraries.subjects.tables import Subject
from core.tenancy.registry import TenantRef
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.opendata import releases
from tenants.projects import objections
from tenants.projects.methods import METHODS
from tenants.projects.reading import lot_code
from tenants.projects.registration import (
    locked_project,
    lot_in,
    project_in,
    refuse_terminated,
)
from tenants.projects.tables import (
    Award,
    Bid,
    Contract,
    DrawMember,
    DrawState,
    EvaluationResult,
    ExpertDraw,
    MemberState,
    ObjectionTarget,
    Opening,
    OpeningEntry,
    OpeningState,
    Purchaser,
)
from tenants.risk import tenant_checks
from themes.i18n import beijing_today

PUBLICITY = dt.timedelta(days=3)  # 条例 54: at least three days
CENT = Decimal("0.01")


class Ranked(msgspec.Struct):
    bid: int
    bidder: str
    price_fen: int
    price: str  # price score, two decimals
    technical: str  # the members' average, two decimals
    total: str
    rank: int


class ResultView(msgspec.Struct):
    lot_number: int
    price_weight: int
    ranking: list[Ranked]
    reported_at: dt.datetime
    publicity_ends_at: dt.datetime | None
    award: str | None  # the winner's name
    award_price_fen: int | None
    contract_amount_fen: int | None
    contract_signed_on: dt.date | None


async def _convened_draw(tenant: TenantRef, project_id: int, principal: Principal) -> dict:
    """The project's complete, revealed draw whose convenor is ``principal``."""
    row = (
        await ExpertDraw.select()
        .where(
            (ExpertDraw.project == project_id)
            & (ExpertDraw.tenant == tenant.id)
            & (ExpertDraw.state == DrawState.complete.value)
        )
        .first()
    )
    if row is None or row["revealed_at"] is None:
        raise DomainError("评标尚未开始 / the evaluation has not started")
    if row["convenor"] != principal.account_id:
        raise Forbidden("评标报告由评标委员会召集人提交 / the convenor reports the evaluation")
    return row


def rank(entries: list[dict], technical: dict[int, Decimal], price_weight: int) -> list[Ranked]:
    """Price score = lowest price / price × weight; total = price + technical; by total, then
    by the lower price."""
    lowest = min(e["price_fen"] for e in entries)
    scored = []
    for e in entries:
        price = (Decimal(lowest) / Decimal(e["price_fen"]) * price_weight).quantize(
            CENT, ROUND_HALF_UP
        )
        tech = technical.get(e["bid"], Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        scored.append((price + tech, -e["price_fen"], e, price, tech))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [
        Ranked(e["bid"], e["bidder"], e["price_fen"], str(price), str(tech), str(total), n)
        for n, (total, _, e, price, tech) in enumerate(scored, start=1)
    ]


async def report(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    scores: dict[tuple[int, int], Decimal],
    context: RequestContext | None = None,
) -> list[Ranked]:
    """The convenor's report of a section: ``scores[(member id, bid id)]`` is that member's
    technical score of that bid, each between 0 and 100 minus the price weight."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "expert_draw", "conduct")
    project = await project_in(tenant, project_id)
    refuse_terminated(project)
    lot = await lot_in(tenant, project_id, lot_number)
    draw = await _convened_draw(tenant, project_id, principal)
    await objections.hold(tenant, project_id, ObjectionTarget.opening)
    opening = (
        await Opening.select()
        .where((Opening.lot == lot["id"]) & (Opening.tenant == tenant.id))
        .first()
    )
    if opening is None or opening["state"] != OpeningState.opened.value:
        raise DomainError("本标段未开标或已流标 / the section is not opened, or failed")
    entries = await OpeningEntry.select().where(
        (OpeningEntry.opening == opening["id"]) & OpeningEntry.decrypted.eq(True)
    )
    members = (
        await DrawMember.select(DrawMember.id)
        .where((DrawMember.draw == draw["id"]) & (DrawMember.state == MemberState.accepted.value))
        .output(as_list=True)
    )
    weight = 100 if len(entries) == 1 else METHODS[Method(project["method"])].price_weight
    ceiling = Decimal(100 - weight)
    wanted = {(m, e["bid"]) for m in members for e in entries}
    if set(scores) != wanted:
        raise DomainError(
            "请为每位评标专家填写对每家投标人的技术分 / every member scores every bidder",
            detail={"field": "scores"},
        )
    if any(not Decimal(0) <= s <= ceiling for s in scores.values()):
        raise DomainError(
            f"技术分须在 0 至 {ceiling} 之间 / technical scores are from 0 to {ceiling}",
            detail={"field": "scores"},
        )
    technical = {
        e["bid"]: sum((scores[(m, e["bid"])] for m in members), Decimal(0)) / len(members)
        for e in entries
    }
    ranking = rank(entries, technical, weight)
    async with write_transaction():
        if await EvaluationResult.exists().where(EvaluationResult.lot == lot["id"]):
            raise DomainError("本标段评标报告已提交 / the section's report is in")
        await EvaluationResult.insert(
            EvaluationResult(
                tenant=tenant.id,
                project=project_id,
                lot=lot["id"],
                draw=draw["id"],
                price_weight=weight,
                ranking=json.dumps(msgspec.to_builtins(ranking), ensure_ascii=False),
                scores=json.dumps({f"{m}:{b}": str(s) for (m, b), s in scores.items()}),
                reported_by=principal.account_id,
            )
        )
        await record(
            actor=principal.actor,
            action="evaluation.report",
            object=f"project:{project_id}:lot:{lot_number}",
            tenant_id=tenant.id,
            context=context,
        )
    return ranking


async def start_publicity(
    tenant: TenantRef, project_id: int, at: dt.datetime, principal: Principal,
    context: RequestContext | None,
) -> None:  # fmt: skip
    """A candidate publicity is published: the reported sections' publicity ends 3 days on.
    Called in the publication's transaction (tenants.projects.stages)."""
    await EvaluationResult.update({EvaluationResult.publicity_ends_at: at + PUBLICITY}).where(
        (EvaluationResult.project == project_id)
        & (EvaluationResult.tenant == tenant.id)
        & EvaluationResult.publicity_ends_at.is_null()
    )
    await record(
        actor=principal.actor,
        action="evaluation.publicity",
        object=f"project:{project_id}",
        tenant_id=tenant.id,
        context=context,
    )


async def award(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    context: RequestContext | None = None,
) -> str:
    """Award the section to its first candidate, once the publicity is over; a candidate on
    a blacklist now is passed over, with the reason kept. Returns the winner's name."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "bid", "open")
    lot = await lot_in(tenant, project_id, lot_number)
    async with write_transaction():
        project = await locked_project(tenant, project_id)
        refuse_terminated(project)
        result = (
            await EvaluationResult.select()
            .where((EvaluationResult.lot == lot["id"]) & (EvaluationResult.tenant == tenant.id))
            .first()
        )
        if result is None:
            raise DomainError("本标段尚无评标报告 / the section has no evaluation report")
        ends = result["publicity_ends_at"]
        now = dt.datetime.now(dt.UTC)
        if ends is None or now < ends:
            raise DomainError("中标候选人公示期未满 / the candidate publicity is not over")
        if done := await Award.select(Award.bidder).where(Award.lot == lot["id"]).first():
            return done["bidder"]
        await objections.hold(tenant, project_id, ObjectionTarget.result)
        passed_over = []
        for candidate in msgspec.convert(json.loads(result["ranking"]), list[Ranked]):
            subject = (await Bid.select(Bid.subject).where(Bid.id == candidate.bid).first())[
                "subject"
            ]
            if (listed := await blacklisted(subject)) is not None:
                passed_over.append({"bid": candidate.bid, "reason": f"黑名单：{listed.authority}"})
                continue
            await Award.insert(
                Award(
                    tenant=tenant.id,
                    project=project_id,
                    lot=lot["id"],
                    bid=candidate.bid,
                    subject=subject,
                    bidder=candidate.bidder,
                    price_fen=candidate.price_fen,
                    passed_over=json.dumps(passed_over, ensure_ascii=False),
                    credit_checked_at=now,
                    awarded_by=principal.account_id,
                )
            )
            entry = await _transaction_of(tenant, project, lot, subject, candidate.price_fen, now)
            await transactions.add(entry)
            await releases.on_award(entry)
            await record(
                actor=principal.actor,
                action="award.decide",
                object=f"project:{project_id}:lot:{lot_number}",
                tenant_id=tenant.id,
                context=context,
            )
            # the tenant rules on awards (too few bids, repeated winners), with the award
            await tenant_checks.check_tenant(tenant.id, context=context)
            return candidate.bidder
    raise DomainError("所有中标候选人均不符合条件 / no candidate may be awarded")


async def _transaction_of(
    tenant: TenantRef,
    project: dict,
    lot: dict,
    subject_id: int,
    award_fen: int,
    at: dt.datetime,
) -> transactions.TransactionEntry:
    """What the transaction library keeps of an award, names as they are at this moment."""
    purchaser = (
        await Purchaser.select(Purchaser.name, Purchaser.credit_code)
        .where(Purchaser.id == project["purchaser"])
        .first()
    )
    supplier = (
        await Subject.select(Subject.name, Subject.credit_code)
        .where(Subject.id == subject_id)
        .first()
    )
    agency = project["agency"] and (
        await Subject.select(Subject.name).where(Subject.id == project["agency"]).first()
    )
    return transactions.TransactionEntry(
        tenant_id=tenant.id,
        section_code=lot_code(str(project["code"]), int(lot["number"])),
        project_code=str(project["code"]),
        project_title=str(project["title"]),
        section_title=str(lot["title"]),
        track=str(project["track"]),
        method=str(project["method"]),
        category=str(project["category"]),
        purchaser_name=purchaser["name"],
        purchaser_credit_code=purchaser["credit_code"],
        agency_name=agency["name"] if agency else "",
        supplier_id=subject_id,
        supplier_name=supplier["name"],
        supplier_credit_code=supplier["credit_code"],
        budget_fen=lot["budget_fen"] if lot["budget_fen"] is not None else project["budget_fen"],
        award_fen=award_fen,
        awarded_at=at,
    )


async def record_contract(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    amount_fen: int,
    signed_on: dt.date,
    context: RequestContext | None = None,
) -> None:
    """The contract signed on the section's award (合同备案); recorded once."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "bid", "open")
    lot = await lot_in(tenant, project_id, lot_number)
    if not 0 < amount_fen <= 10**15:
        raise DomainError("合同金额不正确 / the amount is not valid", detail={"field": "amount"})
    if signed_on > beijing_today():
        raise DomainError(
            "签订日期不能晚于今天 / not signed in the future", detail={"field": "signed_on"}
        )
    async with write_transaction():
        # Under the project's lock: a termination publishing meanwhile checks for contracts.
        project = await locked_project(tenant, project_id)
        refuse_terminated(project)
        won = (
            await Award.select(Award.id)
            .where((Award.lot == lot["id"]) & (Award.tenant == tenant.id))
            .first()
        )
        if won is None:
            raise NotFound("本标段尚未定标 / the section is not awarded", detail={"field": "award"})
        if await Contract.exists().where(Contract.award == won["id"]):
            raise DomainError("合同已备案 / the contract is recorded")
        await Contract.insert(
            Contract(
                tenant=tenant.id,
                project=project_id,
                award=won["id"],
                amount_fen=amount_fen,
                signed_on=signed_on,
                recorded_by=principal.account_id,
            )
        )
        section_code = lot_code(str(project["code"]), lot_number)
        await transactions.complete(tenant.id, section_code, amount_fen, signed_on)
        await releases.on_contract(tenant.id, section_code, dt.datetime.now(dt.UTC))
        await record(
            actor=principal.actor,
            action="contract.record",
            object=f"project:{project_id}:lot:{lot_number}",
            tenant_id=tenant.id,
            context=context,
        )


async def results_of(tenant: TenantRef, project_id: int) -> dict[int, ResultView]:
    """Each reported section's result, award and contract, by section number."""
    rows = await EvaluationResult.select(
        *EvaluationResult.all_columns(), EvaluationResult.lot.number.as_alias("number")
    ).where((EvaluationResult.project == project_id) & (EvaluationResult.tenant == tenant.id))
    awards = {
        a["lot"]: a
        for a in await Award.select().where(
            (Award.project == project_id) & (Award.tenant == tenant.id)
        )
    }
    contracts = {
        c["award"]: c
        for c in await Contract.select().where(
            (Contract.project == project_id) & (Contract.tenant == tenant.id)
        )
    }
    views = {}
    for r in rows:
        won = awards.get(r["lot"])
        signed = contracts.get(won["id"]) if won else None
        views[r["number"]] = ResultView(
            lot_number=r["number"],
            price_weight=r["price_weight"],
            ranking=msgspec.convert(json.loads(r["ranking"]), list[Ranked]),
            reported_at=r["reported_at"],
            publicity_ends_at=r["publicity_ends_at"],
            award=won["bidder"] if won else None,
            award_price_fen=won["price_fen"] if won else None,
            contract_amount_fen=signed["amount_fen"] if signed else None,
            contract_signed_on=signed["signed_on"] if signed else None,
        )
    return views


async def has_results(tenant: TenantRef, project_id: int) -> bool:
    return await EvaluationResult.exists().where(
        (EvaluationResult.project == project_id) & (EvaluationResult.tenant == tenant.id)
    )


async def has_awards(tenant: TenantRef, project_id: int) -> bool:
    return await Award.exists().where((Award.project == project_id) & (Award.tenant == tenant.id))
