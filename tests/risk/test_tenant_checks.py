"""Tenant-risk warnings in the queue (分平台风险预警): raised by the periodic job and by an
award, kept one per rule, tenant and period, updated while open, never reopened once
decided, and shown in words with the projects they name."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.data.columns import json_column
from core.data.engine import write_transaction
from core.jobs import service as jobs
from tenants.projects import evaluation
from tenants.projects.tables import Bid, EvaluationResult, Objection, Project
from tenants.risk import service, tenant_checks
from tenants.risk.tables import RiskWarning
from tenants.risk.tenant_rules import Fact, quarter
from tests.opendata.helpers import CONTEXT
from tests.portal.helpers import Site, close, draft, new_site
from tests.projects.helpers import evaluating_project, purchaser_of, submitted_project
from tests.risk.test_risk import regulator_of
from tests.tenants.helpers import hq_people, main_client_as
from tests.test_console_pages import raw_values

REGION = "650200"  # 克拉玛依市: no other test's sub-platform is there


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "分平台风险测试分平台", region_code=REGION)
    yield made
    await close(made)


async def overdue_registrations(app: Litestar, site: Site, count: int) -> list[int]:
    """``count`` registrations submitted three days ago and still undecided past their due."""
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        ids = [await submitted_project(buyer) for _ in range(count)]
    finally:
        await buyer.client.aclose()
    now = dt.datetime.now(dt.UTC)
    await Project.update(
        {
            Project.complete_at: now - dt.timedelta(days=3),
            Project.due_at: now - dt.timedelta(days=1),
        }
    ).where(Project.id.is_in(ids))
    return ids


async def check(site: Site) -> list[int]:
    async with write_transaction():
        return await tenant_checks.check_tenant(site.tenant.id)


async def tenant_warnings(site: Site) -> list[dict]:
    return await RiskWarning.select().where(RiskWarning.tenant == site.tenant.id)


def facts(row: dict) -> list[Fact]:
    return json_column(row["evidence"], list[Fact])


@pytest.mark.asyncio
async def test_missed_registrations_raise_one_warning_updated_until_decided(
    app: Litestar, site: Site
) -> None:
    first = await overdue_registrations(app, site, 2)
    assert await check(site) == []  # two: under the threshold
    more = await overdue_registrations(app, site, 1)
    (raised,) = await check(site)
    (row,) = await tenant_warnings(site)
    assert row["id"] == raised and row["rule"] == "missed_deadlines"
    assert row["key"] == f"missed_deadlines:tenant:{site.tenant.id}:{quarter(row['raised_at'])}"
    assert row["project"] is None and row["lot_number"] == 0 and row["state"] == "open"
    assert [f.projects[0].id for f in facts(row)] == first + more

    # Checked again: nothing new; one more missed clock is added to the open warning.
    assert await check(site) == []
    fourth = await overdue_registrations(app, site, 1)
    assert await check(site) == []
    (row,) = await tenant_warnings(site)
    assert len(facts(row)) == 4 and facts(row)[-1].projects[0].id == fourth[0]
    raises = AuditEntry.count().where(
        (AuditEntry.action == "risk.raise") & (AuditEntry.object == f"risk:{raised}")
    )
    assert await raises == 1

    hq = await hq_people(app)
    admin = await main_client_as(app, hq["admin"])
    _, regulator = await regulator_of(app, REGION)
    try:
        # The page: the rule and its basis in Chinese, the facts, the projects; no raw keys.
        page = await admin.get(f"/admin/risk/{raised}")
        assert page.status_code == 200, page.text
        assert "分平台项目登记、异议答复超过法定时限" in page.text and "6.2.4" in page.text
        assert "项目登记应于" in page.text and "至今未办结" in page.text
        assert site.tenant.name in page.text and "重新检查本分平台" in page.text
        assert not raw_values(page.text) and "missed_deadlines" not in page.text
        queue = await admin.get("/admin/risk/", params={"rule": "missed_deadlines"})
        assert queue.status_code == 200 and f'href="/admin/risk/{raised}"' in queue.text
        assert "分平台整体情况" in queue.text and not raw_values(queue.text)
        # A regulator of the region follows a project to the tenant's list of projects.
        seen = await regulator.get(f"/admin/risk/{raised}")
        link = f"/admin/tenants/{site.tenant.id}/projects/#project-{first[0]}"
        assert seen.status_code == 200 and f'href="{link}"' in seen.text
        listed = await regulator.get(f"/admin/tenants/{site.tenant.id}/projects/")
        assert f'id="project-{first[0]}"' in listed.text

        again = await admin.post(f"/admin/risk/{raised}/recheck")
        assert again.status_code == 303, again.text
        assert (
            await AuditEntry.count().where(
                (AuditEntry.action == "risk.recheck")
                & (AuditEntry.object == f"tenant:{site.tenant.id}")
            )
            == 1
        )

        # Decided, it stays decided: the next check neither reopens nor rewrites it.
        await service.decide(
            app.state.authorizer, hq["admin"], raised, False, "已核实：材料系节假日前提交"
        )
        await overdue_registrations(app, site, 1)
        assert await check(site) == []
        (row,) = await tenant_warnings(site)
        assert row["state"] == "dismissed" and len(facts(row)) == 4
        rates = {r["rule"]: r for r in (await regulator.get("/api/risk/rules")).json()}
        assert rates["missed_deadlines"]["dismissed"] == 1
        assert rates["missed_deadlines"]["false_positive_rate"] == 1.0
    finally:
        await admin.aclose()
        await regulator.aclose()


@pytest.mark.asyncio
async def test_the_periodic_job_checks_every_sub_platform(app: Litestar, site: Site) -> None:
    assert jobs.PERIODIC[tenant_checks.CHECK] == tenant_checks.EVERY
    await overdue_registrations(app, site, 3)
    assert await tenant_warnings(site) == []
    context = jobs.JobContext(app.state.authorizer, app.state.object_storage)
    await jobs.HANDLERS[tenant_checks.CHECK]({}, context)
    (row,) = await tenant_warnings(site)
    assert row["rule"] == "missed_deadlines" and len(facts(row)) == 3
    await jobs.HANDLERS[tenant_checks.CHECK]({}, context)  # again: the same one warning
    assert [r["id"] for r in await tenant_warnings(site)] == [row["id"]]


@pytest.mark.asyncio
async def test_an_award_on_one_valid_bid_is_warned_at_the_award(app: Litestar, site: Site) -> None:
    authorizer, admin, tenant = app.state.authorizer, site.admin, site.tenant
    project_id, members, bidders, buyer, manager = await evaluating_project(app, site)
    try:
        bids = await Bid.select(Bid.id).where(Bid.project == project_id)
        scores = {(m, b["id"]): Decimal("50") for m in members for b in bids}
        await evaluation.report(authorizer, admin, tenant, project_id, 1, scores, CONTEXT)
        publicity = await site.client.post(
            "/api/console/announcements",
            json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
        )
        assert publicity.status_code == 201, publicity.text
        published = await site.client.post(
            f"/api/console/announcements/{publicity.json()['id']}/publish"
        )
        assert published.status_code == 200, published.text
        assert await tenant_warnings(site) == []
        # two of the three bids did not decrypt: the committee ranked one
        (result,) = await EvaluationResult.select().where(EvaluationResult.project == project_id)
        await EvaluationResult.update(
            {
                EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC),
                EvaluationResult.ranking: json.dumps(json.loads(result["ranking"])[:1]),
            }
        ).where(EvaluationResult.id == result["id"])
        winner = await evaluation.award(authorizer, admin, tenant, project_id, 1, CONTEXT)
        (row,) = await tenant_warnings(site)
        assert row["rule"] == "single_bidder_award" and row["project"] == project_id
        assert row["key"] == f"single_bidder_award:tenant:{tenant.id}:project:{project_id}"
        (fact,) = facts(row)
        assert fact.value.startswith("第 1 标段有效投标 1 家") and winner in fact.value
        assert fact.projects[0].id == project_id
        assert row["severity"] == "high"
        assert await check(site) == []  # the job finds the same one
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in bidders:
            await client.aclose()


@pytest.mark.asyncio
async def test_many_objections_count_the_window_against_its_projects(
    app: Litestar, site: Site
) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        ids = [await submitted_project(buyer) for _ in range(2)]
    finally:
        await buyer.client.aclose()
    now = dt.datetime.now(dt.UTC)
    await Project.update(
        {Project.state: "registered", Project.due_at: None, Project.bid_deadline: now}
    ).where(Project.id.is_in(ids))

    async def objection(project_id: int, days_ago: int, state: str = "pending") -> None:
        await Objection.insert(
            Objection(
                tenant=site.tenant.id,
                project=project_id,
                subject=1,
                raised_by=site.admin.account_id,
                target="documents",
                text="对招标文件的资格条件提出异议",
                state=state,
                raised_at=now - dt.timedelta(days=days_ago),
                due_at=now + dt.timedelta(days=3),  # not yet due: no clock is missed
            )
        )

    for n in range(4):
        await objection(ids[n % 2], n, "complained" if n < 2 else "pending")
    await objection(ids[0], 91)  # before the window
    assert await check(site) == []
    await objection(ids[1], 89)
    (raised,) = await check(site)
    (row,) = await tenant_warnings(site)
    assert row["id"] == raised and row["rule"] == "many_objections" and row["project"] is None
    summary, *per_project = facts(row)
    assert summary.value.startswith("近 90 日异议（质疑）5 件，其中转为投诉 2 件；同期项目 2 个")
    assert [f.projects[0].id for f in per_project] == ids
