"""The monthly rollups (统计汇总表), kept by recomputing: never by adding to a figure.

Why recompute rather than count each event as it happens: a figure patched by increments is
only as right as every service that remembers to patch it, and a correction or withdrawal would
need its exact inverse. A (tenant, month) recomputed from the base tables is right whatever
happened to its rows; doing it twice changes nothing. So the periodic job (every
:data:`EVERY`) asks each source which rows changed since its watermark (the ``changed``
columns), recomputes the months those rows count in for their tenants, and moves the watermark
to the time it started. It looks back :data:`OVERLAP` further than the watermark: a
transaction that stamped its rows before the job's start and committed after the job read is
found the next time. Each recomputed month also gets its sum over every tenant again (tenant
:data:`EVERY_TENANT`), which head office's view across all tenants reads. ``rebuild``
recomputes every month there is (the CLI ``rebuild-statistics``, for recovery or after rows
were written straight to the tables).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from piccolo.query.functions.aggregate import Count, Max, Min, Sum

from core.data.engine import write_transaction
from core.statistics.sources import SOURCES, Source
from core.statistics.tables import Rollup, Watermark
from themes.i18n import BEIJING

log = logging.getLogger("sunshine.statistics")
EVERY = dt.timedelta(minutes=5)
OVERLAP = dt.timedelta(minutes=10)
WATERMARK = "rollups"
BATCH = 1000  # rows an insert: PostgreSQL takes 32,767 parameters a statement
# The tenant id of a month's sum over every tenant: what head office reads across all of them,
# a few dozen rows a month whatever the number of tenants (real tenant ids start at 1).
EVERY_TENANT = 0
# The dimension value of a measure's total over all its values, kept beside them: what the
# per-tenant and per-month lines read, a row a measure rather than one a value.
ALL = "*"


def month_of(moment: dt.datetime) -> int:
    local = moment.astimezone(BEIJING)
    return local.year * 100 + local.month


def month_start(month: int) -> dt.datetime:
    return dt.datetime(month // 100, month % 100, 1, tzinfo=BEIJING)


def next_month(month: int) -> int:
    year, number = divmod(month, 100)
    return (year + 1) * 100 + 1 if number == 12 else month + 1


def months_between(first: int, last: int) -> list[int]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def rollup_key(tenant_id: int, month: int, measure: str, dimension: str) -> str:
    return f"{tenant_id}:{month}:{measure}:{dimension}"


async def _aggregate(
    source: Source, month: int, tenant_ids: frozenset[int] | None
) -> dict[tuple[int, str, str], tuple[int, int]]:
    """(tenant, measure, dimension) → (count, amount) of ``source`` in ``month``, each
    measure's total as dimension :data:`ALL` too."""
    dims = [c for c in dict.fromkeys(source.dimensions.values()) if c is not None]
    start, end = month_start(month), month_start(next_month(month))
    where = (source.at >= start) & (source.at < end)
    if source.where is not None:
        where &= source.where
    if tenant_ids is not None:
        where &= source.tenant.is_in(sorted(tenant_ids) or [0])
    counted = Sum(source.summed, alias="n") if source.summed is not None else Count(alias="n")
    values: list[Any] = [counted]
    if source.amount is not None:
        values.append(Sum(source.amount, alias="amount"))
    rows = (
        await source.table.select(source.tenant.as_alias("tenant_id"), *dims, *values)
        .where(where)
        .group_by(source.tenant, *dims)
    )
    figures: dict[tuple[int, str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        n, amount = int(row["n"] or 0), int(row.get("amount") or 0)
        for measure, column in source.dimensions.items():
            value = "" if column is None else str(row[column._meta.name])
            for key in (
                (int(row["tenant_id"]), measure, value),
                (int(row["tenant_id"]), measure, ALL),
            ):
                count_before, amount_before = figures[key]
                figures[key] = (count_before + n, amount_before + amount)
    return figures


def _row(tenant_id: int, month: int, measure: str, dimension: str, n: int, amount: int) -> Rollup:
    return Rollup(
        key=rollup_key(tenant_id, month, measure, dimension),
        tenant=tenant_id,
        month=month,
        measure=measure,
        dimension=dimension,
        number=n,
        amount=amount,
    )


async def _every_tenant(month: int) -> list[Rollup]:
    """The month's figures summed over every tenant (tenant :data:`EVERY_TENANT`)."""
    sums = (Sum(Rollup.number, alias="n"), Sum(Rollup.amount, alias="amount"))
    rows = (
        await Rollup.select(Rollup.measure, Rollup.dimension, *sums)
        .where((Rollup.month == month) & (Rollup.tenant != EVERY_TENANT))
        .group_by(Rollup.measure, Rollup.dimension)
    )
    return [
        _row(EVERY_TENANT, month, r["measure"], r["dimension"], int(r["n"]), int(r["amount"]))
        for r in rows
    ]


async def _upsert(rows: list[Rollup]) -> None:
    """Insert, or overwrite a row of the same key: a rebuild from the CLI and the periodic job
    recomputing one month at once both insert after their delete, and the later must win
    rather than fail on the unique key."""
    await Rollup.insert(*rows).on_conflict(
        target=Rollup.key,
        action="DO UPDATE",
        values=[Rollup.number, Rollup.amount, Rollup.refreshed_at],
    )


async def recompute(month: int, tenant_ids: Iterable[int] | None = None) -> int:
    """Replace the rollups of ``month`` for ``tenant_ids`` (None: every tenant) by what the
    base tables hold now, and the month's sum over every tenant after them, in one
    transaction; returns how many rows it wrote."""
    reach = None if tenant_ids is None else frozenset(tenant_ids)
    rows: list[Rollup] = []
    for source in SOURCES:
        for (tenant_id, measure, dimension), (n, amount) in (
            await _aggregate(source, month, reach)
        ).items():
            rows.append(_row(tenant_id, month, measure, dimension, n, amount))
    async with write_transaction():
        old = Rollup.month == month
        if reach is not None:
            old &= Rollup.tenant.is_in(sorted(reach | {EVERY_TENANT}))
        await Rollup.delete().where(old)
        for first in range(0, len(rows), BATCH):
            await _upsert(rows[first : first + BATCH])
        total = await _every_tenant(month)
        if total:
            await _upsert(total)
    return len(rows) + len(total)


async def _touched(since: dt.datetime) -> dict[int, set[int]]:
    """Month → the tenants with a row of that month changed at or after ``since``."""
    touched: dict[int, set[int]] = defaultdict(set)
    for source in SOURCES:
        for column in source.changed:
            where = column >= since
            if source.where is not None:
                where &= source.where
            rows = await source.table.select(
                source.tenant.as_alias("tenant_id"), source.at.as_alias("at")
            ).where(where)
            for row in rows:
                if row["at"] is not None:
                    touched[month_of(row["at"])].add(int(row["tenant_id"]))
    return touched


async def _set_watermark(at: dt.datetime) -> None:
    if await Watermark.exists().where(Watermark.name == WATERMARK):
        await Watermark.update({Watermark.at: at}).where(Watermark.name == WATERMARK)
    else:
        await Watermark.insert(Watermark(name=WATERMARK, at=at)).on_conflict(
            target=Watermark.name, action="DO UPDATE", values=[Watermark.at]
        )


async def watermark() -> dt.datetime | None:
    """Until when the rollups hold every change (None: never built)."""
    row = await Watermark.select(Watermark.at).where(Watermark.name == WATERMARK).first()
    return row["at"] if row else None


async def refresh(now: dt.datetime | None = None) -> int:
    """Recompute the (tenant, month) pairs changed since the watermark; the first run
    rebuilds everything. Returns how many pairs it recomputed."""
    started = now or dt.datetime.now(dt.UTC)
    mark = await watermark()
    if mark is None:
        return await rebuild(started)
    touched = await _touched(mark - OVERLAP)
    for month, tenant_ids in sorted(touched.items()):
        await recompute(month, tenant_ids)
    await _set_watermark(started)
    return sum(len(t) for t in touched.values())


async def _span() -> tuple[int, int] | None:
    """The first and last month any source has a row in."""
    months: list[int] = []
    for source in SOURCES:
        query = source.table.select(Min(source.at, alias="first"), Max(source.at, alias="last"))
        if source.where is not None:
            query = query.where(source.where)
        row = await query.first()
        if row and row["first"] is not None:
            months += [month_of(_moment(row["first"])), month_of(_moment(row["last"]))]
    return (min(months), max(months)) if months else None


def _moment(value: Any) -> dt.datetime:
    """MIN/MAX of a timestamp: SQLite answers with the stored text, not a datetime."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def rebuild(now: dt.datetime | None = None) -> int:
    """Recompute every month of every tenant, and drop rollups of months no row is in any
    more. Returns how many months it recomputed."""
    started = now or dt.datetime.now(dt.UTC)
    span = await _span()
    months = months_between(*span) if span else []
    for month in months:
        await recompute(month)
    stale = Rollup.id > 0
    if months:
        stale = (Rollup.month < months[0]) | (Rollup.month > months[-1])
    await Rollup.delete().where(stale)
    await _set_watermark(started)
    log.info("statistics rebuilt: %d months", len(months))
    return len(months)
