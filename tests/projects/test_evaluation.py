"""Evaluation, candidate publicity, award and contract: the ranking from the price and the
members' technical scores, the 3-day publicity, the award to the first candidate unless a
blacklist is in force at that moment, the contract; refusals for each step out of turn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from litestar import Litestar

from core.audit.chain import RequestContext
from core.errors import DomainError
from core.libraries.transactions.tables import TransactionRecord
from tenants.projects import evaluation, opening
from tenants.projects.registration import project_in
from tenants.projects.tables import Award, Bid, EvaluationResult
from tests.libraries.helpers import blacklist
from tests.portal.helpers import close, draft, new_site
from tests.projects.helpers import evaluating_project
from themes.i18n import BEIJING

CONTEXT = RequestContext()


def test_the_price_score_rewards_the_lowest_price_and_ties_go_to_it() -> None:
    entries = [
        {"bid": 1, "bidder": "甲", "price_fen": 100_000},
        {"bid": 2, "bidder": "乙", "price_fen": 80_000},
        {"bid": 3, "bidder": "丙", "price_fen": 125_000},
    ]
    technical = {1: Decimal("60"), 2: Decimal("50"), 3: Decimal("70")}
    ranked = evaluation.rank(entries, technical, 30)
    assert [(r.bidder, r.price, r.total) for r in ranked] == [
        ("丙", "19.20", "89.20"),
        ("甲", "24.00", "84.00"),
        ("乙", "30.00", "80.00"),
    ]
    tie = evaluation.rank(entries[:2], {1: Decimal("56"), 2: Decimal("50")}, 30)
    assert [r.bidder for r in tie] == ["乙", "甲"]  # 80.00 each: the lower price first


@pytest.mark.asyncio
async def test_report_publicity_award_and_contract(app: Litestar) -> None:
    site = await new_site(app, "评标定标测试分平台")
    authorizer, admin = app.state.authorizer, site.admin
    project_id, members, bidders, buyer, manager = await evaluating_project(app, site)
    try:
        opened = (await opening.records(site.tenant, await project_in(site.tenant, project_id)))[0]
        assert opened.state == "opened" and len(opened.entries) == 3
        bids = await Bid.select(Bid.id, Bid.subject).where(Bid.project == project_id)
        scores = {(m, b["id"]): Decimal("50") for m in members for b in bids}
        with pytest.raises(DomainError, match="技术分须在 0 至 70"):
            await evaluation.report(
                authorizer, admin, site.tenant, project_id, 1,
                {**scores, (members[0], bids[0]["id"]): Decimal("71")}, CONTEXT,
            )  # fmt: skip
        with pytest.raises(DomainError, match="每位评标专家"):
            partial = dict(list(scores.items())[1:])
            await evaluation.report(authorizer, admin, site.tenant, project_id, 1, partial, CONTEXT)
        # The cheapest bid (80,000) also has the best technical score: it ranks first.
        cheapest = min(bids, key=lambda b: b["id"])
        for m in members:
            scores[(m, cheapest["id"])] = Decimal("65")
        ranking = await evaluation.report(
            authorizer, admin, site.tenant, project_id, 1, scores, CONTEXT
        )
        assert ranking[0].bid == cheapest["id"] and ranking[0].total == "95.00"

        with pytest.raises(DomainError, match="公示期未满"):
            await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        award_early = await site.client.post(
            "/api/console/announcements", json=draft(type="award_notice", project=project_id)
        )
        assert award_early.status_code == 400 and "尚未定标" in award_early.text
        publicity = await site.client.post(
            "/api/console/announcements",
            json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
        )
        assert publicity.status_code == 201, publicity.text
        publicity_id = publicity.json()["id"]
        published = await site.client.post(f"/api/console/announcements/{publicity_id}/publish")
        assert published.status_code == 200
        result = (await EvaluationResult.select().where(EvaluationResult.project == project_id))[0]
        assert result["publicity_ends_at"] - dt.datetime.now(dt.UTC) > dt.timedelta(days=2.9)

        # The first candidate is blacklisted during the publicity: the second is awarded.
        await blacklist(manager, cheapest["subject"])
        await EvaluationResult.update(
            {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
        ).where(EvaluationResult.project == project_id)
        winner = await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        assert winner == ranking[1].bidder
        won = (await Award.select().where(Award.project == project_id))[0]
        assert "黑名单" in won["passed_over"] and won["credit_checked_at"] is not None
        again = await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        assert again == winner  # a repeat answers the same, and awards nothing more
        # The award feeds the transaction library (交易信息库) once, the contract completes it.
        (kept,) = await TransactionRecord.select().where(TransactionRecord.tenant == site.tenant.id)
        assert kept["supplier_name"] == winner and kept["award_fen"] == ranking[1].price_fen
        assert kept["supplier"] == won["subject"] and kept["contract_fen"] is None

        notice = await site.client.post(
            "/api/console/announcements", json=draft(type="award_notice", project=project_id)
        )
        assert notice.status_code == 201, notice.text
        with pytest.raises(DomainError, match="不能晚于今天"):
            await evaluation.record_contract(
                authorizer, admin, site.tenant, project_id, 1, 90_000,
                dt.datetime.now(BEIJING).date() + dt.timedelta(days=1), CONTEXT,
            )  # fmt: skip
        await evaluation.record_contract(
            authorizer,
            admin,
            site.tenant,
            project_id,
            1,
            90_000,
            dt.datetime.now(BEIJING).date(),
            CONTEXT,
        )
        (view,) = (await evaluation.results_of(site.tenant, project_id)).values()
        assert view.award == winner and view.contract_amount_fen == 90_000
        completed = await TransactionRecord.select(
            TransactionRecord.contract_fen, TransactionRecord.signed_on
        ).where(TransactionRecord.tenant == site.tenant.id)
        assert completed == [{"contract_fen": 90_000, "signed_on": dt.datetime.now(BEIJING).date()}]
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in bidders:
            await client.aclose()
        await close(site)
