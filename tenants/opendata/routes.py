"""Open data over HTTP: the public feed and records as OCDS JSON (on a sub-site that tenant's,
on the main portal every tenant's) with a page listing them; and, in a sub-site's console, the
push upward with its reports and the pending records in the national shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter
from litestar.response import Redirect, Template

from core.authz.guards import requires, signed_in, sub_site_only
from core.errors import DomainError
from core.flash import flash
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import refusals
from core.settings import get_settings
from core.tenancy.registry import TenantRef, tenant_names
from core.tenancy.site import Site
from tenants.opendata import feed, national, push
from tenants.opendata.releases import SCHEME
from tenants.opendata.tables import Release

Cursor = Annotated[str, QueryParameter(max_length=40)]
Limit = Annotated[int, QueryParameter(ge=1, le=feed.MAX_LIMIT)]
Ocid = Annotated[str, Parameter(max_length=80)]
PAGE = 50


async def _publisher(site: Site) -> dict[str, str]:
    """The platform publishing the package: a sub-site's operator by its credit code."""
    publisher = {"name": site.name}
    if site.tenant is not None and (code := await national.platform_code(site.tenant.id)):
        publisher |= {"scheme": SCHEME, "uid": code}
    return publisher


def _url(request: Request[Any, Any, Any], site: Site, path: str, **query: object) -> str:
    base = f"{str(request.base_url).rstrip('/')}{site.root_path}{path}"
    return f"{base}?{urlencode(query)}" if query else base


def _tenant_of(site: Site) -> int | None:
    return None if site.tenant is None else site.tenant.id


class OpenDataApi(Controller):
    path = "/api/opendata"
    tags = ["opendata"]  # noqa: RUF012

    @get("/releases", operation_id="listOpenDataReleases", responses=refusals(400))
    async def releases(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        cursor: Cursor = "",
        limit: Limit = feed.DEFAULT_LIMIT,
    ) -> dict[str, Any]:
        """OCDS release package of the releases after ``cursor``, oldest first; ``links.next``
        carries the cursor to go on with (the same when nothing newer is there yet)."""
        found = await feed.page(_tenant_of(site), cursor, limit)
        return {
            "uri": _url(request, site, "/api/opendata/releases", cursor=cursor, limit=limit),
            "publishedDate": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "publisher": await _publisher(site),
            "version": "1.1",
            "releases": found.releases,
            "links": {
                "next": _url(
                    request, site, "/api/opendata/releases", cursor=found.next_cursor, limit=limit
                )
            },
        }

    @get("/records/{ocid:str}", operation_id="getOpenDataRecord", responses=refusals(400, 404))
    async def record(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], ocid: Ocid
    ) -> dict[str, Any]:
        """OCDS record package of one contracting process (``ocid``): its releases and the
        compiled release."""
        return {
            "uri": _url(request, site, f"/api/opendata/records/{ocid}"),
            "publishedDate": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "publisher": await _publisher(site),
            "version": "1.1",
            "records": [await feed.record(_tenant_of(site), ocid)],
        }


class OpenDataPages(Controller):
    """开放数据: the public page of the latest releases, with links to their JSON."""

    path = "/opendata"
    include_in_schema = False

    @get("/")
    async def index(self, site: NamedDependency[Site], cursor: Cursor = "") -> Template:
        try:
            found, error = await feed.page(_tenant_of(site), cursor, PAGE), None
        except DomainError as exc:
            found, error = feed.FeedPage([], ""), exc.message
        return Template(
            "opendata/index.html",
            status_code=400 if error else 200,
            context={
                "site": site,
                "rows": [_row(r) for r in found.releases],
                "next_cursor": found.next_cursor if len(found.releases) == PAGE else "",
                "error": error,
                "tenant_names": await tenant_names() if site.tenant is None else {},
            },
        )


