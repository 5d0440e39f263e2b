"""Writing announcements: draft, edit, attach, publish, correct (service standard §6.4.1).

A published announcement is never edited in place: a correction (更正公告) names the published
announcement it amends, in the same tenant, and both stay visible. Bodies are sanitised when
written. Each change is authorised in the tenant's domain and audited in its transaction; the
tenant's portal pages (and the main portal's) are invalidated once a publication commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Annotated

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.data.engine import get_engine, write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.openapi import RowId
from core.richtext import plain_text, sanitise
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.regions import region_exists
from core.tenancy.registry import TenantRef
from tenants.announcements.files import check_attachment
from tenants.announcements.tables import (
    Announcement,
    AnnouncementState,
    AnnouncementType,
    Attachment,
    Category,
    ProcurementMethod,
)
from tenants.projects import stages
from themes.cache import PORTAL_CACHE

NOT_FOUND = "公告不存在 / no such announcement"
MAX_ATTACHMENTS = 20


class AnnouncementDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What staff write. ``corrects`` names the announcement a correction amends."""

    type: AnnouncementType
    title: Annotated[str, msgspec.Meta(min_length=4, max_length=200)]
    project_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9\-_/（）()\[\]]{3,60}$")]
    category: Category
    method: ProcurementMethod
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    body_html: Annotated[str, msgspec.Meta(min_length=1, max_length=200_000)]
    deadline_at: dt.datetime | None = None
    corrects: RowId | None = None
    project: RowId | None = None  # the tenant's project it belongs to (tenants.projects)


def _domain(tenant: TenantRef) -> str:
    return tenant_domain(tenant.id)


