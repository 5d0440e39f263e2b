"""Every page shows times in Beijing time, in the one format of ``| local``; never UTC."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from litestar import Litestar

from core.approvals.tables import ApprovalEvent
from core.libraries.imports import COLUMNS
from tenants.tables import Application, Penalty
from tests.libraries.helpers import library_manager
from tests.libraries.test_downloads_and_imports import csv_file
from tests.portal.helpers import close, new_site
from tests.tenants.helpers import PDF, hq_people, main_client_as
from tests.tenants.test_applications import submitted_application
from themes.i18n import beijing_today, local

# What a time rendered without ``| local`` looks like: an offset, ISO 8601, seconds.
UTC_LOOKS = re.compile(r"\+00:00|UTC|\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d")


def shown(page: httpx.Response) -> str:
    """The text a reader sees: no tags (a ``<time datetime=…>`` attribute is for machines)."""
    assert page.status_code == 200, page.text
    return re.sub(r"<[^>]*>", " ", page.text)


def in_beijing_time(text: str, moment: dt.datetime) -> None:
    assert local(moment) in text
    assert moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") not in text
    assert not UTC_LOOKS.search(text), UTC_LOOKS.search(text)


@pytest.mark.asyncio
async def test_head_office_pages_show_beijing_time(app: Litestar) -> None:
    people = await hq_people(app)
    _, request_id, applicant, _ = await submitted_application(app)
    reviewer = await main_client_as(app, people["reviewer"])
    supervisor = await main_client_as(app, people["supervisor"])
    admin = await main_client_as(app, people["admin"])
    site = await new_site(app, "北京时间测试分平台", hq=people["admin"])
    _, manager = await library_manager(app)
    try:
        returned = await reviewer.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": "return", "deficiencies": [{"item": "audit", "problem": "缺页"}]},
        )
        assert returned.status_code == 200, returned.text
        change = await site.client.post(
            "/api/branding/change-requests",
            json={"custom": {"layout": "blocks_first"}, "reason": "调整首页布局"},
        )
        assert change.status_code == 201, change.text
        warned = await supervisor.post(
            f"/api/tenants/{site.tenant.id}/penalties",
            data={"kind": "warning", "grounds": "2", "statement": "运营不规范"},
            files={"evidence": ("e.pdf", PDF, "application/pdf")},
        )
        assert warned.status_code == 201, warned.text
        started = await manager.post(
            "/api/library/imports",
            data={"kind": "supplier", "dry_run": "true"},
            files={"file": ("legacy.csv", csv_file([dict.fromkeys(COLUMNS, "x")]), "text/csv")},
        )
        assert started.status_code == 202, started.text

        events = await ApprovalEvent.select(ApprovalEvent.at).where(
            ApprovalEvent.request == request_id
        )
        penalty = await Penalty.select(Penalty.decided_at).where(
            Penalty.tenant_id == site.tenant.id
        )
        first_event = min(e["at"] for e in events)
        created = await Application.select(Application.created_at).where(
            Application.request_id == request_id
        )
        in_beijing_time(
            shown(await reviewer.get("/admin/applications/?state=")), created[0]["created_at"]
        )
        in_beijing_time(shown(await reviewer.get(f"/admin/applications/{request_id}")), first_event)
        listed = shown(await reviewer.get("/admin/requests/"))
        assert not UTC_LOOKS.search(listed)
        change_id = change.json()["id"]
        assert not UTC_LOOKS.search(shown(await reviewer.get(f"/admin/requests/{change_id}")))
        assert not UTC_LOOKS.search(shown(await admin.get("/admin/tenants/")))
        decided = penalty[0]["decided_at"]
        in_beijing_time(shown(await admin.get(f"/admin/tenants/{site.tenant.id}")), decided)
        in_beijing_time(shown(await site.client.get("/operator")), decided)
        for path in ("/admin/imports", f"/admin/imports/{started.json()['id']}"):
            assert not UTC_LOOKS.search(shown(await manager.get(path)))
        for client in (reviewer, admin, manager, site.client):
            assert not UTC_LOOKS.search(shown(await client.get("/workbench")))
    finally:
        for client in (applicant, reviewer, supervisor, admin, manager):
            await client.aclose()
        await close(site)


def test_the_beijing_day_begins_at_sixteen_utc() -> None:
    """A birth date or signing date "today" is a Beijing day: from 16:00 UTC it is tomorrow's."""
    assert beijing_today(dt.datetime(2026, 12, 7, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 7)
    assert beijing_today(dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 8)
