"""Working days (工作日): the one function every statutory clock counts with.

A day is a working day when it is a weekday that is not a holiday, or an adjusted working
weekend day (调休上班). Holidays and adjusted days come from the shipped State Council notices
(core.workdays.shipped) and head office's edits (``WorkdayOverride``), the edits winning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.principal import Principal
from core.workdays import shipped
from core.workdays.tables import DayKind, WorkdayOverride
from themes.i18n import BEIJING

MAX_DAYS = 3660  # ten years of counting: a wrong call, not a clock


@dataclass(frozen=True)
class Calendar:
    """The calendar as it stands: the days whose kind differs from what the weekday says."""

    holidays: dict[dt.date, str]
    workdays: dict[dt.date, str]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself not counted; n ≥ 1)."""
        if not 1 <= n <= MAX_DAYS:
            raise ValueError(f"working days to add: 1 to {MAX_DAYS}, not {n}")
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            counted += self.is_working_day(day)
        return day

    def due_after(self, moment: dt.datetime, n: int) -> dt.datetime:
        """The end (Beijing time) of the n-th working day after ``moment``'s Beijing day: the
        deadline of "within n working days"."""
        last = self.add_working_days(moment.astimezone(BEIJING).date(), n)
        return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), BEIJING)


async def calendar() -> Calendar:
    """The shipped notices with head office's edits laid over them."""
    holidays, workdays = dict(shipped.HOLIDAYS), dict(shipped.ADJUSTED_WORKDAYS)
    for row in await WorkdayOverride.select(
        WorkdayOverride.day, WorkdayOverride.kind, WorkdayOverride.name
    ):
        holidays.pop(row["day"], None)
        workdays.pop(row["day"], None)
        if row["kind"] == DayKind.holiday:
            holidays[row["day"]] = row["name"]
        elif row["kind"] == DayKind.workday:
            workdays[row["day"]] = row["name"]
    return Calendar(holidays, workdays)


async def set_day(
    authorizer: Authorizer,
    principal: Principal,
    day: dt.date,
    kind: DayKind,
    name: str,
    context: RequestContext | None = None,
) -> None:
    """Make ``day`` a holiday, an adjusted working day or an ordinary day again (idempotent)."""
    await authorize(authorizer, principal, HQ, "calendar", "manage")
    name = name.strip()
    if kind is DayKind.holiday and not name:
        raise DomainError("请填写节假日名称 / name the holiday", detail={"field": "name"})
    if kind is DayKind.workday and day.weekday() < 5:
        raise DomainError(
            "调休上班日应为周六或周日 / an adjusted working day is a Saturday or Sunday",
            detail={"field": "day"},
        )
    async with write_transaction():
        row = WorkdayOverride(
            day=day,
            kind=kind.value,
            name=name[:50],
            set_by=principal.account_id,
            set_at=dt.datetime.now(dt.UTC),
        )
        # One row per day, also when two edits of the same day race.
        await WorkdayOverride.insert(row).on_conflict(
            target=WorkdayOverride.day,
            action="DO UPDATE",
            values=[
                WorkdayOverride.kind,
                WorkdayOverride.name,
                WorkdayOverride.set_by,
                WorkdayOverride.set_at,
            ],
        )
        await record(
            actor=principal.actor,
            action=f"calendar.{kind.value}",
            object=f"day:{day.isoformat()}",
            context=context,
        )
