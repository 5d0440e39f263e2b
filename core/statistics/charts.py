"""Charts of the figures as inline SVG, drawn on the server by pygal: no script, no CDN; the
labels are SVG text, so Chinese is set in the reader's own fonts.

Drawing one takes ~20 ms, so a drawn chart is kept by what it shows (title, labels, values):
the same figures give the same picture, whoever asks, and a key holds nothing but the figures
themselves (no tenant can be served another's chart: different figures, different key).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import pygal
from pygal.style import Style

FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#222",
    foreground_subtle="#888",
    colors=("#b3261e", "#1d4e89", "#0f6b5c", "#8f3f0b", "#5b2c8f", "#3c4856", "#2f6b2f"),
    font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    value_font_family=FONTS,
    value_label_font_family=FONTS,
    title_font_family=FONTS,
    legend_font_family=FONTS,
    tooltip_font_family=FONTS,
    title_font_size=16,
    label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
)
# pygal names each chart by a random uuid; a drawing kept for the page is named by its place.
_CHART_ID = re.compile(r"chart-[0-9a-f-]{36}")
# Even with js=[] pygal writes its tooltips' settings as an inline script; nothing reads it.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

Series = tuple[tuple[str, tuple[float, ...]], ...]


def _config(kind: type[pygal.graph.graph.Graph], title: str, **options: object):  # type: ignore[no-untyped-def]
    settings: dict[str, object] = {
        "js": [],  # no script: the page works and prints without one
        "style": STYLE,
        "title": title,
        "width": 760,
        "height": 340,
        "disable_xml_declaration": True,
        "explicit_size": False,
        "legend_at_bottom": True,
        "legend_box_size": 11,
        "print_values": True,
        "print_zeroes": False,
        "margin": 12,
    }
    return kind(**{**settings, **options})


@lru_cache(maxsize=512)
def _drawn(kind: str, title: str, labels: tuple[str, ...], series: Series, name: str) -> str:
    if kind == "pie":
        chart = _config(pygal.Pie, title, inner_radius=0.45, print_values=False)
        for label, (value,) in series:
            chart.add(label, value)
    else:
        options: dict[str, object] = {"show_legend": len(series) > 1, "truncate_label": -1}
        if kind == "hbar":
            # pygal sizes the label column for Latin letters; a Chinese one is about twice
            # as wide, so it would run off the left edge.
            options["margin_left"] = 12 + 6 * max((len(x) for x in labels), default=0)
        graph = pygal.HorizontalBar if kind == "hbar" else pygal.Bar
        chart = _config(graph, title, **options)
        chart.x_labels = labels
        for label, values in series:
            chart.add(label, list(values))
    svg = chart.render(is_unicode=True)
    return _CHART_ID.sub(f"chart-{name}", _SCRIPT.sub("", svg))


def bars(name: str, title: str, labels: Sequence[str], series: Series) -> str:
    """A bar chart: ``series`` = ((legend, one value a label), …)."""
    return _drawn("bar", title, tuple(labels), series, name)


def horizontal(name: str, title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Bars across, the first label on top (pygal draws from the bottom up)."""
    return _drawn("hbar", title, tuple(labels[::-1]), (("", tuple(values[::-1])),), name)


def pie(name: str, title: str, parts: Sequence[tuple[str, float]]) -> str:
    """Each part's value is in its legend: without a script there are no tooltips."""
    parts = [(f"{label} {value:,}", value) for label, value in parts]
    return _drawn("pie", title, (), tuple((label, (value,)) for label, value in parts), name)
