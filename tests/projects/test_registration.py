"""Project registration (项目登记) through the console's pages: a purchaser registers, the
sub-platform's staff return it with every deficiency at once, it is mended and registered;
the clock is two working days from complete materials; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.notifications.tables import Notice
from core.workdays.service import calendar
from tenants.projects.tables import Lot, Project, Purchaser
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import Site, close, new_site
from tests.projects.helpers import (
    TENDER,
    TENDER_ITEMS,
    draft_project,
    purchaser_of,
    submitted_project,
    upload,
)


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "项目登记测试分平台")
    yield made
    await close(made)


async def _project(project_id: int) -> dict[str, object]:
    row = await Project.select().where(Project.id == project_id).first()
    assert row is not None
    return row


@pytest.mark.asyncio
async def test_register_return_mend_and_register(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        page = await buyer.client.get("/console/projects/new")
        assert page.status_code == 200 and "招标投标" in page.text and "公开招标" in page.text
        project_id = await draft_project(buyer)
        project = await _project(project_id)
        assert project["budget_fen"] == 125_000_050 and project["state"] == "draft"
        assert str(project["code"]).startswith("370100") and len(str(project["code"])) == 18
        lots = await Lot.select(Lot.number, Lot.title).where(Lot.project == project_id)
        assert [lot["title"] for lot in sorted(lots, key=lambda r: r["number"])] == [
            "空调主机",
            "安装调试",
        ]

        # Every missing required item is named at once, and nothing is submitted.
        early = await buyer.client.post(f"/console/projects/{project_id}/submission")
        assert early.status_code == 400
        for title in ("项目审批、核准或备案文件", "招标需求", "招标文件（草案）"):
            assert title in early.text
        assert (await _project(project_id))["state"] == "draft"
        fake = {"file": ("approval.pdf", b"MZ not a pdf", "application/pdf")}
        refused = await buyer.client.post(
            f"/console/projects/{project_id}/materials/approval", files=fake
        )
        assert refused.status_code == 400 and "不符" in refused.text

        for item in TENDER_ITEMS:
            assert (await upload(buyer, project_id, item)).status_code == 303
        sent = await buyer.client.post(f"/console/projects/{project_id}/submission")
        assert sent.status_code == 303
        project = await _project(project_id)
        assert project["state"] == "submitted"
        due = (await calendar()).due_after(project["complete_at"], 2)  # type: ignore[arg-type]
        assert project["due_at"] == due

        # The staff's queue shows it; a return lists every deficiency and tells the buyer.
        queue = await site.client.get("/console/projects/")
        assert queue.status_code == 200 and TENDER["title"] in queue.text and "待受理" in queue.text
        returned = await site.client.post(
            f"/console/projects/{project_id}/decision",
            data={
                "decision": "return",
                "problem.requirements": "缺少技术参数表",
                "problem.general": "预算与批复不一致",
            },
        )
        assert returned.status_code == 303, returned.text
        project = await _project(project_id)
        assert project["state"] == "returned" and project["service_owner"] == site.admin.account_id
        mine = await buyer.client.get(f"/console/projects/{project_id}")
        assert "缺少技术参数表" in mine.text and "预算与批复不一致" in mine.text
        assert "补正后重新提交" in mine.text
        notice = await Notice.select(Notice.body).where(Notice.body.like("%缺少技术参数表%"))
        assert notice and "招标需求" in notice[0]["body"]

        assert (await upload(buyer, project_id, "requirements")).status_code == 303
        again = await buyer.client.post(f"/console/projects/{project_id}/submission")
        assert again.status_code == 303
        assert (await _project(project_id))["state"] == "submitted"

        approved = await site.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "approve"}
        )
        assert approved.status_code == 303
        project = await _project(project_id)
        assert project["state"] == "registered" and project["registered_at"] is not None
        assert "已登记" in (await buyer.client.get("/console/projects/")).text
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_bad_input_is_refused_in_words_and_nothing_is_written(
    app: Litestar, site: Site
) -> None:
    before = await Purchaser.count().where(Purchaser.tenant == site.tenant.id)
    refused = await site.client.post(
        "/console/purchasers",
        data={"name": "甲", "credit_code": "91370100MA3C", "region_code": "370102"},
    )
    assert refused.status_code == 400 and "「" in refused.text and "Expected" not in refused.text
    assert await Purchaser.count().where(Purchaser.tenant == site.tenant.id) == before

    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        count = await Project.count().where(Project.tenant == site.tenant.id)
        for changes, words in (
            ({"budget": "十万元"}, "「预算金额（元）」"),
            ({"budget": "0"}, "「预算金额（元）」"),
            ({"title": "空调"}, "「项目名称」"),
            ({"method": "single_source"}, "不适用于所选类型"),  # not on the tender track
            ({"method": "auction"}, "「采购方式」"),
        ):
            answer = await buyer.client.post("/console/projects", data={**TENDER, **changes})
            assert answer.status_code == 400, (changes, answer.text)
            assert words in answer.text, (changes, answer.text)
            assert "Expected" not in answer.text
        assert await Project.count().where(Project.tenant == site.tenant.id) == count

        project_id = await submitted_project(buyer)
        undecided = await site.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "maybe"}
        )
        assert undecided.status_code == 400 and "请选择审核决定" in undecided.text
        empty_return = await site.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "return"}
        )
        assert empty_return.status_code == 400 and "逐项列明" in empty_return.text
        too_long = await site.client.post(
            f"/console/projects/{project_id}/decision",
            data={"decision": "return", "problem.general": "问" * 600},
        )
        assert too_long.status_code == 400 and "不超过 500 字" in too_long.text
        assert (await _project(project_id))["state"] == "submitted"
        late = await upload(buyer, project_id, "requirements")
        assert late.status_code == 400 and "已提交的登记不能修改" in late.text
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_one_service_owner_and_only_staff_decide(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    clerk = await new_account(AccountKind.tenant_staff, site.tenant)
    await grant_role(
        app.state.authorizer,
        site.admin,
        account_id=clerk.account_id,
        role="tenant_staff",
        tenant_id=site.tenant.id,
    )
    other = client_for(app, f"{site.tenant.slug}.{BASE_DOMAIN}")
    assert (await sign_in(other, clerk.username)).status_code == 200
    try:
        project_id = await submitted_project(buyer)
        # The purchaser cannot decide its own registration.
        own = await buyer.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "approve"}
        )
        assert own.status_code == 403
        taken = await other.post(f"/console/projects/{project_id}/acceptance")
        assert taken.status_code == 303
        assert (await other.post(f"/console/projects/{project_id}/acceptance")).status_code == 303
        blocked = await site.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "approve"}
        )
        assert blocked.status_code == 403 and "已由" in blocked.text
        assert (await _project(project_id))["state"] == "submitted"
        done = await other.post(
            f"/console/projects/{project_id}/decision", data={"decision": "reject", "note": "重复"}
        )
        assert done.status_code == 303
        assert (await _project(project_id))["state"] == "rejected"
    finally:
        await buyer.client.aclose()
        await other.aclose()


@pytest.mark.asyncio
async def test_a_purchaser_sees_its_own_unit_only(app: Litestar, site: Site) -> None:
    first = await purchaser_of(app, site.client, site.tenant.slug)
    second = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        project_id = await draft_project(first, title="第一单位的办公家具采购")
        assert (await second.client.get(f"/console/projects/{project_id}")).status_code == 404
        assert "第一单位的办公家具采购" not in (await second.client.get("/console/projects/")).text
        stolen = await upload(second, project_id, "approval")
        assert stolen.status_code == 404
        assert (await first.client.get(f"/console/projects/{project_id}")).status_code == 200
        staff_view = await site.client.get(f"/console/projects/{project_id}")
        assert staff_view.status_code == 200 and "第一单位的办公家具采购" in staff_view.text
    finally:
        await first.client.aclose()
        await second.client.aclose()


@pytest.mark.asyncio
async def test_overdue_registrations_show_to_the_tenant_admin_and_head_office(
    app: Litestar, site: Site
) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        project_id = await submitted_project(buyer)
        title = TENDER["title"]
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        await Project.update({Project.due_at: past}).where(Project.id == project_id)
        overdue = await site.client.get("/console/projects/?overdue=true")
        assert overdue.status_code == 200 and title in overdue.text and "已逾期" in overdue.text
        hq = await new_account(AccountKind.hq_staff)
        await grant_first_admin(app.state.authorizer, hq.account_id, command="projects-test")
        async with client_for(app, BASE_DOMAIN) as head_office:
            assert (await sign_in(head_office, hq.username)).status_code == 200
            listed = await head_office.get("/admin/projects/overdue")
            assert listed.status_code == 200 and title in listed.text
            assert site.tenant.name in listed.text
        await Project.update({Project.due_at: past + dt.timedelta(days=30)}).where(
            Project.id == project_id
        )
        assert title not in (await site.client.get("/console/projects/?overdue=true")).text
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_the_list_pages_by_fifty_newest_first(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        ids = [await draft_project(buyer, title=f"分页测试项目{n:02d}") for n in range(52)]
        first = await site.client.get("/console/projects/")
        assert "分页测试项目51" in first.text and "分页测试项目01" not in first.text
        link = f"/console/projects/?before={ids[2]}"
        assert link in first.text.replace("&amp;", "&")
        older = await site.client.get(link)
        assert "分页测试项目01" in older.text and "分页测试项目00" in older.text
        assert "分页测试项目51" not in older.text and "更早的项目" not in older.text
    finally:
        await buyer.client.aclose()