def _row(release: dict) -> dict[str, object]:
    """What the page shows of a release: its kind, time, title (an amendment's: the
    correction's; a cancellation's: the termination notice's) and amount."""
    kind = release["tag"][0]
    if kind == "tender":
        title, value = release["tender"]["title"], release["tender"].get("value")
    elif kind == "tenderAmendment":
        title, value = release["tender"]["amendments"][0]["rationale"], None
    elif kind == "tenderCancellation":
        title, value = release["tender"]["amendments"][0]["description"], None
    elif kind == "award":
        award = release["awards"][0]
        names = "、".join(s["name"] for s in award["suppliers"])
        title, value = f"{award['title']} · {names}", award["value"]
    else:
        title, value = release["contracts"][0]["title"], release["contracts"][0]["value"]
    return {
        "kind": kind,
        "date": dt.datetime.fromisoformat(release["date"]),
        "title": title,
        "amount": value["amount"] if value else None,
        "ocid": release["ocid"],
        "tenant_id": int(release["ocid"].split("-")[2]),
    }


class OpenDataConsoleApi(Controller):
    path = "/api/console/opendata"
    tags = ["opendata"]  # noqa: RUF012
    guards = [sub_site_only, requires("opendata", "push")]  # noqa: RUF012

    @get("/national", operation_id="listNationalRecords", responses=refusals(401, 403, 404))
    async def national_records(self, tenant: NamedDependency[TenantRef]) -> list[dict[str, Any]]:
        """The records not yet pushed, in the national data specification's shape."""
        _, rows = await push.pending_rows(
            tenant, get_settings().public_service_platform_code, dt.datetime.now(dt.UTC)
        )
        return rows

    @get("/pushes", operation_id="listOpenDataPushes", responses=refusals(401, 403, 404))
    async def pushes(self, tenant: NamedDependency[TenantRef]) -> list[push.PushView]:
        """The latest pushes and their reports, newest first."""
        return await push.pushes_of(tenant)

    @post(
        "/pushes",
        status_code=201,
        operation_id="pushOpenData",
        responses=refusals(400, 401, 403, 404),
    )
    async def push_now(
        self, request: Request[Any, Any, Any], tenant: NamedDependency[TenantRef]
    ) -> push.PushReport:
        """Check every pending record and push them all, or none when one fails (the report
        names each failing record and why); nothing pending: nothing is pushed."""
        return await _push(request, tenant)


async def _push(request: Request[Any, Any, Any], tenant: TenantRef) -> push.PushReport:
    return await push.push(
        request.app.state.authorizer,
        signed_in(request),
        request.app.state.object_storage,
        tenant,
        get_settings().public_service_platform_code,
        context_of(request),
    )


class OpenDataConsolePages(Controller):
    """数据上报: the pending records, the push button and the reports of the latest pushes."""

    path = "/console/opendata"
    include_in_schema = False
    guards = [sub_site_only, requires("opendata", "push")]  # noqa: RUF012

    @get("/")
    async def index(
        self, site: NamedDependency[Site], tenant: NamedDependency[TenantRef]
    ) -> Template:
        return await _console_page(site, tenant)

    @post("/pushes", status_code=303)
    async def push_now(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
    ) -> Redirect | Template:
        try:
            report = await _push(request, tenant)
        except DomainError as exc:
            return await _console_page(site, tenant, exc.message, exc.status_code)
        back = Redirect(f"{site.root_path}/console/opendata/", status_code=303)
        if report.push_id is None:
            return flash(back, "flash.opendata.nothing")
        return flash(back, f"flash.opendata.{report.state}")


async def _console_page(
    site: Site, tenant: TenantRef, error: str | None = None, status_code: int = 200
) -> Template:
    pending = await Release.count().where(
        (Release.tenant == tenant.id) & Release.pushed_in.is_null()
    )
    return Template(
        "opendata/console.html",
        status_code=status_code,
        context={
            "site": site,
            "pending": pending,
            "pushes": await push.pushes_of(tenant),
            "error": error,
        },
    )


register_nav(
    NavEntry("nav.console.opendata", "/console/opendata", "opendata", "push", "tenant", 40)
)
