"""通知公告栏 — notices board: the tenant's own notices to suppliers (service hours, system
maintenance, policy news), as a home block and a page. The notices are the plugin's settings,
so they change through the same request head office approves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency

from core.tenancy.site import Site
from plugins.registry import Block, NavEntry, PluginSpec, register, requires_plugin
from themes.portal import portal_page

NAME = "notices_board"


class Notice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    text: Annotated[str, msgspec.Meta(max_length=1000)] = ""  # plain text, shown escaped
    date: dt.date | None = None


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    heading: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] = "通知公告"
    notices: Annotated[tuple[Notice, ...], msgspec.Meta(max_length=20)] = ()
    block_size: Annotated[int, msgspec.Meta(ge=1, le=10)] = 5


async def latest(_tenant_id: int, settings: Settings, _locale: str) -> dict[str, object]:
    return {"heading": settings.heading, "notices": settings.notices[: settings.block_size]}


@get("/notices", guards=[requires_plugin(NAME)], include_in_schema=False)
async def notices_page(
    request: Request[Any, Any, Any], site: NamedDependency[Site]
) -> Response[bytes]:
    """Every notice on the board, in the order the tenant gave them."""

    async def build(portal: Any) -> dict[str, object]:
        return {"settings": portal.granted(NAME).settings}

    return await portal_page(request, site, f"{NAME}/page.html", "notices", build=build)


SPEC = register(
    PluginSpec(
        name=NAME,
        title=("通知公告栏", "Notices board"),
        description=(
            "在首页和“通知公告”页面发布本平台的通知（服务时间、系统维护、政策动态等）。",
            "The sub-platform's own notices (hours, maintenance, policy news) on the home "
            "page and a notices page.",
        ),
        version="1.0",
        settings=Settings,
        templates=Path(__file__).parent / "templates",
        routes=(notices_page,),
        blocks=(Block(f"{NAME}/block.html", latest),),
        nav=(NavEntry(("通知公告", "Notices"), "/notices"),),
    )
)
