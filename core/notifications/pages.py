"""The notices centre (通知中心) on every site: the signed-in person's own notices."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.authorizer import Authorizer
from core.authz.guards import requires_active, signed_in
from core.errors import NotFound
from core.flash import flash
from core.identity.principal import Principal
from core.navigation import NavEntry, register_nav
from core.notifications.service import mark_read, notices_for
from core.openapi import PathId
from core.tenancy.site import Site


class NoticePages(Controller):
    path = "/account/notices"
    include_in_schema = False
    guards = [requires_active]  # noqa: RUF012

    @get("/")
    async def page(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        notices = await notices_for(signed_in(request).account_id)
        return Template("notices.html", context={"site": site, "notices": notices})

    @post("/{notice_id:int}/read", status_code=303)
    async def read(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], notice_id: PathId
    ) -> Redirect:
        if not await mark_read(signed_in(request).account_id, notice_id):
            raise NotFound("通知不存在 / no such notice")
        return flash(
            Redirect(f"{site.root_path}/account/notices/", status_code=303), "flash.notice_read"
        )


async def _everyone(_: Authorizer, __: Principal, ___: Site) -> bool:
    return True  # every signed-in person has notices of their own


register_nav(
    NavEntry("nav.my_notices", "/account/notices", "notice", "read", "any", 5, check=_everyone)
)
