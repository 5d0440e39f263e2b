"""Working days (core.workdays): the arithmetic over holidays and adjusted weekends, head
office's edits winning over the shipped notices, and the calendar page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.workdays.service import Calendar, calendar
from core.workdays.tables import WorkdayOverride
from tests.tenants.helpers import hq_people, main_client_as
from themes.i18n import BEIJING

D = dt.date


@pytest.mark.asyncio
async def test_working_days_skip_holidays_and_count_adjusted_weekends(app: Litestar) -> None:
    days = await calendar()
    # Friday before the 2026 Spring Festival: Saturday 14 Feb is worked (调休), 15–23 Feb off.
    assert days.is_working_day(D(2026, 2, 14)) and not days.is_working_day(D(2026, 2, 16))
    assert days.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert days.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # National Day 2026: 1–7 Oct off, Saturday 10 Oct worked.
    assert days.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert days.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    # An ordinary week: Friday + 1 is Monday.
    assert days.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)
    # 2025: New Year's Day alone, Wednesday.
    assert days.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
    # "Within 2 working days" of a Friday-evening submission ends with Tuesday, Beijing time.
    friday_evening = dt.datetime(2026, 11, 20, 20, 0, tzinfo=BEIJING)
    assert days.due_after(friday_evening, 2) == dt.datetime(2026, 11, 25, tzinfo=BEIJING)
    with pytest.raises(ValueError):
        days.add_working_days(D(2026, 1, 1), 0)


def test_a_calendar_without_entries_counts_weekdays() -> None:
    plain = Calendar(holidays={}, workdays={})
    assert plain.add_working_days(D(2027, 1, 1), 5) == D(2027, 1, 8)


@pytest.mark.asyncio
async def test_head_office_edits_a_day_on_the_calendar_page(app: Litestar) -> None:
    hq = await hq_people(app)
    admin = await main_client_as(app, hq["admin"])
    reviewer = await main_client_as(app, hq["reviewer"])
    try:
        page = await admin.get("/admin/calendar/?year=2026")
        assert page.status_code == 200 and "春节" in page.text and "调休上班" in page.text
        assert "2026-02-14" in page.text and ">holiday<" not in page.text  # in words
        assert "<td>2026-02-14</td><td>六</td>" in page.text
        admin.cookies.set("sunshine_lang", "en")
        english = (await admin.get("/admin/calendar/?year=2026")).text
        admin.cookies.delete("sunshine_lang")
        assert "<td>2026-02-14</td><td>Sat</td>" in english and "<td>六</td>" not in english

        # A new year's holiday, entered by head office; an audit entry goes with it.
        before = await AuditEntry.count()
        saved = await admin.post(
            "/admin/calendar/", data={"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
        )
        assert saved.status_code == 303 and saved.headers["location"].endswith("year=2027")
        assert await AuditEntry.count() == before + 1
        again = await admin.post(  # the same day again: still one row
            "/admin/calendar/", data={"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
        )
        assert again.status_code == 303
        assert await WorkdayOverride.count().where(WorkdayOverride.day == D(2027, 1, 1)) == 1
        assert (await calendar()).add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
        # A shipped holiday turned back into an ordinary day.
        undone = await admin.post(
            "/admin/calendar/", data={"day": "2026-06-19", "kind": "ordinary", "name": ""}
        )
        assert undone.status_code == 303
        assert (await calendar()).is_working_day(D(2026, 6, 19))
        # Still listed, as head office's edit, so that it can be seen and undone.
        page = (await admin.get("/admin/calendar/?year=2026")).text
        row = re.search(r"<tr><td>2026-06-19</td>.*?</tr>", page)
        assert row and "按星期计" in row[0] and "服务平台调整" in row[0], page

        # A year outside the page's range is refused on the page: nothing written or audited.
        before = await AuditEntry.count()
        for day in ("0001-01-01", "9999-12-31", "2101-01-01"):
            refused = await admin.post(
                "/admin/calendar/", data={"day": day, "kind": "holiday", "name": "元旦"}
            )
            assert refused.status_code == 400 and "2000 年至 2100 年" in refused.text, day
        assert await AuditEntry.count() == before
        far = [D(1, 1, 1), D(9999, 12, 31), D(2101, 1, 1)]
        assert await WorkdayOverride.count().where(WorkdayOverride.day.is_in(far)) == 0

        for bad, reason in (
            ({"day": "2027-02-30", "kind": "holiday", "name": "x"}, "请填写正确的日期"),
            ({"day": "2027-02-01", "kind": "someday", "name": "x"}, "请填写正确的日期"),
            ({"day": "2027-02-01", "kind": "holiday", "name": " "}, "请填写节假日名称"),
            ({"day": "2027-02-01", "kind": "workday", "name": "春节"}, "周六或周日"),
        ):
            refused = await admin.post("/admin/calendar/", data=bad)
            assert refused.status_code == 400 and reason in refused.text, (bad, refused.text)
        assert await WorkdayOverride.count().where(WorkdayOverride.day == D(2027, 2, 1)) == 0

        assert (await reviewer.get("/admin/calendar/")).status_code == 403
        refused = await reviewer.post(
            "/admin/calendar/", data={"day": "2027-05-01", "kind": "holiday", "name": "劳动节"}
        )
        assert refused.status_code == 403
    finally:
        await admin.aclose()
        await reviewer.aclose()
        await WorkdayOverride.delete().where(
            WorkdayOverride.day.is_in([D(2027, 1, 1), D(2026, 6, 19)])
        )
