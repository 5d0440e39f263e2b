"""The specialty classification shipped with the platform (评标专家专业分类, after the national
classification's three categories: 工程 works, 货物 goods, 服务 services). More nodes are rows
in the same table; a node's code always starts with its parent's."""

from __future__ import annotations

import msgspec

from core.libraries.experts.tables import Specialty

# (code, name, parent code, level)
SPECIALTIES: tuple[tuple[str, str, str | None, int], ...] = (
    ("A", "工程类", None, 1),
    ("A01", "建筑工程", "A", 2),
    ("A0101", "房屋建筑", "A01", 3),
    ("A0102", "装饰装修", "A01", 3),
    ("A0103", "建筑智能化", "A01", 3),
    ("A02", "市政工程", "A", 2),
    ("A0201", "道路桥梁", "A02", 3),
    ("A0202", "给水排水", "A02", 3),
    ("A03", "水利工程", "A", 2),
    ("A0301", "水利水电", "A03", 3),
    ("A04", "交通工程", "A", 2),
    ("A0401", "公路工程", "A04", 3),
    ("B", "货物类", None, 1),
    ("B01", "信息技术设备", "B", 2),
    ("B0101", "计算机及网络设备", "B01", 3),
    ("B0102", "软件", "B01", 3),
    ("B02", "医疗设备", "B", 2),
    ("B0201", "医学影像设备", "B02", 3),
    ("B0202", "检验检测设备", "B02", 3),
    ("B03", "办公设备", "B", 2),
    ("B04", "车辆", "B", 2),
    ("C", "服务类", None, 1),
    ("C01", "工程咨询", "C", 2),
    ("C0101", "工程造价", "C01", 3),
    ("C0102", "工程监理", "C01", 3),
    ("C02", "法律与财务", "C", 2),
    ("C0201", "法律服务", "C02", 3),
    ("C0202", "审计与会计", "C02", 3),
    ("C03", "物业管理", "C", 2),
    ("C04", "信息技术服务", "C", 2),
)


async def sync_specialties() -> None:
    """Insert the shipped nodes that are missing; existing rows are left as they are."""
    existing = set(await Specialty.select(Specialty.code).output(as_list=True))
    missing = [
        Specialty(code=code, name=name, parent_code=parent, level=level)
        for code, name, parent, level in SPECIALTIES
        if code not in existing
    ]
    if missing:
        await Specialty.insert(*missing)


class SpecialtyNode(msgspec.Struct):
    code: str
    name: str
    level: int
    children: list[SpecialtyNode]


async def specialty_names(codes: list[str] | None = None) -> dict[str, str]:
    """Code → name, of the given codes (every code when None)."""
    query = Specialty.select(Specialty.code, Specialty.name).order_by(Specialty.code)
    if codes is not None:
        query = query.where(Specialty.code.is_in(codes or [""]))
    return {r["code"]: r["name"] for r in await query}


async def specialty_tree() -> list[SpecialtyNode]:
    rows = await Specialty.select().order_by(Specialty.code)
    nodes = {r["code"]: SpecialtyNode(r["code"], r["name"], r["level"], []) for r in rows}
    roots = []
    for r in rows:
        parent = nodes.get(r["parent_code"] or "")
        (parent.children if parent else roots).append(nodes[r["code"]])
    return roots
