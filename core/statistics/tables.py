from __future__ import annotations

from piccolo.columns import BigInt, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Rollup(Table, tablename="statistics_rollup"):
    """One figure of one tenant in one Beijing month: how many (``number``) and, for money
    measures, how much in fen (``amount``), of a measure and one value of its dimension
    ("" for a measure without one). Written only by :mod:`core.statistics.rollups`, which
    recomputes a whole (tenant, month) from the base tables, so a row is never patched."""

    # "<tenant>:<month>:<measure>:<dimension>": one row per figure on every engine
    # (Piccolo's composite Unique does not work on SQLite).
    key = Varchar(length=120, unique=True)
    tenant = Integer()  # 0: the sum over every tenant (rollups.EVERY_TENANT)
    month = Integer()  # yyyymm, Beijing time: 202603
    measure = Varchar(length=30)
    dimension = Varchar(length=40)
    number = BigInt()
    amount = BigInt()
    refreshed_at = Timestamptz(default=TimestamptzNow())


class Watermark(Table, tablename="statistics_watermark"):
    """Until when the base tables' changes are rolled up (one row, ``name`` "rollups")."""

    name = Varchar(length=30, unique=True)
    at = Timestamptz()
