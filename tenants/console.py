"""The tenant staff's console pages (分平台工作台): announcements, branding, plugins.

Server-rendered forms over the same services as the JSON API; they work without JavaScript.
A refused form is shown again with the reason and what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core.authz.guards import requires, signed_in, sub_site_only
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form, Multipart, invalid_input_message
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from plugins import service as plugin_service
from plugins.registry import CATALOGUE
from plugins.service import PluginAction
from tenants import branding
from tenants.announcements import service
from tenants.announcements.participation import participants_of
from tenants.announcements.service import AnnouncementDraft, announcement_of
from tenants.announcements.tables import (
    METHOD_LABELS,
    TYPE_LABELS,
    Announcement,
    AnnouncementState,
    AnnouncementType,
    Attachment,
    Category,
    Participation,
)
from tenants.branding import ChangeRequestBody, ImageKind
from tenants.branding_routes import branding_view, requests_of
from tenants.projects.registration import project_in
from tenants.projects.stages import OPENING
from tenants.projects.tables import Project, Track
from themes.i18n import BEIJING, locale_of, translate
from themes.palette import PALETTE
from themes.tokens import Branding, MenuItem, PageBlock

ANNOUNCEMENT_FIELDS = {
    "type": "console.type",
    "title": "console.title",
    "project_code": "console.project_code",
    "category": "console.category",
    "method": "console.method",
    "region_code": "console.region",
    "body_html": "console.body",
}


BRANDING_FIELDS = {
    name: f"branding.{name}"
    for name in (
        "display_name", "accent", "address", "phone", "email", "hours", "footer_text",
        "filing_number",
    )
}  # fmt: skip
CHANGE_FIELDS = {
    "label": "branding.menu_label",
    "href": "branding.menu_href",
    "title": "branding.block_title",
    "body_html": "branding.block_body",
    "reason": "branding.reason",
    "layout": "branding.layout",
}


class AnnouncementForm(msgspec.Struct):
    """The form's fields as typed; converted to an :class:`AnnouncementDraft` to be checked."""

    type: str = ""
    title: str = ""
    project_code: str = ""
    category: str = ""
    method: str = ""
    region_code: str = ""
    body_html: str = ""
    deadline_at: str = ""  # datetime-local, Beijing time
    corrects: str = ""
    project: str = ""  # the id of the tenant's project it belongs to

    def draft(self) -> AnnouncementDraft:
        deadline = None
        if self.deadline_at:
            try:
                deadline = dt.datetime.fromisoformat(self.deadline_at).replace(tzinfo=BEIJING)
            except ValueError:
                raise DomainError(
                    "截止时间格式不正确 / the deadline is not a date and time",
                    detail={"field": "deadline_at"},
                ) from None
        values = {
            **msgspec.structs.asdict(self),
            "deadline_at": deadline,
            "corrects": int(self.corrects) if re.fullmatch(r"[0-9]{1,12}", self.corrects) else None,
            "project": int(self.project) if re.fullmatch(r"[0-9]{1,12}", self.project) else None,
        }
        try:
            return msgspec.convert(values, AnnouncementDraft, strict=False)
        except msgspec.ValidationError as exc:
            raise DomainError(invalid_input_message(exc, ANNOUNCEMENT_FIELDS)) from None


class BrandingForm(msgspec.Struct):
    display_name: str = ""
    accent: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    footer_text: str = ""
    filing_number: str = ""


class ChangeForm(msgspec.Struct):
    layout: str = "standard"
    menu_label: str = ""
    menu_href: str = ""
    block_title: str = ""
    block_body: str = ""
    reason: str = ""


class PublishForm(msgspec.Struct):
    confirm: str = ""  # "yes": the publish confirmation's box, ticked on the preview page


@dataclass
class ImageForm:
    file: UploadFile


def _form_of(row: dict[str, Any]) -> AnnouncementForm:
    deadline = row["deadline_at"]
    return AnnouncementForm(
        type=row["type"],
        title=row["title"],
        project_code=row["project_code"],
        category=row["category"],
        method=row["method"],
        region_code=row["region_code"],
        body_html=row["body_html"],
        deadline_at=deadline.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M") if deadline else "",
        corrects=str(row["corrects"] or ""),
        project=str(row["project"] or ""),
    )


def _choices() -> dict[str, object]:
    return {"types": TYPE_LABELS, "methods": METHOD_LABELS, "categories": list(Category)}


