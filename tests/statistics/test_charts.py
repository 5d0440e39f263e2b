"""The four charts of a period drawn from its figures: SVG with the labels in words, no
script, and the same figures drawn once (kept)."""

from __future__ import annotations

import datetime as dt

from core.statistics import charts, layout
from core.statistics.service import Figure, Figures, MonthFigure, _summary


def _figures() -> Figures:
    by_dimension = [
        Figure("announcement_type", "tender_notice", 7, 0),
        Figure("announcement_type", "correction", 2, 0),
        Figure("project_category", "goods", 3, 250_000_00),
        Figure("project_category", "works", 1, 1_000_000_00),
        Figure("award_method", "open_tender", 2, 900_000_00),
        Figure("award_method", "single_source", 1, 50_000_00),
    ]
    return Figures(
        year=2026,
        period="q1",
        months=["2026-01", "2026-02", "2026-03"],
        tenant_id=None,
        summary=_summary(by_dimension),
        by_dimension=by_dimension,
        by_month=[MonthFigure("2026-02", "announcement_type", 9, 0)],
        by_tenant=[],
        as_of=dt.datetime.now(dt.UTC),
    )


def test_every_chart_is_svg_in_words_without_a_script() -> None:
    svgs = layout.chart_svgs(_figures(), "zh-CN")
    assert len(svgs) == 4
    for svg in svgs:
        assert svg.startswith("<svg") and "<script" not in svg
    trend, types, awards, budgets = svgs
    assert "2026-02" in trend and 'id="chart-trend"' in trend
    assert "招标公告" in types and "更正公告" in types and "tender_notice" not in types
    assert "公开招标" in awards and "单一来源" in awards
    assert "货物" in budgets and "工程" in budgets
    assert "Tender notice" in layout.chart_svgs(_figures(), "en")[1]


def test_the_same_figures_are_drawn_once() -> None:
    charts._drawn.cache_clear()
    layout.chart_svgs(_figures(), "zh-CN")
    layout.chart_svgs(_figures(), "zh-CN")
    info = charts._drawn.cache_info()
    assert (info.misses, info.hits) == (4, 4)