async def announcement_of(tenant_id: int, announcement_id: int) -> dict[str, object]:
    """The tenant's announcement; another tenant's is "no such announcement", like a missing one."""
    row = (
        await Announcement.select()
        .where((Announcement.id == announcement_id) & (Announcement.tenant == tenant_id))
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def _checked(tenant: TenantRef, draft: AnnouncementDraft) -> dict[object, object]:
    """The draft's column values, once every rule holds."""
    if not await region_exists(draft.region_code):
        raise DomainError("地区代码不存在 / unknown region code", detail={"field": "region_code"})
    if draft.deadline_at is not None:
        if draft.deadline_at.tzinfo is None:
            raise DomainError(
                "截止时间须带时区 / the deadline needs a time zone", detail={"field": "deadline_at"}
            )
        if draft.deadline_at <= dt.datetime.now(dt.UTC):
            raise DomainError(
                "截止时间须晚于现在 / the deadline must be in the future",
                detail={"field": "deadline_at"},
            )
    if draft.type is AnnouncementType.correction:
        if draft.corrects is None:
            raise DomainError(
                "更正公告须指明所更正的公告 / a correction names what it corrects",
                detail={"field": "corrects"},
            )
        target = await announcement_of(tenant.id, draft.corrects)
        if target["state"] != AnnouncementState.published.value:
            raise DomainError(
                "只能更正已发布的公告 / only a published announcement is corrected",
                detail={"field": "corrects"},
            )
        if draft.project is not None and draft.project != target["project"]:
            raise DomainError(
                "更正公告与所更正的公告须属于同一项目 / a correction belongs to its "
                "announcement's project",
                detail={"field": "project"},
            )
        project_id = target["project"]  # a correction is of its announcement's project
    elif draft.corrects is not None:
        raise DomainError(
            "只有更正公告可以指明所更正的公告 / only a correction names what it corrects",
            detail={"field": "corrects"},
        )
    else:
        project_id = draft.project
    body = sanitise(draft.body_html)
    if not body:
        raise DomainError("正文不能为空 / the body is empty", detail={"field": "body_html"})
    if draft.type is AnnouncementType.termination:
        _check_termination(draft, project_id, body)
    code, category, method = draft.project_code, draft.category.value, draft.method.value
    if project_id is not None:  # the project's own code, category and method
        project = await stages.project_of_announcement(
            tenant,
            project_id,  # type: ignore[arg-type]
            draft.type,
            draft.deadline_at,
        )
        code, category, method = project["code"], project["category"], project["method"]
    return {
        Announcement.type: draft.type.value,
        Announcement.title: draft.title.strip(),
        Announcement.project_code: code,
        Announcement.category: category,
        Announcement.method: method,
        Announcement.region_code: draft.region_code,
        Announcement.body_html: body,
        Announcement.deadline_at: draft.deadline_at,
        Announcement.corrects: draft.corrects,
        Announcement.project: project_id,
    }


def _check_termination(draft: AnnouncementDraft, project_id: object, body: str) -> None:
    """A termination notice ends one project, and its body is the reason (87号令 29:
    终止时应当说明原因); it sets no deadline."""
    if project_id is None:
        raise DomainError(
            "终止公告须指明所终止的项目 / a termination names its project",
            detail={"field": "project"},
        )
    if not plain_text(body):
        raise DomainError(
            "终止公告须在正文中说明终止原因 / a termination states its reason in the body",
            detail={"field": "body_html"},
        )
    if draft.deadline_at is not None:
        raise DomainError(
            "终止公告没有截止时间 / a termination has no deadline",
            detail={"field": "deadline_at"},
        )


async def create(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    draft: AnnouncementDraft,
    context: RequestContext | None = None,
) -> int:
    await authorize(authorizer, principal, _domain(tenant), "announcement", "manage")
    values = await _checked(tenant, draft)
    async with write_transaction():
        rows = await Announcement.insert(
            Announcement(
                tenant=tenant.id,
                created_by=principal.account_id,
                **{column._meta.name: value for column, value in values.items()},  # type: ignore[attr-defined]
            )
        ).returning(Announcement.id)
        announcement_id = int(rows[0]["id"])
        await record(
            actor=principal.actor,
            action="announcement.create",
            object=f"announcement:{announcement_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return announcement_id


async def _locked_draft(tenant_id: int, announcement_id: int) -> dict[str, object]:
    if isinstance(get_engine(), PostgresEngine):
        await Announcement.raw(
            "SELECT id FROM announcement WHERE id = {} AND tenant = {} FOR UPDATE",
            announcement_id,
            tenant_id,
        )
    return await announcement_of(tenant_id, announcement_id)


def _refuse_published(row: dict[str, object]) -> None:
    if row["state"] == AnnouncementState.published.value:
        raise DomainError(
            "已发布的公告不能修改，请发布更正公告 / a published announcement is not edited: "
            "publish a correction",
            detail={"field": "state"},
        )


async def update(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    announcement_id: int,
    draft: AnnouncementDraft,
    context: RequestContext | None = None,
) -> None:
    await authorize(authorizer, principal, _domain(tenant), "announcement", "manage")
    values = await _checked(tenant, draft)
    async with write_transaction():
        _refuse_published(await _locked_draft(tenant.id, announcement_id))
        await Announcement.update(
            {**values, Announcement.updated_at: dt.datetime.now(dt.UTC)}
        ).where((Announcement.id == announcement_id) & (Announcement.tenant == tenant.id))
        await record(
            actor=principal.actor,
            action="announcement.update",
            object=f"announcement:{announcement_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def publish(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    announcement_id: int,
    context: RequestContext | None = None,
) -> dt.datetime:
    """Publish a draft; publishing it again answers with the first publication time."""
    await authorize(authorizer, principal, _domain(tenant), "announcement", "publish")
    async with write_transaction():
        row = await _locked_draft(tenant.id, announcement_id)
        if row["state"] == AnnouncementState.published.value:
            return row["published_at"]  # type: ignore[return-value]
        now = dt.datetime.now(dt.UTC)
        deadline = row["deadline_at"]
        if isinstance(deadline, dt.datetime) and deadline <= now:
            raise DomainError(
                "截止时间已过，请先修改 / the deadline has passed: edit it first",
                detail={"field": "deadline_at"},
            )
        await Announcement.update(
            {
                Announcement.state: AnnouncementState.published.value,
                Announcement.published_at: now,
                Announcement.updated_at: now,
            }
        ).where(Announcement.id == announcement_id)
        await stages.on_published(tenant, row, now, principal, context)
        await record(
            actor=principal.actor,
            action="announcement.publish",
            object=f"announcement:{announcement_id}",
            tenant_id=tenant.id,
            context=context,
        )
    await PORTAL_CACHE.invalidate(tenant.id)
    return now


async def attach(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    announcement_id: int,
    filename: str,
    data: bytes,
    context: RequestContext | None = None,
) -> int:
    """Attach a file to a draft: stored first, and removed again if its row is not written."""
    await authorize(authorizer, principal, _domain(tenant), "announcement", "manage")
    _refuse_published(await announcement_of(tenant.id, announcement_id))
    content_type = check_attachment(filename, data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    key = ObjectKey.for_tenant(
        tenant.id, "announcements", str(announcement_id), f"{uuid.uuid4().hex}-{digest}"
    )
    await storage.put(key, data, content_type)
    try:
        async with write_transaction():
            _refuse_published(await _locked_draft(tenant.id, announcement_id))
            count = await Attachment.count().where(Attachment.announcement == announcement_id)
            if count >= MAX_ATTACHMENTS:
                raise DomainError(
                    f"附件最多 {MAX_ATTACHMENTS} 个 / at most {MAX_ATTACHMENTS} files"
                )
            rows = await Attachment.insert(
                Attachment(
                    tenant=tenant.id,
                    announcement=announcement_id,
                    filename=filename[-200:],
                    content_type=content_type,
                    size=len(data),
                    object_key=key.value,
                )
            ).returning(Attachment.id)
            await record(
                actor=principal.actor,
                action="announcement.attach",
                object=f"announcement:{announcement_id}",
                tenant_id=tenant.id,
                context=context,
            )
    except BaseException:
        await discard(storage, key)
        raise
    return int(rows[0]["id"])
