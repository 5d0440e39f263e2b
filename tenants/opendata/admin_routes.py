"""Head office's push of every sub-platform's open data (全平台数据上报): a page listing what
waits and each sub-platform's latest push with its rejected records, a button that runs the
push for all of them, and the same push as JSON with the combined report."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, requires, signed_in
from core.errors import DomainError
from core.flash import flash
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import refusals
from core.settings import get_settings
from core.tenancy.site import Site
from tenants.opendata import push

HOME = "/admin/opendata/"


async def _push_every_tenant(request: Request[Any, Any, Any]) -> list[push.TenantPush]:
    return await push.push_every_tenant(
        request.app.state.authorizer,
        signed_in(request),
        request.app.state.object_storage,
        get_settings().public_service_platform_code,
        context_of(request),
    )


class OpenDataAdminApi(Controller):
    path = "/api/admin/opendata"
    tags = ["opendata"]  # noqa: RUF012
    guards = [main_portal_only, requires("opendata", "push")]  # noqa: RUF012

    @post(
        "/pushes",
        status_code=201,
        operation_id="pushOpenDataOfEveryTenant",
        responses=refusals(401, 403, 404),
    )
    async def push_all(self, request: Request[Any, Any, Any]) -> list[push.TenantPush]:
        """Push every sub-platform's pending records, each sub-platform all or none: per
        sub-platform its report (pushed, or rejected with every failing record and why; no
        ``push_id`` when nothing was pending) or the error that stopped it."""
        return await _push_every_tenant(request)


class OpenDataAdminPages(Controller):
    """全平台数据上报: what waits on each sub-platform, its latest push, and the button."""

    path = "/admin/opendata"
    include_in_schema = False
    guards = [main_portal_only, requires("opendata", "push")]  # noqa: RUF012

    @get("/")
    async def index(self, site: NamedDependency[Site]) -> Template:
        return await _page(site)

    @post("/pushes", status_code=303)
    async def push_all(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Redirect | Template:
        try:
            done = await _push_every_tenant(request)
        except DomainError as exc:
            return await _page(site, exc.message, exc.status_code)
        back = Redirect(HOME, status_code=303)
        if any(d.error for d in done):
            return flash(back, "flash.opendata.hq_raced")
        if all(d.report is None or d.report.push_id is None for d in done):
            return flash(back, "flash.opendata.nothing")
        return flash(back, "flash.opendata.hq_done")


async def _page(site: Site, error: str | None = None, status_code: int = 200) -> Template:
    return Template(
        "admin/opendata.html",
        status_code=status_code,
        context={"site": site, "standings": await push.standings(), "error": error},
    )


register_nav(NavEntry("nav.admin.opendata", "/admin/opendata", "opendata", "push", "hq", 45))
