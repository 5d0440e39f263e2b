"""A project's announcements follow its stage: the track's one opening notice, a bid deadline
no earlier than the method's statutory period, corrections that move it, no result types
before an evaluation, nothing for a project not yet registered or another tenant's."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.workdays.service import calendar
from tenants.projects.tables import Project
from tests.portal.helpers import Site, close, draft, new_site
from tests.projects.helpers import draft_project, purchaser_of, registered_project


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "项目公告测试分平台")
    yield made
    await close(made)


def days(n: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=n)).isoformat()


@pytest.mark.asyncio
async def test_the_opening_notice_sets_the_deadline_and_a_correction_moves_it(
    app: Litestar, site: Site
) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        project_id = await registered_project(site.client, buyer)
        code = (await Project.select(Project.code).where(Project.id == project_id))[0]["code"]
        form = await site.client.get(f"/console/announcements/new?project={project_id}")
        assert form.status_code == 200 and code in form.text and "招标公告" in form.text
        page = await site.client.get(f"/console/projects/{project_id}")
        assert "编写招标公告" in page.text

        api = "/api/console/announcements"
        wrong = await site.client.post(
            api, json=draft(type="procurement_notice", project=project_id, deadline_at=days(25))
        )
        assert wrong.status_code == 400 and "应发布「招标公告」" in wrong.text
        early = await site.client.post(api, json=draft(project=project_id, deadline_at=days(10)))
        assert early.status_code == 400 and "至少 20 日" in early.text
        undated = await site.client.post(api, json=draft(project=project_id, deadline_at=None))
        assert undated.status_code == 400 and "截止时间" in undated.text
        result = await site.client.post(
            api, json=draft(type="award_notice", project=project_id, deadline_at=None)
        )
        assert result.status_code == 400 and "尚未定标" in result.text

        deadline = days(25)
        made = await site.client.post(
            api, json=draft(project=project_id, deadline_at=deadline, project_code="TYPED-1")
        )
        assert made.status_code == 201, made.text
        notice_id = made.json()["id"]
        mine = (await site.client.get(api)).json()
        shown = next(a for a in mine if a["id"] == notice_id)
        assert shown["project_code"] == code and shown["project"] == project_id  # not typed
        assert (await site.client.post(f"{api}/{notice_id}/publish")).status_code == 200
        project = (await Project.select().where(Project.id == project_id))[0]
        assert project["opening_notice"] == notice_id
        assert project["bid_deadline"] == dt.datetime.fromisoformat(deadline)
        again = await site.client.post(api, json=draft(project=project_id, deadline_at=days(30)))
        assert again.status_code == 400 and "更正公告" in again.text

        correction = {
            "type": "correction",
            "corrects": notice_id,
            "title": "关于空调设备采购招标公告的更正公告",
            "deadline_at": days(10),
        }
        too_soon = await site.client.post(api, json=draft(**correction))
        assert too_soon.status_code == 400 and "至少 15 日" in too_soon.text
        moved_to = days(28)
        corrected = await site.client.post(
            api, json=draft(**{**correction, "deadline_at": moved_to})
        )
        assert corrected.status_code == 201, corrected.text
        correction_id = corrected.json()["id"]
        assert (await site.client.post(f"{api}/{correction_id}/publish")).status_code == 200
        project = (await Project.select().where(Project.id == project_id))[0]
        assert project["bid_deadline"] == dt.datetime.fromisoformat(moved_to)
        actions = await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.object == f"project:{project_id}"
        )
        assert {"project.deadline_set", "project.deadline_move"} <= {a["action"] for a in actions}
        listed = await site.client.get(f"/console/projects/{project_id}")
        assert "关于空调设备采购招标公告的更正公告" in listed.text
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_a_short_method_counts_working_days(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        project_id = await draft_project(
            buyer, track="government", method="competitive_negotiation"
        )
        api = "/api/console/announcements"
        unregistered = await site.client.post(
            api, json=draft(type="procurement_notice", project=project_id, deadline_at=days(9))
        )
        assert unregistered.status_code == 400 and "尚未完成登记" in unregistered.text
        for item in ("plan", "requirements", "documents"):
            files = {"file": (f"{item}.pdf", b"%PDF-1.4\n", "application/pdf")}
            sent = await buyer.client.post(
                f"/console/projects/{project_id}/materials/{item}", files=files
            )
            assert sent.status_code == 303
        assert (
            await buyer.client.post(f"/console/projects/{project_id}/submission")
        ).status_code == 303
        await site.client.post(
            f"/console/projects/{project_id}/decision", data={"decision": "approve"}
        )
        earliest = (await calendar()).due_after(dt.datetime.now(dt.UTC), 3)
        before = (earliest - dt.timedelta(hours=2)).isoformat()
        refused = await site.client.post(
            api, json=draft(type="procurement_notice", project=project_id, deadline_at=before)
        )
        assert refused.status_code == 400 and "至少 3 个工作日" in refused.text
        after = (earliest + dt.timedelta(hours=1)).isoformat()
        accepted = await site.client.post(
            api, json=draft(type="procurement_notice", project=project_id, deadline_at=after)
        )
        assert accepted.status_code == 201, accepted.text
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_another_tenants_project_is_not_found(app: Litestar, site: Site) -> None:
    other = await new_site(app, "另一个分平台")
    buyer = await purchaser_of(app, other.client, other.tenant.slug)
    try:
        project_id = await registered_project(other.client, buyer)
        answer = await site.client.post(
            "/api/console/announcements", json=draft(project=project_id, deadline_at=days(25))
        )
        missing = await site.client.post(
            "/api/console/announcements", json=draft(project=2_000_000_000, deadline_at=days(25))
        )
        assert answer.status_code == missing.status_code == 404
        assert answer.json() == missing.json()
        page = await site.client.get(f"/console/announcements/new?project={project_id}")
        assert page.status_code == 404
    finally:
        await buyer.client.aclose()
        await close(other)
