"""Announcements over HTTP: public pages and JSON (a sub-site's own; on the main portal, every
listed sub-platform's), and the tenant staff's JSON API for writing them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect

from core.authz.guards import requires, requires_active, signed_in, sub_site_only
from core.chrome import chrome_of
from core.errors import DomainError
from core.flash import flash
from core.forms import Multipart
from core.identity.routes import context_of
from core.openapi import PathId, refusals
from core.storage import ObjectKey, ObjectMissing
from core.storage.routes import SAFE_HEADERS
from core.tenancy.registry import TenantRef
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.site import Site
from tenants.announcements import participation, queries, service
from tenants.announcements.queries import LISTED_STATES, Detail, Filters, Page
from tenants.announcements.service import AnnouncementDraft
from tenants.announcements.tables import (
    METHOD_LABELS,
    TYPE_LABELS,
    Announcement,
    AnnouncementType,
    Category,
)
from themes.portal import Portal, portal_page


def filters_of(request: Request[Any, Any, Any]) -> Filters:
    """The list filters from the query string; an empty field is no filter."""
    raw = {k: v for k, v in request.query_params.items() if v != ""}
    try:
        return msgspec.convert(raw, Filters, strict=False)
    except msgspec.ValidationError as exc:
        raise DomainError(f"查询条件不正确 / invalid filter: {exc}") from None


def _tenant_id(site: Site) -> int | None:
    return None if site.tenant is None else site.tenant.id


def _labels() -> dict[str, object]:
    return {"labels": TYPE_LABELS, "methods": METHOD_LABELS}


class AnnouncementPages(Controller):
    """交易公告 pages: list with filters, detail, printable view, attachments."""

    path = "/announcements"
    include_in_schema = False

    @get("/")
    async def list_page(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Response[bytes]:
        filters = filters_of(request)
        key = "list:" + msgspec.json.encode(filters).decode()

        async def build(_: Portal) -> dict[str, object]:
            base = {k: v for k, v in msgspec.to_builtins(filters).items() if v not in ("", None)}

            def query(page: int) -> str:
                return urlencode({**base, "page": page})

            tenants = []
            if site.is_main_portal:
                tenants = [(t.slug, t.shown_name) for t in await TENANT_CACHE.listed(LISTED_STATES)]
            return {
                "filters": filters,
                "page": await queries.search(_tenant_id(site), filters),
                "types": list(AnnouncementType),
                "categories": list(Category),
                "tenants": tenants,
                "query": query,
                **_labels(),
            }

        # Keyword and date searches are rendered afresh: cached, every distinct search would
        # stay in the store for its TTL, which a visitor could use to fill it.
        bounded = not (
            filters.keyword or filters.published_from or filters.published_to or filters.tenant
        )
        return await portal_page(
            request, site, "announcements/list.html", key, build=build, cache=bounded
        )

    async def _detail_page(
        self, request: Request[Any, Any, Any], site: Site, announcement_id: int, template: str
    ) -> Response[bytes]:
        async def build(_: Portal) -> dict[str, object]:
            detail = await queries.detail(_tenant_id(site), announcement_id)
            return {
                "detail": detail,
                "participation": await participation.as_seen_by(
                    chrome_of(request).viewer, site, detail
                ),
                **_labels(),
            }

        return await portal_page(
            request, site, template, f"{template}:{announcement_id}", build=build
        )

    @get("/{announcement_id:int}")
    async def detail_page(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        announcement_id: PathId,
    ) -> Response[bytes]:
        return await self._detail_page(request, site, announcement_id, "announcements/detail.html")

    @post(
        "/{announcement_id:int}/participation",
        guards=[sub_site_only, requires_active],
        status_code=303,
    )
    async def take_part(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
    ) -> Redirect:
        """报名 from the announcement's page; a refusal answers a page with its reason."""
        await participation.take_part(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            announcement_id,
            context_of(request),
        )
        page = Redirect(f"{site.root_path}/announcements/{announcement_id}", status_code=303)
        return flash(page, "flash.participated")

    @get("/{announcement_id:int}/print")
    async def print_page(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        announcement_id: PathId,
    ) -> Response[bytes]:
        return await self._detail_page(request, site, announcement_id, "announcements/print.html")

    @get("/{announcement_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        site: NamedDependency[Site],
        state: State,
        announcement_id: PathId,
        attachment_id: PathId,
    ) -> Response[bytes]:
        row = await queries.attachment_of(_tenant_id(site), announcement_id, attachment_id)
        try:
            data = await state.object_storage.get(ObjectKey(row["object_key"]))
        except ObjectMissing:
            raise NotFoundException() from None
        media_type = row["content_type"]  # what the upload was checked to be
        filename = urlencode({"": row["filename"]})[1:]
        headers = {
            **SAFE_HEADERS,
            "Cache-Control": "public, max-age=300",
            "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
        }
        return Response(data, media_type=media_type, headers=headers)


