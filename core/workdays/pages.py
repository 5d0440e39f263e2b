"""Head office's working-day calendar page (工作日历): a year's holidays and adjusted working
days, shipped and edited, and the form that edits one day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, requires, signed_in
from core.errors import DomainError
from core.flash import flash
from core.forms import Form
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.tenancy.site import Site
from core.workdays import shipped
from core.workdays.service import calendar, set_day
from core.workdays.tables import DayKind, WorkdayOverride
from themes.i18n import beijing_today, locale_of, translate

# The years the page shows and edits: a date outside them is a typing slip (year 1, 9999).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class DayForm(msgspec.Struct):
    day: str = ""
    kind: str = ""
    name: str = ""


class CalendarPages(Controller):
    path = "/admin/calendar"
    include_in_schema = False
    guards = [main_portal_only, requires("calendar", "manage")]  # noqa: RUF012

    async def _page(
        self,
        request: Request[Any, Any, Any],
        site: Site,
        year: int,
        *,
        form: DayForm | None = None,
        error: str | None = None,
    ) -> Template:
        current = await calendar()
        edits = await WorkdayOverride.select(WorkdayOverride.day, WorkdayOverride.kind).where(
            (WorkdayOverride.day >= dt.date(year, 1, 1))
            & (WorkdayOverride.day <= dt.date(year, 12, 31))
        )
        edited = {r["day"] for r in edits}
        # A day head office set back to ordinary is in neither list, but is an edit to see
        # (and undo): it is listed as such.
        days = sorted(
            [(d, "holiday", n) for d, n in current.holidays.items() if d.year == year]
            + [(d, "workday", n) for d, n in current.workdays.items() if d.year == year]
            + [(r["day"], DayKind.ordinary.value, "") for r in edits if r["kind"] == "ordinary"]
        )
        locale = locale_of(request)
        return Template(
            "admin/calendar.html",
            status_code=400 if error else 200,
            context={
                "site": site,
                "year": year,
                "years": sorted(
                    y
                    for y in {*shipped.YEARS, year - 1, year, year + 1}
                    if FIRST_YEAR <= y <= LAST_YEAR
                ),
                "days": [
                    {
                        "day": d,
                        "weekday": translate(f"calendar.weekday.{d.weekday()}", locale),
                        "kind": kind,
                        "name": name,
                        "edited": d in edited,
                    }
                    for d, kind, name in days
                ],
                "shipped": year in shipped.YEARS,
                "form": form or DayForm(),
                "error": error,
                "locale": locale,
            },
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        year: FromQuery[int | None] = None,
    ) -> Template:
        wanted = year or beijing_today().year
        if not FIRST_YEAR <= wanted <= LAST_YEAR:
            raise DomainError("年份不正确 / no such year")
        return await self._page(request, site, wanted)

    @post("/", status_code=303)
    async def edit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[DayForm, Form],
    ) -> Redirect | Template:
        locale = locale_of(request)
        try:
            day = dt.date.fromisoformat(data.day)
            kind = DayKind(data.kind)
        except ValueError:
            year = beijing_today().year
            error = translate("calendar.bad_input", locale)
            return await self._page(request, site, year, form=data, error=error)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:  # nothing written, nor audited
            year = beijing_today().year
            error = translate("calendar.bad_year", locale, first=FIRST_YEAR, last=LAST_YEAR)
            return await self._page(request, site, year, form=data, error=error)
        try:
            await set_day(
                request.app.state.authorizer,
                signed_in(request),
                day,
                kind,
                data.name,
                context_of(request),
            )
        except DomainError as exc:
            return await self._page(request, site, day.year, form=data, error=exc.message)
        return flash(Redirect(f"/admin/calendar/?year={day.year}", status_code=303), "flash.saved")


register_nav(NavEntry("nav.admin.calendar", "/admin/calendar/", "calendar", "manage", "hq", 70))
