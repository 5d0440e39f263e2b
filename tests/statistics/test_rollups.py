"""The rollups hold what the base tables hold, and each month's sum over every tenant the sum of
their rows: after a procurement's events run through the real services (with a correction, a
withdrawn bid, a complaint after the answer, a penalty), after an award recorded in a later
month than it was made, and after a rebuild; a row stamped a little before the watermark (a
late commit) is still found."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from litestar import Litestar

from core.audit.chain import RequestContext
from core.authz.policies import grant_role
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries import transactions
from core.statistics import rollups
from core.statistics.service import figures, period_of
from core.statistics.tables import Rollup
from tenants import penalties
from tenants.projects import bids, evaluation, objections, opening
from tenants.projects.tables import Bid, EvaluationResult, ObjectionTarget, Project
from tenants.tables import Penalty, PenaltyKind
from tests.conftest import new_account
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import close, draft, new_site, published
from tests.projects.helpers import CONTEXT, evaluating_project, purchaser_of, send
from tests.projects.helpers import tendering_project as tendering
from tests.statistics.helpers import assert_every_tenant_is_the_sum, direct, rolled
from tests.tenants.helpers import hq_people
from themes.i18n import BEIJING


async def _supplier(body: dict) -> Principal:
    row = (await Account.select(Account.id).where(Account.username == body["username"]))[0]
    return Principal(row["id"], body["username"], AccountKind.supplier)


async def _remind(app: Litestar, tenant_id: int) -> None:
    people = await hq_people(app)
    supervisor = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, people["admin"], account_id=supervisor.account_id,
        role="hq_supervisor", region_code="000000",
    )  # fmt: skip
    await penalties.impose(
        app.state.authorizer,
        supervisor,
        app.state.object_storage,
        tenant_id,
        penalties.PenaltyForm(kind=PenaltyKind.reminder, grounds=[2], statement="提醒：规范运营"),
        [penalties.Evidence("e.pdf", b"%PDF-1.7 evidence")],
        RequestContext(),
    )


@pytest.mark.asyncio
async def test_rollups_follow_a_procurement_through_the_services(app: Litestar) -> None:
    site = await new_site(app, "统计汇总测试分平台")
    tenant_id, authorizer, admin = site.tenant.id, app.state.authorizer, site.admin
    project_id, members, bidders, buyer, manager = await evaluating_project(app, site)
    try:
        await rollups.refresh()
        assert await rolled(tenant_id) == await direct(tenant_id)

        original = await published(site, title="办公桌椅采购公告", type="procurement_notice")
        await published(site, type="correction", title="办公桌椅采购更正公告", corrects=original)
        taken = await bidders[0][2].post(f"/api/announcements/{original}/participations")
        assert taken.status_code == 201, taken.text
        bid_ids = await Bid.select(Bid.id).where(Bid.project == project_id).output(as_list=True)
        scores = {(m, b): Decimal("50") for m in members for b in bid_ids}
        await evaluation.report(authorizer, admin, site.tenant, project_id, 1, scores, CONTEXT)
        made = await site.client.post(
            "/api/console/announcements",
            json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
        )
        await site.client.post(f"/api/console/announcements/{made.json()['id']}/publish")
        bidder = await _supplier(bidders[1][1])
        objection_id = await objections.raise_objection(
            bidder, site.tenant, project_id, ObjectionTarget.result, "评分有误，请复核", CONTEXT
        )
        await objections.answer(
            authorizer, admin, site.tenant, project_id, objection_id, "经复核，维持评标结果。"
        )
        await EvaluationResult.update(
            {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
        ).where(EvaluationResult.project == project_id)
        await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        await _remind(app, tenant_id)
        await rollups.refresh()
        assert await rolled(tenant_id) == await direct(tenant_id)

        # The objection goes on to a complaint: a row already rolled up changes.
        await objections.complain(
            bidder, site.tenant, project_id, objection_id, "对答复不满意，现投诉", CONTEXT
        )
        await rollups.refresh()
        now = await rolled(tenant_id)
        assert now == await direct(tenant_id)
        this_month = rollups.month_of(dt.datetime.now(dt.UTC))
        assert now[(this_month, "complaint_target", "result")] == (1, 0)
        assert now[(this_month, "announcement_type", "correction")] == (1, 0)
        year = period_of(dt.datetime.now(BEIJING).year, "year")
        summary = (await figures(None, year, tenant_id)).summary
        assert (summary.announcements, summary.awards, summary.lots_opened) == (4, 1, 1)
        assert summary.bids_per_lot == 3.0 and summary.registrations == 1
        assert (summary.objections, summary.complaints, summary.penalties) == (1, 1, 1)
        assert summary.projects == 1 and summary.project_budget_fen == 125_000_050

        # Running again, or rebuilding everything, changes nothing.
        keys = await Rollup.select(Rollup.key).where(Rollup.tenant == tenant_id)
        await rollups.refresh()
        await rollups.rebuild()
        assert await rolled(tenant_id) == now
        after = await Rollup.select(Rollup.key).where(Rollup.tenant == tenant_id)
        assert sorted(r["key"] for r in after) == sorted(r["key"] for r in keys)
        await assert_every_tenant_is_the_sum()
    finally:
        await manager.aclose()
        await buyer.client.aclose()
        for _, _, client in bidders:
            await client.aclose()
        await close(site)


@pytest.mark.asyncio
async def test_a_withdrawn_bid_and_an_award_recorded_later(app: Litestar) -> None:
    site = await new_site(app, "撤回投标统计测试分平台")
    tenant_id = site.tenant.id
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(2)]
    try:
        project_id = await tendering(site.client, buyer)
        for n, (_, _, client) in enumerate(suppliers):
            assert (await send(client, project_id, 1, "90000", f"标书{n}")).status_code == 303
        withdrawn = await _supplier(suppliers[0][1])
        await bids.withdraw_bid(
            app.state.authorizer, withdrawn, site.tenant, project_id, 1, CONTEXT
        )
        await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
            Project.id == project_id
        )
        await opening.open_lot(
            app.state.authorizer, site.admin, app.state.object_storage, site.tenant,
            project_id, 1, CONTEXT,
        )  # fmt: skip
        # An award made in March and recorded now counts in March.
        march = dt.datetime(2025, 3, 31, 23, 30, tzinfo=BEIJING)  # 15:30 UTC, still March here
        await transactions.add(
            transactions.TransactionEntry(
                tenant_id=tenant_id, section_code=f"S{uuid.uuid4().hex[:10]}-001",
                project_code="S1", project_title="补录项目", section_title="补录项目",
                track="government", method="request_for_quotation", category="services",
                purchaser_name="某局", purchaser_credit_code="11370100MB0000000X",
                agency_name="", supplier_id=suppliers[1][0], supplier_name="乙供应商",
                supplier_credit_code="91370100MA0000000Y", budget_fen=200_000,
                award_fen=150_000, awarded_at=march,
            )
        )  # fmt: skip
        await rollups.refresh()
        figures_now = await rolled(tenant_id)
        assert figures_now == await direct(tenant_id)
        this_month = rollups.month_of(dt.datetime.now(dt.UTC))
        assert figures_now[(this_month, "opening_state", "failed")] == (1, 0)
        assert figures_now[(this_month, "opening_bids", "")] == (1, 0)  # the withdrawn one is not
        assert figures_now[(202503, "award_method", "request_for_quotation")] == (1, 150_000)
        q1 = (await figures(None, period_of(2025, "q1"), tenant_id)).summary
        assert q1.awards == 1 and q1.savings_rate == 0.25
        await assert_every_tenant_is_the_sum()  # after recomputing a few tenants of a month
    finally:
        await buyer.client.aclose()
        for _, _, client in suppliers:
            await client.aclose()
        await close(site)


@pytest.mark.asyncio
async def test_a_late_commit_within_the_overlap_is_found(app: Litestar) -> None:
    site = await new_site(app, "迟到提交统计测试分平台")
    tenant_id = site.tenant.id
    try:
        await rollups.refresh()
        mark = await rollups.watermark()
        assert mark is not None

        async def penalty(at: dt.datetime) -> None:
            await Penalty.insert(
                Penalty(
                    tenant_id=tenant_id, kind="warning", grounds=[2], statement="警告",
                    decided_by=1, decided_at=at, state_before="active", state_after="warned",
                )
            )  # fmt: skip

        # Stamped before the watermark, committed after the job had read: the next run sees it.
        await penalty(mark - dt.timedelta(seconds=1))
        # Stamped long before (written straight to the table): only a rebuild sees it.
        await penalty(dt.datetime(2024, 6, 15, tzinfo=BEIJING))
        await rollups.refresh()
        found = await rolled(tenant_id)
        assert found[(rollups.month_of(mark), "penalty_kind", "warning")] == (1, 0)
        assert (202406, "penalty_kind", "warning") not in found
        await rollups.rebuild()
        found = await rolled(tenant_id)
        assert found[(202406, "penalty_kind", "warning")] == (1, 0)
        assert found == await direct(tenant_id)
    finally:
        await close(site)


@pytest.mark.asyncio
async def test_two_recomputes_of_one_month_at_once_both_succeed(app: Litestar) -> None:
    """A CLI rebuild and the periodic job on the same month: on PostgreSQL the later insert
    met the earlier's rows under the unique key; now it overwrites them."""
    site = await new_site(app, "并发重算统计测试分平台")
    tenant_id = site.tenant.id
    try:
        await published(site)
        month = rollups.month_of(dt.datetime.now(dt.UTC))
        await asyncio.gather(*(rollups.recompute(month) for _ in range(4)))
        assert await rolled(tenant_id) == await direct(tenant_id)
        await assert_every_tenant_is_the_sum()
    finally:
        await close(site)
