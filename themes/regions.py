"""Regions on pages: the ``region`` filter (a code as the names a person reads) and the options
of the region picker (themes/uniform/templates/_macros.html ``region_picker``).

The picker is one <select> that works without JavaScript: an <optgroup> per province holding
the province, its cities and their counties by name, indented one ideographic space per step
below the province. static/region-picker.js turns it into a cascade from that markup alone, so
nothing else is sent. The options are rendered once per shape and reused by every page.
"""

from __future__ import annotations

from functools import cache

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from core.authz.model import NATIONWIDE
from core.tenancy.regions import REGIONS, ShippedRegion, region_label
from themes.i18n import context_locale, translate

INDENT = "\u3000"  # one ideographic space per step below the province


@pass_context
def region_filter(context: Context, code: str | None) -> str:
    """``{{ code | region }}``: the region's name with its ancestors; empty for no code."""
    if not code:
        return ""
    return region_label(code) or translate("region.unknown", context_locale(context))


def _children() -> dict[str, list[ShippedRegion]]:
    children: dict[str, list[ShippedRegion]] = {}
    for region in REGIONS.values():  # in code order
        if region.parent_code is not None:
            children.setdefault(region.parent_code, []).append(region)
    return children


@cache
def _options(levels: int, nationwide: bool) -> str:
    """Option markup of regions down to ``levels`` (1 provinces, 2 cities, 3 counties).
    End tags are left out (HTML allows it) and values unquoted: a county picker carries 3,000
    options, and that keeps it near 100 KB."""
    children = _children()
    parts = [f"<option value={NATIONWIDE}>{escape(REGIONS[NATIONWIDE].name)}"] if nationwide else []

    def walk(region: ShippedRegion, depth: int) -> None:
        parts.append(f"<option value={region.code}>{INDENT * depth}{escape(region.name)}")
        for child in children.get(region.code, ()):
            if child.level <= levels:
                walk(child, depth + 1)

    for province in children[NATIONWIDE]:
        parts.append(f'<optgroup label="{escape(province.name)}">')
        walk(province, 0)
        parts.append("</optgroup>")
    return "".join(parts)


def region_options(value: str | None = None, levels: int = 3, nationwide: bool = False) -> Markup:
    """The picker's options with ``value`` selected (a code the list lacks selects nothing)."""
    options = _options(levels, nationwide)
    if value and value in REGIONS:
        options = options.replace(f"<option value={value}>", f"<option value={value} selected>", 1)
    return Markup(options)  # noqa: S704 - built above from escaped names and digit codes
