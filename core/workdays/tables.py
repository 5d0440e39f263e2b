from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class DayKind(StrEnum):
    holiday = "holiday"  # 放假: not a working day, whatever the weekday
    workday = "workday"  # 调休上班: a working day, also on a weekend
    ordinary = "ordinary"  # as the weekday says (undoes a shipped entry)


class WorkdayOverride(Table, tablename="workday_override"):
    """Head office's edit of one day of the calendar (工作日历调整); wins over the shipped data."""

    day = Date(unique=True)
    kind = Varchar(length=10, choices=DayKind)
    name = Varchar(length=50, default="")  # the holiday's name, e.g. 春节
    set_by = Integer(null=True, default=None)  # account id
    set_at = Timestamptz(default=TimestamptzNow())
