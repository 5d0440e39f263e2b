"""A termination notice (终止公告) ends the whole project once its notice is out and before a
contract: later 报名, bids, openings and announcements of it are refused in words; those who
registered or bid are told; its open data is a tenderCancellation release (tender and lots
cancelled, the reason as the amendment's rationale) that validates, compiles to a cancelled
tender, is listed in Chinese and pushes upward as a record of its own."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.errors import DomainError
from core.libraries.subjects.tables import Subject
from core.notifications.tables import Notice
from tenants.opendata import feed
from tenants.opendata.tables import Release
from tenants.projects.tables import Project
from tests.libraries.helpers import registered_supplier
from tests.opendata.helpers import contracted_project, schema_errors, with_operator
from tests.opendata.test_push import _push
from tests.portal.helpers import close, draft, new_site
from tests.projects.helpers import (
    open_now,
    purchaser_of,
    registered_project,
    send,
    tendering_project,
)

API = "/api/console/announcements"
REASON = "因采购需求发生重大变化，本项目终止采购。"
TERMINATED = "本项目已终止"


def termination(project_id: int, **changes: object) -> dict[str, object]:
    body = {
        "type": "termination",
        "title": "办公设备采购项目终止公告",
        "project": project_id,
        "deadline_at": None,
        "body_html": f"<p>{REASON}</p>",
    }
    return draft(**{**body, **changes})


@pytest.mark.asyncio
async def test_a_termination_ends_the_project(app: Litestar) -> None:
    site = await new_site(app, "终止公告测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    (subject_id, _, first), (_, _, second) = [await registered_supplier(app, site) for _ in "ab"]
    try:
        project_id = await tendering_project(site.client, buyer)
        (project,) = await Project.select().where(Project.id == project_id)
        notice = project["opening_notice"]
        taken = await first.post(f"/api/announcements/{notice}/participations")
        assert taken.status_code == 201, taken.text
        assert (await send(first, project_id, 1, "80000", "终止前的标书")).status_code == 303

        # No reason, no project, a deadline: refused by field.
        for changes, field in (
            ({"body_html": "<p> </p><p><br></p>"}, "body_html"),
            ({"project": None}, "project"),
            ({"deadline_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()},
             "deadline_at"),
        ):  # fmt: skip
            refused = await site.client.post(API, json=termination(project_id, **changes))
            assert refused.status_code == 400, (changes, refused.text)
            assert refused.json()["detail"]["field"] == field

        shown = await site.client.get(f"/console/projects/{project_id}")
        assert f"/console/announcements/new?terminate={project_id}" in shown.text
        form = await site.client.get(f"/console/announcements/new?terminate={project_id}")
        assert form.status_code == 200
        assert 'value="termination" selected' in form.text, form.text
        made = await site.client.post(API, json=termination(project_id))
        assert made.status_code == 201, made.text
        done = await site.client.post(f"{API}/{made.json()['id']}/publish")
        assert done.status_code == 200, done.text
        (project,) = await Project.select().where(Project.id == project_id)
        assert project["terminated_at"] is not None
        shown = await site.client.get(f"/console/projects/{project_id}")
        assert "终止时间" in shown.text and "new?terminate=" not in shown.text
        assert await AuditEntry.exists().where(
            (AuditEntry.action == "project.terminate")
            & (AuditEntry.object == f"project:{project_id}")
        )

        # From now on nothing of it goes on.
        late = await second.post(f"/api/announcements/{notice}/participations")
        assert late.status_code == 400 and TERMINATED in late.json()["error"]
        bid = await send(first, project_id, 1, "70000", "终止后的标书")
        assert bid.status_code == 400 and TERMINATED in bid.text
        again = await site.client.post(API, json=termination(project_id))
        assert again.status_code == 400 and TERMINATED in again.json()["error"]
        with pytest.raises(DomainError, match=TERMINATED):
            await open_now(app, site, project_id)

        # The supplier who registered and bid is told, once, with the reason.
        (account,) = await Subject.select(Subject.account).where(Subject.id == subject_id)
        told = await Notice.select(Notice.body).where(
            (Notice.account == account["account"]) & Notice.body.like("%终止原因%")
        )
        assert len(told) == 1 and REASON in told[0]["body"]

        # Open data: the tender cancelled, with the reason.
        rows = await (
            Release.select()
            .where(Release.tenant == site.tenant.id)
            .order_by(Release.public_modified)
            .order_by(Release.id)
        )
        assert [r["tag"] for r in rows] == ["tender", "tenderCancellation"]
        tender, cancelled = [json.loads(r["payload"]) for r in rows]
        assert schema_errors(cancelled) == [], cancelled
        assert cancelled["tag"] == ["tenderCancellation"]
        assert cancelled["tender"]["status"] == "cancelled"
        (amendment,) = cancelled["tender"]["amendments"]
        assert amendment["rationale"] == REASON
        assert amendment["description"] == "办公设备采购项目终止公告"
        assert amendment["amendsReleaseID"] == tender["id"]
        record = await feed.record(site.tenant.id, tender["ocid"])
        compiled = record["compiledRelease"]
        assert schema_errors(compiled) == []
        assert compiled["tender"]["status"] == "cancelled"
        assert compiled["tender"]["title"] == tender["tender"]["title"]
        assert [lot["status"] for lot in compiled["tender"]["lots"]] == ["cancelled"] * 2
        page = await site.public.get("/opendata/")
        assert page.status_code == 200
        assert "终止公告</td><td>办公设备采购项目终止公告" in page.text

        # Upward: the termination is a record of its own.
        await with_operator(site)
        report = await _push(app, site)
        assert report.rejected == [] and report.state == "pushed" and report.records == 2
    finally:
        for client in (buyer.client, first, second):
            await client.aclose()
        await close(site)


@pytest.mark.asyncio
async def test_no_termination_before_the_notice_or_after_a_contract(app: Litestar) -> None:
    site = await new_site(app, "终止条件测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        registered = await registered_project(site.client, buyer)
        early = await site.client.post(API, json=termination(registered))
        assert early.status_code == 400 and "尚未发布招标" in early.json()["error"]

        project_id, contracted_buyer = await contracted_project(app, site)
        await contracted_buyer.client.aclose()
        late = await site.client.post(API, json=termination(project_id))
        assert late.status_code == 400 and "合同备案" in late.json()["error"]
        assert not await Release.exists().where(
            (Release.tenant == site.tenant.id) & (Release.tag == "tenderCancellation")
        )
    finally:
        await buyer.client.aclose()
        await close(site)
