"""The workbench (工作台): one page per person listing what waits for them.

Each area registers its sections with the permission that makes the work that person's (the
same decision as the page it links to); the page shows the sections the person holds, each with
the items its ``load`` finds. Sections are data, registered by the modules that own the work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from core.authz.authorizer import Authorizer
from core.authz.guards import requires_active, signed_in
from core.identity.principal import Principal
from core.navigation import Where, may_open, shown_on
from core.tenancy.site import Site
from themes.i18n import locale_of

ITEMS_SHOWN = 10


@dataclass(frozen=True)
class WorkItem:
    text: str  # in the reader's words
    href: str  # within the site
    note: str = ""  # e.g. its state or since when it waits


@dataclass(frozen=True)
class WorkbenchContext:
    principal: Principal
    site: Site
    locale: str
    authorizer: Authorizer


@dataclass(frozen=True)
class Section:
    key: str  # message key of its title
    obj: str  # the permission that makes this work the person's
    act: str
    load: Callable[[WorkbenchContext], Awaitable[list[WorkItem]]]
    link: str = ""  # the page with all of it, within the site
    where: Where = "any"
    order: int = 100
    # Replaces the permission test where one permission does not decide it (region grants,
    # account kind), as for navigation entries.
    check: Callable[[Authorizer, Principal, Site], Awaitable[bool]] | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.key] = section


async def sections_for(ctx: WorkbenchContext) -> list[tuple[Section, list[WorkItem]]]:
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if not shown_on(section.where, ctx.site):
            continue
        if section.check is not None:
            allowed = await section.check(ctx.authorizer, ctx.principal, ctx.site)
        else:
            allowed = await may_open(
                ctx.authorizer, ctx.principal, ctx.site, section.obj, section.act
            )
        if allowed:
            shown.append((section, (await section.load(ctx))[:ITEMS_SHOWN]))
    return shown


@get("/workbench", guards=[requires_active], include_in_schema=False)
async def workbench_page(request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
    ctx = WorkbenchContext(
        principal=signed_in(request),
        site=site,
        locale=locale_of(request),
        authorizer=request.app.state.authorizer,
    )
    return Template("workbench.html", context={"site": site, "sections": await sections_for(ctx)})