class PublicAnnouncementApi(Controller):
    """Published announcements as JSON, with the list page's filters."""

    path = "/api/announcements"
    tags = ["announcements"]  # noqa: RUF012

    @get("/", operation_id="listAnnouncements", responses=refusals(400))
    async def list_announcements(
        self,
        site: NamedDependency[Site],
        type: FromQuery[AnnouncementType | None] = None,
        category: FromQuery[Category | None] = None,
        published_from: FromQuery[dt.date | None] = None,
        published_to: FromQuery[dt.date | None] = None,
        keyword: Annotated[str, QueryParameter(max_length=50)] = "",
        source: Annotated[str, QueryParameter(name="tenant", max_length=63)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=500)] = 1,
    ) -> Page:
        """Newest first, 20 a page; ``tenant`` (a sub-domain) filters on the main portal."""
        filters = Filters(type, category, published_from, published_to, keyword, source, page)
        return await queries.search(_tenant_id(site), filters)

    @get("/{announcement_id:int}", operation_id="getAnnouncement", responses=refusals(400, 404))
    async def get_announcement(
        self, site: NamedDependency[Site], announcement_id: PathId
    ) -> Detail:
        return await queries.detail(_tenant_id(site), announcement_id)


class StaffAnnouncement(msgspec.Struct):
    """An announcement as its tenant's staff see it, drafts included."""

    id: int
    type: AnnouncementType
    title: str
    project_code: str
    category: Category
    method: str
    region_code: str
    body_html: str
    state: str
    corrects: int | None
    deadline_at: dt.datetime | None
    published_at: dt.datetime | None
    project: int | None  # the tenant's project it belongs to


STAFF_COLUMNS = [getattr(Announcement, name) for name in StaffAnnouncement.__struct_fields__]


class Created(msgspec.Struct):
    id: int


class Published(msgspec.Struct):
    published_at: dt.datetime


class AttachmentUpload(msgspec.Struct):
    file: UploadFile


class AnnouncementApi(Controller):
    """The tenant's staff write announcements (发布公告): drafts, edits, files, publication."""

    path = "/api/console/announcements"
    tags = ["announcements"]  # noqa: RUF012
    guards = [sub_site_only, requires("announcement", "manage")]  # noqa: RUF012

    @get("/", operation_id="listOwnAnnouncements", responses=refusals(401, 403, 404))
    async def list_own(self, tenant: NamedDependency[TenantRef]) -> list[StaffAnnouncement]:
        """The tenant's announcements, drafts first, newest first (at most 500)."""
        rows = (
            await Announcement.select(*STAFF_COLUMNS)
            .where(Announcement.tenant == tenant.id)
            .order_by(Announcement.state)
            .order_by(Announcement.id, ascending=False)
            .limit(500)
        )
        return [msgspec.convert(r, StaffAnnouncement) for r in rows]

    @post(
        "/",
        operation_id="createAnnouncement",
        status_code=201,
        responses=refusals(400, 401, 403, 404),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        data: JSONBody[AnnouncementDraft],
    ) -> Created:
        """A new draft; a correction names the published announcement it corrects."""
        announcement_id = await service.create(
            request.app.state.authorizer, signed_in(request), tenant, data, context_of(request)
        )
        return Created(announcement_id)

    @put(
        "/{announcement_id:int}",
        operation_id="updateAnnouncement",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
        data: JSONBody[AnnouncementDraft],
    ) -> None:
        """Edit a draft; a published announcement is refused (publish a correction)."""
        await service.update(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            announcement_id,
            data,
            context_of(request),
        )

    @post(
        "/{announcement_id:int}/publish",
        operation_id="publishAnnouncement",
        status_code=200,
        responses=refusals(400, 401, 403, 404),
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
    ) -> Published:
        """Publish now; again, the answer is the first publication's time."""
        when = await service.publish(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            announcement_id,
            context_of(request),
        )
        return Published(when)

    @post(
        "/{announcement_id:int}/attachments",
        operation_id="attachToAnnouncement",
        status_code=201,
        responses=refusals(400, 401, 403, 404),
    )
    async def attach(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
        data: Annotated[AttachmentUpload, Multipart],
    ) -> Created:
        """A PDF, OFD, JPEG or PNG file (20 MB at most) for a draft."""
        attachment_id = await service.attach(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            announcement_id,
            data.file.filename,
            await data.file.read(),
            context_of(request),
        )
        return Created(attachment_id)


class ParticipationView(msgspec.Struct):
    id: int
    subject_id: int
    name: str
    credit_code: str
    created_at: dt.datetime


class ParticipationApi(Controller):
    """报名: suppliers take part in this sub-platform's announced procurements."""

    path = "/api/announcements/{announcement_id:int}/participations"
    tags = ["announcements"]  # noqa: RUF012
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    @post(
        "/", operation_id="takePart", status_code=201, responses=refusals(400, 401, 403, 404, 409)
    )
    async def take_part(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
    ) -> Created:
        """Refused before review passes and while a blacklist record is in force."""
        participation_id = await participation.take_part(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            announcement_id,
            context_of(request),
        )
        return Created(participation_id)


@get(
    "/api/console/announcements/{announcement_id:int}/participations",
    operation_id="listParticipations",
    tags=["announcements"],
    guards=[sub_site_only, requires("announcement", "manage")],
    responses=refusals(400, 401, 403, 404),
)
async def list_participations(
    tenant: NamedDependency[TenantRef], announcement_id: PathId
) -> list[ParticipationView]:
    """Who has taken part in the tenant's announcement."""
    await service.announcement_of(tenant.id, announcement_id)
    rows = await participation.participants_of(tenant.id, announcement_id)
    return [msgspec.convert(r, ParticipationView) for r in rows]
