"""The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知), shipped as
data: each year's days off that fall on weekdays or weekends, and the weekend days that are
worked instead. Head office adds a year when its notice is published (or corrects a day) on
the calendar page; those edits are rows of ``WorkdayOverride`` and win over what is here.

Sources: 国办发明电〔2024〕12号 (2025), 国办发明电〔2025〕7号 (2026, published 2025-11-04).
"""

from __future__ import annotations

import datetime as dt


def _days(year: int, month: int, first: int, last: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(first, last + 1)]


# date → the holiday's name. Only the days off as the notice lists them.
HOLIDAYS: dict[dt.date, str] = {
    **{d: "元旦" for d in [dt.date(2025, 1, 1)]},
    **{d: "春节" for d in _days(2025, 1, 28, 31) + _days(2025, 2, 1, 4)},
    **{d: "清明节" for d in _days(2025, 4, 4, 6)},
    **{d: "劳动节" for d in _days(2025, 5, 1, 5)},
    **{d: "端午节" for d in [dt.date(2025, 5, 31), *_days(2025, 6, 1, 2)]},
    **{d: "国庆节、中秋节" for d in _days(2025, 10, 1, 8)},
    **{d: "元旦" for d in _days(2026, 1, 1, 3)},
    **{d: "春节" for d in _days(2026, 2, 15, 23)},
    **{d: "清明节" for d in _days(2026, 4, 4, 6)},
    **{d: "劳动节" for d in _days(2026, 5, 1, 5)},
    **{d: "端午节" for d in _days(2026, 6, 19, 21)},
    **{d: "中秋节" for d in _days(2026, 9, 25, 27)},
    **{d: "国庆节" for d in _days(2026, 10, 1, 7)},
}

# Weekend days worked instead (调休上班), with the holiday they make up for.
ADJUSTED_WORKDAYS: dict[dt.date, str] = {
    dt.date(2025, 1, 26): "春节",
    dt.date(2025, 2, 8): "春节",
    dt.date(2025, 4, 27): "劳动节",
    dt.date(2025, 9, 28): "国庆节、中秋节",
    dt.date(2025, 10, 11): "国庆节、中秋节",
    dt.date(2026, 1, 4): "元旦",
    dt.date(2026, 2, 14): "春节",
    dt.date(2026, 2, 28): "春节",
    dt.date(2026, 5, 9): "劳动节",
    dt.date(2026, 9, 20): "国庆节",
    dt.date(2026, 10, 10): "国庆节",
}

YEARS = frozenset(d.year for d in HOLIDAYS)