class ConsolePages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [sub_site_only, requires("announcement", "manage")]  # noqa: RUF012

    def _home(self, site: Site, path: str = "/announcements") -> Redirect:
        return Redirect(f"{site.root_path}/console{path}", status_code=303)

    @get("/announcements")
    async def announcements(
        self, site: NamedDependency[Site], tenant: NamedDependency[TenantRef]
    ) -> Template:
        rows = (
            await Announcement.select(
                Announcement.id,
                Announcement.type,
                Announcement.title,
                Announcement.state,
                Announcement.published_at,
                Announcement.updated_at,
            )
            .where(Announcement.tenant == tenant.id)
            .order_by(Announcement.state)
            .order_by(Announcement.id, ascending=False)
            .limit(200)
        )
        return Template(
            "console/announcements.html",
            context={"site": site, "rows": rows, "types": TYPE_LABELS},
        )

    async def _editor(
        self,
        site: Site,
        tenant: TenantRef,
        form: AnnouncementForm,
        *,
        announcement_id: int | None = None,
        state: str = "draft",
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        files, participants = [], []
        if announcement_id is not None:
            files = await Attachment.select(Attachment.id, Attachment.filename).where(
                (Attachment.announcement == announcement_id) & (Attachment.tenant == tenant.id)
            )
            participants = await participants_of(tenant.id, announcement_id)
        project_title = None
        if re.fullmatch(r"[0-9]{1,12}", form.project):
            project = await Project.select(Project.title).where(
                (Project.id == int(form.project)) & (Project.tenant == tenant.id)
            )
            project_title = project[0]["title"] if project else None
        corrected_title = None
        if re.fullmatch(r"[0-9]{1,12}", form.corrects):
            try:
                corrected_title = (await announcement_of(tenant.id, int(form.corrects)))["title"]
            except NotFound:
                corrected_title = None  # the draft says it corrects nothing of this tenant's
        return Template(
            "console/announcement.html",
            status_code=status_code,
            context={
                "site": site,
                "form": form,
                "announcement_id": announcement_id,
                "state": state,
                "files": files,
                "participants": participants,
                "corrected_title": corrected_title,
                "project_title": project_title,
                "error": error,
                **_choices(),
            },
        )

    @get("/announcements/new")
    async def new(
        self,
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        corrects: FromQuery[int | None] = None,
        project: FromQuery[int | None] = None,
        terminate: FromQuery[int | None] = None,
    ) -> Template:
        """A blank form; with ``?corrects=<id>`` a correction of that published announcement,
        with ``?project=<id>`` the opening notice of that registered project, with
        ``?terminate=<id>`` its termination notice (the body, its reason, left to write)."""
        form = AnnouncementForm(region_code=tenant.region_code or "")
        if (project := terminate or project) is not None:
            row = await project_in(tenant, project)
            kind = AnnouncementType.termination if terminate else OPENING[Track(row["track"])]
            form = msgspec.structs.replace(
                form,
                type=kind.value,
                title=row["title"] + translate(f"label.announcement_type.{kind}", "zh-CN"),
                project_code=row["code"],
                category=row["category"],
                method=row["method"],
                project=str(project),
            )
        if corrects is not None:
            target = await announcement_of(tenant.id, corrects)
            form = msgspec.structs.replace(
                _form_of(target),
                type=AnnouncementType.correction.value,
                title=f"关于{target['title']}的更正公告",
                body_html="",
                corrects=str(corrects),
            )
        return await self._editor(site, tenant, form)

    @post("/announcements")
    async def create(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        data: Annotated[AnnouncementForm, Form],
    ) -> Redirect | Template:
        try:
            announcement_id = await service.create(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                data.draft(),
                context_of(request),
            )
        except DomainError as exc:
            return await self._editor(
                site, tenant, data, error=exc.message, status_code=exc.status_code
            )
        return flash(self._home(site, f"/announcements/{announcement_id}"), "flash.saved")

    @get("/announcements/{announcement_id:int}")
    async def edit(
        self,
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
    ) -> Template:
        row = await announcement_of(tenant.id, announcement_id)
        return await self._editor(
            site, tenant, _form_of(row), announcement_id=announcement_id, state=row["state"]
        )

    @post("/announcements/{announcement_id:int}")
    async def update(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
        data: Annotated[AnnouncementForm, Form],
    ) -> Redirect | Template:
        try:
            await service.update(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                announcement_id,
                data.draft(),
                context_of(request),
            )
        except NotFound:
            raise  # another tenant's announcement: the same answer as a missing one
        except DomainError as exc:
            return await self._editor(
                site,
                tenant,
                data,
                announcement_id=announcement_id,
                error=exc.message,
                status_code=exc.status_code,
            )
        return flash(self._home(site, f"/announcements/{announcement_id}"), "flash.saved")

    async def _preview(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRef,
        site: Site,
        announcement_id: int,
        *,
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        row = await announcement_of(tenant.id, announcement_id)
        files = await Attachment.select(Attachment.id, Attachment.filename, Attachment.size).where(
            (Attachment.announcement == announcement_id) & (Attachment.tenant == tenant.id)
        )
        return Template(
            "console/preview.html",
            status_code=status_code,
            context={
                "site": site,
                "row": row,
                "files": files,
                "error": error,
                "locale": locale_of(request),
                **_choices(),
            },
        )

    @get("/announcements/{announcement_id:int}/preview")
    async def preview(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
    ) -> Template:
        """The draft as visitors will see it, with the publish confirmation (发布确认)."""
        return await self._preview(request, tenant, site, announcement_id)

    @post("/announcements/{announcement_id:int}/publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
        data: Annotated[PublishForm, Form],
    ) -> Redirect | Template:
        if data.confirm != "yes":  # published is final: only from the preview, ticked
            error = translate("console.confirm_first", locale_of(request))
            return await self._preview(
                request, tenant, site, announcement_id, error=error, status_code=400
            )
        try:
            await service.publish(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                announcement_id,
                context_of(request),
            )
        except DomainError as exc:
            return await self._preview(
                request,
                tenant,
                site,
                announcement_id,
                error=exc.message,
                status_code=exc.status_code,
            )
        return flash(self._home(site), "flash.published")

    @post("/announcements/{announcement_id:int}/attachments")
    async def attach(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        announcement_id: PathId,
        data: Annotated[ImageForm, Multipart],
    ) -> Redirect | Template:
        try:
            await service.attach(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant,
                announcement_id,
                data.file.filename,
                await data.file.read(),
                context_of(request),
            )
        except DomainError as exc:
            row = await announcement_of(tenant.id, announcement_id)
            return await self._editor(
                site,
                tenant,
                _form_of(row),
                announcement_id=announcement_id,
                error=exc.message,
                status_code=exc.status_code,
            )
        return flash(self._home(site, f"/announcements/{announcement_id}"), "flash.uploaded")


class BrandingPages(Controller):
    """品牌与插件: tokens, logo and banner, change requests and plugin requests."""

    path = "/console/branding"
    include_in_schema = False
    guards = [sub_site_only, requires("branding", "manage")]  # noqa: RUF012

    async def _page(
        self, site: Site, tenant: TenantRef, error: str | None = None, status_code: int = 200
    ) -> Template:
        return Template(
            "console/branding.html",
            status_code=status_code,
            context={
                "site": site,
                "view": await branding_view(tenant),
                "palette": PALETTE,
                "plugins": sorted(CATALOGUE.values(), key=lambda p: p.name),
                "catalogue": CATALOGUE,
                "requests": await requests_of(tenant, "change_request", "plugin"),
                "error": error,
            },
        )

    def _back(self, site: Site) -> Redirect:
        return Redirect(f"{site.root_path}/console/branding", status_code=303)

    @get("/")
    async def show(
        self, site: NamedDependency[Site], tenant: NamedDependency[TenantRef]
    ) -> Template:
        return await self._page(site, tenant)

    @post("/")
    async def set_tokens(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        data: Annotated[BrandingForm, Form],
    ) -> Redirect | Template:
        values = msgspec.structs.asdict(data)
        contact = {k: values.pop(k) for k in ("address", "phone", "email", "hours")}
        try:
            tokens = msgspec.convert({**values, "contact": contact}, Branding)
            await branding.set_tokens(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                tokens,
                context_of(request),
            )
        except msgspec.ValidationError as exc:
            error = invalid_input_message(exc, BRANDING_FIELDS)
            return await self._page(site, tenant, error, 400)
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.saved")

    @post("/{kind:str}")
    async def upload(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        kind: FromPath[ImageKind],
        data: Annotated[ImageForm, Multipart],
    ) -> Redirect | Template:
        try:
            await branding.upload_image(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant,
                kind,
                await data.file.read(),
                context_of(request),
            )
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.uploaded")

    @post("/change-request")
    async def request_change(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        data: Annotated[ChangeForm, Form],
    ) -> Redirect | Template:
        """The current customisation plus what the form adds, asked for as a whole."""
        current = (await branding_view(tenant)).custom
        try:
            menu = current.menu_items
            if data.menu_label or data.menu_href:
                menu = (
                    *menu,
                    msgspec.convert({"label": data.menu_label, "href": data.menu_href}, MenuItem),
                )
            blocks = current.blocks
            if data.block_title or data.block_body:
                block = {"title": data.block_title, "body_html": data.block_body}
                blocks = (*blocks, msgspec.convert(block, PageBlock))
            custom = {"menu_items": menu, "blocks": blocks, "layout": data.layout}
            body = msgspec.convert(
                {"custom": msgspec.to_builtins(custom), "reason": data.reason}, ChangeRequestBody
            )
            await branding.request_change(
                request.app.state.authorizer, signed_in(request), tenant, body, context_of(request)
            )
        except msgspec.ValidationError as exc:
            error = invalid_input_message(exc, CHANGE_FIELDS)
            return await self._page(site, tenant, error, 400)
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.submitted")

    @post("/plugins/{name:str}")
    async def request_plugin(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        name: FromPath[str],
        data: Annotated[dict[str, str], Form],
    ) -> Redirect | Template:
        """Enable with the plugin's default settings, or remove (settings change by the API)."""
        try:
            action = PluginAction(data.get("action", "enable"))
            await plugin_service.request_plugin(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                name,
                action,
                {},
                context_of(request),
            )
        except ValueError:
            return await self._page(site, tenant, "未知操作 / unknown action", 400)
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.submitted")


register_nav(
    NavEntry(
        "nav.console.announcements",
        "/console/announcements",
        "announcement",
        "manage",
        "tenant",
        10,
    )
)
register_nav(
    NavEntry("nav.console.branding", "/console/branding", "branding", "manage", "tenant", 20)
)


def _tenant(ctx: WorkbenchContext) -> TenantRef:
    assert ctx.site.tenant is not None  # the sections are shown on sub-sites only
    return ctx.site.tenant


async def _drafts(ctx: WorkbenchContext) -> list[WorkItem]:
    rows = (
        await Announcement.select(Announcement.id, Announcement.title, Announcement.type)
        .where(
            (Announcement.tenant == _tenant(ctx).id)
            & (Announcement.state == AnnouncementState.draft.value)
        )
        .order_by(Announcement.id, ascending=False)
        .limit(20)
    )
    return [
        WorkItem(
            text=r["title"],
            href=f"/console/announcements/{r['id']}",
            note=translate("label.announcement_type." + r["type"], ctx.locale),
        )
        for r in rows
    ]


async def _new_participants(ctx: WorkbenchContext) -> list[WorkItem]:
    """The latest 报名 on the tenant's announcements."""
    rows = (
        await Participation.select(
            Participation.announcement.id.as_alias("announcement_id"),
            Participation.announcement.title.as_alias("title"),
            Participation.subject.name.as_alias("name"),
        )
        .where(Participation.tenant == _tenant(ctx).id)
        .order_by(Participation.id, ascending=False)
        .limit(20)
    )
    return [
        WorkItem(
            text=r["name"], href=f"/console/announcements/{r['announcement_id']}", note=r["title"]
        )
        for r in rows
    ]


async def _open_requests(ctx: WorkbenchContext) -> list[WorkItem]:
    """Change and plugin requests waiting at head office or returned for mending."""
    return [
        WorkItem(
            text=translate("label.approval_type." + r.type, ctx.locale),
            href="/console/branding/",
            note=translate("label.approval_state." + r.state, ctx.locale),
        )
        for r in await requests_of(_tenant(ctx), "change_request", "plugin")
        if r.state in ("submitted", "returned")
    ]


for key, obj, load, link in (
    ("workbench.drafts", "announcement", _drafts, "/console/announcements"),
    ("workbench.new_participants", "announcement", _new_participants, "/console/announcements"),
    ("workbench.tenant_requests", "branding", _open_requests, "/console/branding/"),
):
    register_section(Section(key, obj, "manage", load, link, where="tenant", order=20))
