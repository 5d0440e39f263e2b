"""Each published correction (更正公告) of a project is a tenderAmendment release that validates
against the release schema, names when, why and what, and the release it amends; the record
merges them into the tender (the moved deadline, every amendment); the feed keeps its order;
the push sends them upward in the national shape, each correction once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from litestar import Litestar

from tenants.opendata import feed
from tenants.opendata.tables import Release
from tenants.projects.tables import Project
from tests.opendata.helpers import schema_errors, with_operator
from tests.opendata.test_push import _push
from tests.portal.helpers import close, draft, new_site
from tests.projects.helpers import purchaser_of, tendering_project

API = "/api/console/announcements"


async def _correct(site, notice_id: int, title: str, **changes: object) -> int:  # type: ignore[no-untyped-def]
    body = {"type": "correction", "corrects": notice_id, "title": title, "deadline_at": None}
    made = await site.client.post(API, json=draft(**{**body, **changes}))
    assert made.status_code == 201, made.text
    done = await site.client.post(f"{API}/{made.json()['id']}/publish")
    assert done.status_code == 200, done.text
    return int(made.json()["id"])


async def _walk(tenant_id: int) -> list[str]:
    seen, cursor = [], ""
    while (page := await feed.page(tenant_id, cursor, 1)).releases:
        seen += [r["id"] for r in page.releases]
        cursor = page.next_cursor
    return seen


@pytest.mark.asyncio
async def test_corrections_amend_the_tender_and_merge_into_the_record(app: Litestar) -> None:
    site = await new_site(app, "开放数据更正测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        project_id = await tendering_project(site.client, buyer)
        (project,) = await Project.select().where(Project.id == project_id)
        moved_to = (dt.datetime.now(dt.UTC) + dt.timedelta(days=28)).replace(microsecond=0)
        first = await _correct(
            site,
            project["opening_notice"],
            "关于办公设备采购招标公告的更正公告",
            deadline_at=moved_to.isoformat(),
            body_html="<p>投标截止时间顺延。</p><p>其余不变。</p>",
        )
        second = await _correct(site, project["opening_notice"], "关于办公设备采购的第二次更正")

        rows = await (
            Release.select()
            .where(Release.tenant == site.tenant.id)
            .order_by(Release.public_modified)
            .order_by(Release.id)
        )
        assert [r["tag"] for r in rows] == ["tender", "tenderAmendment", "tenderAmendment"]
        tender, amended, again = [json.loads(r["payload"]) for r in rows]
        for release in (tender, amended, again):
            assert schema_errors(release) == [], release
        assert amended["tag"] == ["tenderAmendment"] and amended["ocid"] == tender["ocid"]
        (amendment,) = amended["tender"]["amendments"]
        assert amendment == {
            "id": str(first),
            "date": amended["date"],
            "rationale": "关于办公设备采购招标公告的更正公告",
            "description": "投标截止时间顺延。 其余不变。",
            "amendsReleaseID": tender["id"],
            "releaseID": amended["id"],
        }
        end = dt.datetime.fromisoformat(amended["tender"]["tenderPeriod"]["endDate"])
        assert end == moved_to
        assert again["tender"]["amendments"][0]["amendsReleaseID"] == amended["id"]
        assert "tenderPeriod" not in again["tender"]  # no deadline in it: the period stays

        record = await feed.record(site.tenant.id, tender["ocid"])
        compiled = record["compiledRelease"]
        assert schema_errors(compiled) == []
        merged = compiled["tender"]
        assert merged["title"] == tender["tender"]["title"]
        assert merged["lots"] == tender["tender"]["lots"]
        assert merged["tenderPeriod"] == {
            "startDate": tender["tender"]["tenderPeriod"]["startDate"],
            "endDate": amended["tender"]["tenderPeriod"]["endDate"],
        }
        assert [a["id"] for a in merged["amendments"]] == [str(first), str(second)]

        # The feed pages the three the same way every run, in the order they were written.
        assert await _walk(site.tenant.id) == await _walk(site.tenant.id)
        assert await _walk(site.tenant.id) == [r["release_id"] for r in rows]
        page = await site.public.get("/opendata/")
        assert page.status_code == 200 and "关于办公设备采购的第二次更正" in page.text
        assert "更正公告</td>" in page.text

        # Upward: every correction is a record of its own, none a duplicate of another.
        await with_operator(site)
        report = await _push(app, site)
        assert report.rejected == [] and report.state == "pushed" and report.records == 3
    finally:
        await buyer.client.aclose()
        await close(site)
