"""Reading published announcements: a sub-site's own, or all listed tenants' on the main portal.

Pages have no total count: a page fetches one row more than it shows to know whether another
follows, so a list stays cheap over millions of announcements.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from piccolo.columns.combination import Where
from piccolo.engine.postgres import PostgresEngine

from core.data.engine import get_engine
from core.errors import NotFound
from core.tenancy.registry import SLUG_RE, find_tenant_by_slug
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import TenantState
from tenants.announcements.tables import (
    Announcement,
    AnnouncementState,
    AnnouncementType,
    Attachment,
    Category,
)

PER_PAGE = 20
# Tenants whose announcements the main portal shows; a suspended tenant's are withdrawn with it.
LISTED_STATES = (TenantState.active, TenantState.warned, TenantState.admin_revoked)


class Filters(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """List filters, as query parameters. ``tenant`` (a slug) is for the main portal."""

    type: AnnouncementType | None = None
    category: Category | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    keyword: Annotated[str, msgspec.Meta(max_length=50)] = ""
    tenant: Annotated[str, msgspec.Meta(max_length=63)] = ""
    page: Annotated[int, msgspec.Meta(ge=1, le=500)] = 1


class Summary(msgspec.Struct, frozen=True):
    id: int
    type: AnnouncementType
    title: str
    project_code: str
    category: Category
    method: str
    region_code: str
    published_at: dt.datetime
    deadline_at: dt.datetime | None
    corrects: int | None
    tenant_slug: str
    tenant_name: str
    project: int | None = None  # the sub-platform's project it belongs to, if any


class Page(msgspec.Struct, frozen=True):
    items: list[Summary]
    page: int
    has_next: bool


class AttachmentView(msgspec.Struct, frozen=True):
    id: int
    filename: str
    size: int


class Detail(msgspec.Struct, frozen=True):
    summary: Summary
    body_html: str
    attachments: list[AttachmentView]
    corrected_by: list[Summary]  # corrections of this one, newest first
    corrected: Summary | None  # what this correction amends


_SUMMARY = (
    Announcement.id,
    Announcement.type,
    Announcement.title,
    Announcement.project_code,
    Announcement.category,
    Announcement.method,
    Announcement.region_code,
    Announcement.published_at,
    Announcement.deadline_at,
    Announcement.corrects,
    Announcement.tenant.slug.as_alias("tenant_slug"),
    Announcement.tenant.name.as_alias("tenant_name"),
    Announcement.project,
)


async def _summaries(rows: list[dict[str, object]]) -> list[Summary]:
    """The rows as summaries, each source named as its pages name it (the display name),
    from the tenant snapshots every request resolves through, so a change shows at once."""
    names: dict[object, str] = {}
    for slug in {r["tenant_slug"] for r in rows}:
        tenant = await TENANT_CACHE.get(f"slug:{slug}", find_tenant_by_slug, str(slug))
        if tenant is not None:
            names[slug] = tenant.shown_name
    return [
        msgspec.convert(
            {**r, "tenant_name": names.get(r["tenant_slug"], r["tenant_name"])}, Summary
        )
        for r in rows
    ]


def _scope(tenant_id: int | None) -> Where:
    """Published, of this tenant, or (main portal) of every listed tenant."""
    published = Announcement.state == AnnouncementState.published.value
    if tenant_id is not None:
        return published & (Announcement.tenant == tenant_id)  # type: ignore[return-value]
    listed = Announcement.tenant.state.is_in([s.value for s in LISTED_STATES])
    return published & listed  # type: ignore[return-value]


def _keyword(text: str) -> str:
    # LIKE wildcards in a visitor's keyword are taken out rather than escaped (Piccolo's LIKE
    # has no ESCAPE clause); titles and project codes rarely hold them.
    return "".join(ch for ch in text.strip() if ch not in "%_\\")


async def search(tenant_id: int | None, filters: Filters) -> Page:
    query = Announcement.select(*_SUMMARY).where(_scope(tenant_id))
    if filters.type is not None:
        query = query.where(Announcement.type == filters.type.value)
    if filters.category is not None:
        query = query.where(Announcement.category == filters.category.value)
    if filters.published_from is not None:
        start = dt.datetime.combine(filters.published_from, dt.time(), dt.UTC)
        query = query.where(Announcement.published_at >= start)
    if filters.published_to is not None:
        end = dt.datetime.combine(filters.published_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(Announcement.published_at < end)
    if keyword := _keyword(filters.keyword):
        pattern = f"%{keyword}%"
        # SQLite's LIKE is already case-insensitive for ASCII; PostgreSQL needs ILIKE.
        postgres = isinstance(get_engine(), PostgresEngine)
        title = Announcement.title.ilike if postgres else Announcement.title.like
        code = Announcement.project_code.ilike if postgres else Announcement.project_code.like
        query = query.where(title(pattern) | code(pattern))
    if tenant_id is None and filters.tenant:
        # By the tenant's id, not through the join on its slug: then the planner walks the
        # tenant's own index in page order instead of every tenant's, filtering. The id comes
        # from the snapshot the resolver keeps, not from a query of its own; what cannot be a
        # slug is not looked up, so a visitor cannot fill that cache with misses.
        source = None
        if SLUG_RE.fullmatch(filters.tenant):
            key = f"slug:{filters.tenant}"
            source = await TENANT_CACHE.get(key, find_tenant_by_slug, filters.tenant)
        if source is None or source.state not in LISTED_STATES:
            return Page([], filters.page, has_next=False)
        query = query.where(Announcement.tenant == source.id)
    rows = (
        await query.order_by(Announcement.published_at, ascending=False)
        .order_by(Announcement.id, ascending=False)
        .limit(PER_PAGE + 1)
        .offset((filters.page - 1) * PER_PAGE)
    )
    return Page(await _summaries(rows[:PER_PAGE]), filters.page, len(rows) > PER_PAGE)


async def latest(tenant_id: int | None, type: AnnouncementType, limit: int = 6) -> list[Summary]:
    rows = (
        await Announcement.select(*_SUMMARY)
        .where(_scope(tenant_id) & (Announcement.type == type.value))
        .order_by(Announcement.published_at, ascending=False)
        .limit(limit)
    )
    return await _summaries(rows)


async def detail(tenant_id: int | None, announcement_id: int) -> Detail:
    """A published announcement of this tenant (or of any listed tenant on the main portal)."""
    row = (
        await Announcement.select(*_SUMMARY, Announcement.body_html)
        .where(_scope(tenant_id) & (Announcement.id == announcement_id))
        .first()
    )
    if row is None:
        raise NotFound("公告不存在 / no such announcement")
    (summary,) = await _summaries([row])
    files = await Attachment.select(Attachment.id, Attachment.filename, Attachment.size).where(
        Attachment.announcement == announcement_id
    )
    corrections = (
        await Announcement.select(*_SUMMARY)
        .where(_scope(tenant_id) & (Announcement.corrects == announcement_id))
        .order_by(Announcement.published_at, ascending=False)
    )
    corrected = None
    if summary.corrects is not None:
        target = (
            await Announcement.select(*_SUMMARY)
            .where(_scope(tenant_id) & (Announcement.id == summary.corrects))
            .first()
        )
        corrected = (await _summaries([target]))[0] if target else None
    return Detail(
        summary,
        str(row["body_html"]),
        [msgspec.convert(f, AttachmentView) for f in files],
        await _summaries(corrections),
        corrected,
    )


async def attachment_of(tenant_id: int | None, announcement_id: int, attachment_id: int) -> dict:
    """A published announcement's file, found through its tenant like the announcement."""
    await detail(tenant_id, announcement_id)  # published and visible here, or NotFound
    row = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.announcement == announcement_id))
        .first()
    )
    if row is None:
        raise NotFound("附件不存在 / no such attachment")
    return row


async def deadlines(tenant_id: int, start: dt.datetime, end: dt.datetime) -> list[Summary]:
    """The tenant's published announcements whose deadline falls in [start, end), soonest first."""
    rows = (
        await Announcement.select(*_SUMMARY)
        .where(
            _scope(tenant_id)
            & (Announcement.deadline_at >= start)
            & (Announcement.deadline_at < end)
        )
        .order_by(Announcement.deadline_at)
        .limit(200)
    )
    return await _summaries(rows)
