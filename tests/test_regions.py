"""The shipped GB/T 2260 list, its sync into the region table and the ``region`` filter."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.authz.model import NATIONWIDE, region_ancestors
from core.tenancy.regions import REGIONS, region_label, region_path, sync_regions
from core.tenancy.tables import Region
from themes import build_environment


def test_shipped_list_holds_every_province_city_and_county() -> None:
    levels = [r.level for r in REGIONS.values()]
    assert (levels.count(0), levels.count(1)) == (1, 34)  # 全国; 31 mainland + 台湾 香港 澳门
    assert levels.count(2) == 333 and levels.count(3) == 2846
    assert REGIONS[NATIONWIDE].name == "全国" and REGIONS[NATIONWIDE].parent_code is None
    for code, name in (("370102", "历下区"), ("370200", "青岛市"), ("810000", "香港特别行政区")):
        assert REGIONS[code].name == name
    assert all(len(code) == 6 and code.isdigit() for code in REGIONS)


def test_every_parent_is_shipped_and_above_its_children() -> None:
    for region in REGIONS.values():
        if region.code == NATIONWIDE:
            continue
        parent = REGIONS[region.parent_code or ""]
        assert parent.level < region.level, region
        assert region.code.startswith(parent.code[: 2 * parent.level]), region  # 37 → 3701 → 370102


def test_municipal_and_province_governed_counties_hang_under_the_province() -> None:
    assert REGIONS["110101"].parent_code == "110000"  # 北京 东城区: no 市辖区 in between
    assert REGIONS["500229"].parent_code == "500000"  # 重庆 城口县
    assert REGIONS["429004"].parent_code == "420000"  # 湖北 仙桃市, 省直辖
    assert not {"110100", "500200", "429000", "659000"} & REGIONS.keys()
    assert [r.name for r in region_path("429004")] == ["湖北省", "仙桃市"]


def test_region_ancestors_cover_every_shipped_parent() -> None:
    for code in REGIONS:
        assert {r.code for r in region_path(code)} | {NATIONWIDE} <= set(region_ancestors(code))


@pytest.mark.parametrize(
    ("code", "ancestors"),
    [
        ("370102", ["370102", "370100", "370000", NATIONWIDE]),  # county
        ("370100", ["370100", "370000", NATIONWIDE]),  # city
        ("370000", ["370000", NATIONWIDE]),  # province
        ("110000", ["110000", NATIONWIDE]),  # municipality
        ("110101", ["110101", "110100", "110000", NATIONWIDE]),  # a municipality's district
        ("429004", ["429004", "429000", "420000", NATIONWIDE]),  # county-level, 省直辖
        (NATIONWIDE, [NATIONWIDE]),
    ],
)
def test_region_ancestors(code: str, ancestors: list[str]) -> None:
    assert region_ancestors(code) == ancestors


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("370102", "山东省 济南市 历下区"),
        ("370200", "山东省 青岛市"),
        ("370000", "山东省"),
        ("110105", "北京市 朝阳区"),
        ("429004", "湖北省 仙桃市"),
        (NATIONWIDE, "全国"),
    ],
)
def test_region_filter_names_the_region_with_its_ancestors(code: str, shown: str) -> None:
    assert region_label(code) == shown
    assert build_environment().from_string("{{ code | region }}").render(code=code) == shown


def test_region_filter_never_shows_a_code_it_does_not_know() -> None:
    assert region_label("999999") is None
    template = build_environment().from_string("{{ code | region }}")
    assert template.render(code="999999") == "未知地区"
    assert template.render(code="999999", locale="en") == "Unknown region"
    assert template.render(code=None) == template.render(code="") == ""


@pytest.mark.asyncio
async def test_sync_regions_fills_the_table_and_brings_renamed_rows_back(app: Litestar) -> None:
    assert await Region.count() >= len(REGIONS)  # migrate ran sync_regions
    stored = await Region.select().where(Region.code.is_in(["370102", "429004", "110101"]))
    assert {(r["code"], r["parent_code"], r["level"]) for r in stored} == {
        ("370102", "370100", 3),
        ("429004", "420000", 3),
        ("110101", "110000", 3),
    }
    await Region.update({Region.name: "旧名"}).where(Region.code == "370102")
    await Region.delete().where(Region.code == "370103")
    await Region.insert(
        Region(code="379901", name="运营方添加的地区", parent_code="370000", level=2)
    )
    try:
        await sync_regions()
        names = await Region.select(Region.code, Region.name).where(
            Region.code.is_in(["370102", "370103", "379901"])
        )
        assert {r["code"]: r["name"] for r in names} == {
            "370102": "历下区",
            "370103": "市中区",
            "379901": "运营方添加的地区",  # a row the list lacks is left alone
        }
    finally:
        await Region.delete().where(Region.code == "379901")
