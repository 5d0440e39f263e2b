"""The figures of a period (年度、半年、季度、月度) within a reader's reach, read from the monthly
rollups: a year across every tenant is at most 12 months × tenants × figures rows, summed by
the database.

Who reads is decided by the caller and handed in as the ids of the tenants within reach (None:
every one, head office's). A tenant outside it is "not found", like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

import msgspec
from piccolo.columns.combination import Combinable
from piccolo.query.functions.aggregate import Sum

from core.errors import DomainError, NotFound
from core.statistics.rollups import ALL, EVERY_TENANT, month_start, watermark
from core.statistics.sources import MEASURES
from core.statistics.tables import Rollup
from core.tenancy.tables import Tenant
from tenants.supervision import NOT_VISIBLE

FIRST_YEAR, LAST_YEAR = 2000, 2100
BAD_YEAR = "统计年份不正确 / the year is not valid"
BAD_PERIOD = "统计期间不正确，请选择全年、半年、季度或月份 / choose a year, half, quarter or month"
BAD_QUARTER = "季度应为 1 至 4 / the quarter is 1 to 4"
PERIODS = (
    "year",
    "h1",
    "h2",
    *(f"q{n}" for n in range(1, 5)),
    *(f"m{n}" for n in range(1, 13)),
)


class Period(msgspec.Struct, frozen=True):
    """A year, or a half (h1, h2), quarter (q1–q4) or month (m1–m12) of it."""

    year: int
    period: str = "year"

    @property
    def months(self) -> list[int]:
        if self.period == "year":
            first, length = 1, 12
        else:
            length = {"h": 6, "q": 3, "m": 1}[self.period[0]]
            first = (int(self.period[1:]) - 1) * length + 1
        return [self.year * 100 + m for m in range(first, first + length)]


def period_of(year: object, period: object = "year") -> Period:
    """A period from what a form or query sent, or a clear refusal naming the field."""
    try:
        number = int(str(year).strip())
    except ValueError:
        raise DomainError(BAD_YEAR, detail={"field": "year"}) from None
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise DomainError(BAD_YEAR, detail={"field": "year"})
    if period not in PERIODS:
        raise DomainError(BAD_PERIOD, detail={"field": "period"})
    return Period(number, str(period))


def quarter_of(year: object, quarter: object) -> Period:
    try:
        number = int(str(quarter).strip())
    except ValueError:
        raise DomainError(BAD_QUARTER, detail={"field": "quarter"}) from None
    if not 1 <= number <= 4:
        raise DomainError(BAD_QUARTER, detail={"field": "quarter"})
    return period_of(year, f"q{number}")


class Figure(msgspec.Struct, frozen=True):
    measure: str
    dimension: str  # "" for a measure without one
    count: int
    amount_fen: int


class MonthFigure(msgspec.Struct, frozen=True):
    month: str  # "2026-03"
    measure: str
    count: int
    amount_fen: int


class TenantFigure(msgspec.Struct, frozen=True):
    tenant_id: int
    measure: str
    count: int
    amount_fen: int


class Summary(msgspec.Struct, frozen=True):
    announcements: int
    projects: int
    project_budget_fen: int
    awards: int
    award_fen: int
    # Of the sections awarded with a budget: (budget - award) / budget; None without any.
    savings_rate: float | None
    lots_opened: int
    bids_per_lot: float | None
    registrations: int
    objections: int
    complaints: int
    penalties: int


class Figures(msgspec.Struct, frozen=True):
    year: int
    period: str
    months: list[str]
    tenant_id: int | None  # the one tenant asked for, or None: every tenant within reach
    summary: Summary
    by_dimension: list[Figure]
    by_month: list[MonthFigure]  # of the measures in LINE_MEASURES
    by_tenant: list[TenantFigure]  # of the measures in LINE_MEASURES
    # Changes until then are in the figures (the rollups are kept every few minutes).
    as_of: dt.datetime | None


Reach = frozenset[int] | None
# The measures the per-month and per-tenant lines show (each measure's total over its values).
LINE_MEASURES = (
    "announcement_type",
    "project_method",
    "award_method",
    "registration",
    "objection_target",
    "complaint_target",
    "penalty_kind",
)
KEPT = 256  # sets of figures kept, the least recently read dropped first
_KEPT: OrderedDict[tuple[dt.datetime | None, Reach, Period, int | None], Figures] = OrderedDict()


async def _tenants_read(reach: Reach, tenant_id: int | None) -> Reach:
    """The tenants the figures cover; one asked for outside the reach is not found."""
    if tenant_id is None:
        return reach
    if (reach is not None and tenant_id not in reach) or not await Tenant.exists().where(
        Tenant.id == tenant_id
    ):
        raise NotFound(NOT_VISIBLE)
    return frozenset({tenant_id})


def _total(figures: list[Figure], measure: str) -> tuple[int, int]:
    rows = [f for f in figures if f.measure == measure]
    return sum(f.count for f in rows), sum(f.amount_fen for f in rows)


def _summary(figures: list[Figure]) -> Summary:
    budget = _total(figures, "budgeted_budget")[1]
    budgeted_award = _total(figures, "budgeted_award")[1]
    lots, bids = _total(figures, "opening_state")[0], _total(figures, "opening_bids")[0]
    return Summary(
        announcements=_total(figures, "announcement_type")[0],
        projects=_total(figures, "project_method")[0],
        project_budget_fen=_total(figures, "project_method")[1],
        awards=_total(figures, "award_method")[0],
        award_fen=_total(figures, "award_method")[1],
        savings_rate=(budget - budgeted_award) / budget if budget else None,
        lots_opened=lots,
        bids_per_lot=bids / lots if lots else None,
        registrations=_total(figures, "registration")[0],
        objections=_total(figures, "objection_target")[0],
        complaints=_total(figures, "complaint_target")[0],
        penalties=_total(figures, "penalty_kind")[0],
    )


def _int(value: object) -> int:
    """A SUM as a number (None over no rows; PostgreSQL's SUM of a bigint is a numeric)."""
    return int(value or 0)  # type: ignore[call-overload]


def _label(month: int) -> str:
    return month_start(month).strftime("%Y-%m")


async def figures(reach: Reach, period: Period, tenant_id: int | None = None) -> Figures:
    """The period's figures for the tenants within ``reach`` (or the one ``tenant_id``).

    The rollups change only when the job rewrites them, and it moves the watermark after each
    rewrite: figures summed under one watermark are kept (in this worker, by the tenants read,
    the period and the tenant asked for) until it moves, at most :data:`rollups.EVERY` later."""
    tenants = await _tenants_read(reach, tenant_id)
    as_of = await watermark()
    key = (as_of, tenants, period, tenant_id)
    if as_of is not None and (kept := _KEPT.get(key)) is not None:
        _KEPT.move_to_end(key)
        return kept
    found = await _summed(tenants, period, tenant_id, as_of)
    if as_of is not None:
        _KEPT[key] = found
        while len(_KEPT) > KEPT:
            _KEPT.popitem(last=False)
    return found


async def _summed(
    tenants: Reach, period: Period, tenant_id: int | None, as_of: dt.datetime | None
) -> Figures:
    months = period.months
    within: Combinable = (Rollup.month >= months[0]) & (Rollup.month <= months[-1])
    if tenants is None:  # every tenant: their sums (a few dozen rows a month) and each one's
        summed, each = Rollup.tenant == EVERY_TENANT, Rollup.tenant > EVERY_TENANT
    else:
        summed = each = Rollup.tenant.is_in(sorted(tenants) or [-1])
    sums = (Sum(Rollup.number, alias="n"), Sum(Rollup.amount, alias="amount"))
    # Two sums, each over the entries of its covering index only.
    monthly = (
        await Rollup.select(Rollup.month, Rollup.measure, Rollup.dimension, *sums)
        .where(within & summed & (Rollup.dimension != ALL))
        .group_by(Rollup.month, Rollup.measure, Rollup.dimension)
    )
    per_tenant = (
        await Rollup.select(Rollup.tenant, Rollup.measure, *sums)
        .where(
            (Rollup.dimension == ALL) & Rollup.measure.is_in(list(LINE_MEASURES)) & each & within
        )
        .group_by(Rollup.tenant, Rollup.measure)
    )
    dimensions: dict[tuple[str, str], list[int]] = {}
    by_month: dict[tuple[int, str], list[int]] = {}
    for row in monthly:
        n, amount = _int(row["n"]), _int(row["amount"])
        for key, into in (
            ((row["measure"], row["dimension"]), dimensions),
            ((row["month"], row["measure"]), by_month),
        ):
            figure = into.setdefault(key, [0, 0])
            figure[0] += n
            figure[1] += amount
    order = {name: i for i, name in enumerate(MEASURES)}
    by_dimension = [
        Figure(measure, dimension, n, amount)
        for (measure, dimension), (n, amount) in sorted(
            dimensions.items(), key=lambda item: (order.get(item[0][0], 99), -item[1][0])
        )
    ]
    return Figures(
        year=period.year,
        period=period.period,
        months=[_label(m) for m in months],
        tenant_id=tenant_id,
        summary=_summary(by_dimension),
        by_dimension=by_dimension,
        by_month=[
            MonthFigure(_label(month), measure, n, amount)
            for (month, measure), (n, amount) in sorted(
                by_month.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
            )
            if measure in LINE_MEASURES
        ],
        by_tenant=[
            TenantFigure(r["tenant"], r["measure"], _int(r["n"]), _int(r["amount"]))
            for r in sorted(per_tenant, key=lambda r: (r["tenant"], order.get(r["measure"], 99)))
        ],
        as_of=as_of,
    )
