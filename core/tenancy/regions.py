"""The region tree shipped with the platform: the nation, Shandong, its cities and a few
counties. More regions are rows in the same table."""

from __future__ import annotations

from core.tenancy.tables import Region

REGIONS: tuple[tuple[str, str, str | None, int], ...] = (
    ("000000", "全国", None, 0),
    ("370000", "山东省", "000000", 1),
    ("370100", "济南市", "370000", 2),
    ("370102", "历下区", "370100", 3),
    ("370103", "市中区", "370100", 3),
    ("370200", "青岛市", "370000", 2),
    ("370202", "市南区", "370200", 3),
    ("370203", "市北区", "370200", 3),
    ("370300", "淄博市", "370000", 2),
    ("370600", "烟台市", "370000", 2),
    ("370700", "潍坊市", "370000", 2),
    ("371000", "威海市", "370000", 2),
)


async def sync_regions() -> None:
    """Insert the shipped regions that are missing; existing rows are left as they are."""
    existing = set(await Region.select(Region.code).output(as_list=True))
    missing = [
        Region(code=code, name=name, parent_code=parent, level=level)
        for code, name, parent, level in REGIONS
        if code not in existing
    ]
    if missing:
        await Region.insert(*missing)


async def region_exists(code: str) -> bool:
    return await Region.exists().where(Region.code == code)


async def region_name(code: str) -> str | None:
    row = await Region.select(Region.name).where(Region.code == code).first()
    return None if row is None else row["name"]
