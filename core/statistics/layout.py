"""The figures laid out as the tables a reader sees, in one language: the page, the printable
report and the CSV/XLSX files all show these, so a file says what the page says.

A cell is a raw value and its column a kind (text, count, money in fen, rate, ratio); the page
formats it, an export writes the number."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from core.statistics import charts
from core.statistics.service import LINE_MEASURES, Figures
from core.statistics.sources import MEASURES
from themes.i18n import translate

Kind = Literal["text", "count", "money", "rate", "ratio"]
Cell = str | int | float | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "count"


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)


# The breakdowns shown, as (table name, its measures): one column pair a measure.
BREAKDOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("announcement_type", ("announcement_type",)),
    ("announcement_method", ("announcement_method",)),
    ("announcement_category", ("announcement_category",)),
    ("project_method", ("project_method", "award_method")),
    ("project_category", ("project_category", "award_category")),
    ("opening_state", ("opening_state",)),
    ("objection_target", ("objection_target", "complaint_target")),
    ("penalty_kind", ("penalty_kind",)),
)
# The per-month and per-tenant tables' columns: (measure, its amount too).
LINES: tuple[tuple[str, bool], ...] = tuple((m, MEASURES[m].money) for m in LINE_MEASURES)


def _t(key: str, locale: str, **values: object) -> str:
    return translate(f"statistics.{key}", locale, **values)


def value_label(measure: str, value: str, locale: str) -> str:
    group = MEASURES[measure].group
    return translate(f"label.{group}.{value}", locale) if group else ""


def summary_table(figures: Figures, locale: str) -> Table:
    """One row: the period's headline figures, each column its own kind."""
    s = figures.summary
    items: list[tuple[str, Kind, Cell]] = [
        ("announcements", "count", s.announcements),
        ("projects", "count", s.projects),
        ("project_budget", "money", s.project_budget_fen),
        ("awards", "count", s.awards),
        ("award_amount", "money", s.award_fen),
        ("savings_rate", "rate", s.savings_rate),
        ("lots_opened", "count", s.lots_opened),
        ("bids_per_lot", "ratio", s.bids_per_lot),
        ("registrations", "count", s.registrations),
        ("objections", "count", s.objections),
        ("complaints", "count", s.complaints),
        ("penalties", "count", s.penalties),
    ]
    return Table(
        "summary",
        _t("table.summary", locale),
        [Column(_t(f"summary.{key}", locale), kind) for key, kind, _ in items],
        [[value for _, _, value in items]],
    )


def breakdowns(figures: Figures, locale: str) -> list[Table]:
    found: dict[tuple[str, str], tuple[int, int]] = {
        (f.measure, f.dimension): (f.count, f.amount_fen) for f in figures.by_dimension
    }
    tables = []
    for name, measures in BREAKDOWNS:
        columns = [Column(_t(f"dimension.{name}", locale), "text")]
        for measure in measures:
            columns.append(Column(_t(f"measure.{measure}", locale)))
            if MEASURES[measure].money:
                columns.append(Column(_t(f"amount.{measure}", locale), "money"))
        values = list(
            dict.fromkeys(d for (m, d) in found if m in measures)
        )  # in the service's order: measure, then most first
        table = Table(name, _t(f"table.{name}", locale), columns)
        for value in values:
            row: list[Cell] = [value_label(measures[0], value, locale)]
            for measure in measures:
                n, amount = found.get((measure, value), (0, 0))
                row.append(n)
                if MEASURES[measure].money:
                    row.append(amount)
            table.rows.append(row)
        tables.append(table)
    return tables


def _line_columns(first: str, locale: str) -> list[Column]:
    columns = [Column(first, "text")]
    for measure, with_amount in LINES:
        columns.append(Column(_t(f"line.{measure}", locale)))
        if with_amount:
            columns.append(Column(_t(f"amount.{measure}", locale), "money"))
    return columns


def _line(values: dict[str, tuple[int, int]]) -> list[Cell]:
    row: list[Cell] = []
    for measure, with_amount in LINES:
        n, amount = values.get(measure, (0, 0))
        row.append(n)
        if with_amount:
            row.append(amount)
    return row


def monthly(figures: Figures, locale: str) -> Table:
    values: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for f in figures.by_month:
        values[f.month][f.measure] = (f.count, f.amount_fen)
    table = Table(
        "monthly", _t("table.monthly", locale), _line_columns(_t("column.month", locale), locale)
    )
    table.rows = [[month, *_line(values[month])] for month in figures.months]
    return table


def per_tenant(figures: Figures, names: dict[int, str], locale: str) -> Table:
    values: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for f in figures.by_tenant:
        values[f.tenant_id][f.measure] = (f.count, f.amount_fen)
    table = Table(
        "tenants", _t("table.tenants", locale), _line_columns(_t("column.tenant", locale), locale)
    )
    table.rows = [
        [names.get(tenant_id, str(tenant_id)), *_line(line)]
        for tenant_id, line in sorted(values.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    return table


def chart_svgs(figures: Figures, locale: str) -> list[str]:
    """The period by month, announcements by type, awards by method, budgets by category."""
    by_month: dict[tuple[str, str], int] = {(f.month, f.measure): f.count for f in figures.by_month}
    trend = tuple(
        (
            _t(f"line.{measure}", locale),
            tuple(float(by_month.get((month, measure), 0)) for month in figures.months),
        )
        for measure in ("announcement_type", "project_method", "award_method")
    )
    svgs = [charts.bars("trend", _t("chart.trend", locale), figures.months, trend)]
    types = [f for f in figures.by_dimension if f.measure == "announcement_type"]
    if types:
        svgs.append(
            charts.horizontal(
                "types",
                _t("chart.types", locale),
                [value_label("announcement_type", f.dimension, locale) for f in types],
                [float(f.count) for f in types],
            )
        )
    awards = [f for f in figures.by_dimension if f.measure == "award_method" and f.amount_fen]
    if awards:
        svgs.append(
            charts.horizontal(
                "awards",
                _t("chart.awards", locale),
                [value_label("award_method", f.dimension, locale) for f in awards],
                [round(f.amount_fen / 1_000_000, 2) for f in awards],  # 万元
            )
        )
    budgets = [f for f in figures.by_dimension if f.measure == "project_category" and f.amount_fen]
    if budgets:
        svgs.append(
            charts.pie(
                "budgets",
                _t("chart.budgets", locale),
                [
                    (
                        value_label("project_category", f.dimension, locale),
                        round(f.amount_fen / 1_000_000, 2),
                    )
                    for f in budgets
                ],
            )
        )
    return svgs
