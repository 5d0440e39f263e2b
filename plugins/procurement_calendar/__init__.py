"""采购日历 — procurement calendar: a month of the tenant's deadlines, and a home block of the
deadlines coming up. Reads published announcements only."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery

from core.tenancy.site import Site
from plugins.registry import Block, NavEntry, PluginSpec, register, requires_plugin
from tenants.announcements.queries import deadlines
from themes.i18n import BEIJING, beijing_today
from themes.portal import portal_page

NAME = "procurement_calendar"


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    days_ahead: Annotated[int, msgspec.Meta(ge=1, le=60)] = 14  # the home block's horizon
    block_size: Annotated[int, msgspec.Meta(ge=1, le=20)] = 6


async def upcoming(tenant_id: int, settings: Settings, _locale: str) -> dict[str, object]:
    now = dt.datetime.now(dt.UTC)
    items = await deadlines(tenant_id, now, now + dt.timedelta(days=settings.days_ahead))
    return {"entries": items[: settings.block_size], "days_ahead": settings.days_ahead}


def _month(value: str | None) -> dt.date:
    if not value:
        return beijing_today().replace(day=1)
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise NotFoundException() from None
    if not 2000 <= month.year <= 2100:  # bounds the cache's keys, and date arithmetic
        raise NotFoundException()
    return month


@get("/calendar", guards=[requires_plugin(NAME)], include_in_schema=False)
async def calendar_page(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    month: Annotated[str | None, FromQuery] = None,
) -> Response[bytes]:
    """A month's deadlines by day (``?month=2026-11``)."""
    first = _month(month)
    days = calendar.monthrange(first.year, first.month)[1]
    start = dt.datetime.combine(first, dt.time(), BEIJING)
    end = start + dt.timedelta(days=days)
    assert site.tenant is not None  # the guard answers 404 on the main portal

    async def build(_: object) -> dict[str, object]:
        by_day: dict[int, list[object]] = {}
        for item in await deadlines(site.tenant.id, start, end):  # type: ignore[union-attr]
            by_day.setdefault(item.deadline_at.astimezone(BEIJING).day, []).append(item)  # type: ignore[union-attr]
        previous = (start - dt.timedelta(days=1)).strftime("%Y-%m")
        following = end.strftime("%Y-%m")
        return {"month": first, "by_day": by_day, "previous": previous, "following": following}

    # Without ?month= it shows the current month: not replayed, so it turns with the month.
    return await portal_page(
        request, site, f"{NAME}/page.html", f"calendar:{first:%Y-%m}", build=build, replay=False
    )


SPEC = register(
    PluginSpec(
        name=NAME,
        title=("采购日历", "Procurement calendar"),
        description=(
            "按月查看本平台公告的截止时间，并在首页显示近期截止的项目。",
            "Deadlines of this sub-platform's announcements by month, and those coming up on "
            "the home page.",
        ),
        version="1.0",
        settings=Settings,
        templates=Path(__file__).parent / "templates",
        routes=(calendar_page,),
        blocks=(Block(f"{NAME}/block.html", upcoming),),
        nav=(NavEntry(("采购日历", "Calendar"), "/calendar"),),
    )
)
