"""Pages of purchaser units and project registration (采购人、项目登记), Chinese first.

Controllers only turn forms into drafts and refusals into pages; the rules are in
:mod:`tenants.projects.registration` and :mod:`tenants.projects.purchasers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from core.approvals import service as approvals
from core.approvals.forms import deficiencies_from
from core.authz.authorizer import Authorizer
from core.authz.guards import main_portal_only, requires, requires_active, signed_in, sub_site_only
from core.authz.model import tenant_domain
from core.errors import DomainError
from core.flash import flash
from core.forms import Form, Multipart, invalid_input
from core.identity.principal import Principal
from core.identity.routes import context_of
from core.identity.tables import AccountKind
from core.libraries.experts.specialties import specialty_names
from core.libraries.subjects.tables import Subject
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from tenants.announcements.tables import Announcement, Category
from tenants.materials import GENERAL
from tenants.projects import (
    draw,
    evaluation,
    objections,
    opening,
    purchasers,
    reading,
    registration,
)
from tenants.projects.answering import act, private_file
from tenants.projects.methods import METHODS
from tenants.projects.money import fen_of
from tenants.projects.registration import project_in
from tenants.projects.stages import OPENING
from tenants.projects.tables import ProjectState, Track
from themes.i18n import local, locale_of, translate

PURCHASER_FIELDS = {
    "credit_code": "purchaser.credit_code",
    "name": "purchaser.name",
    "region_code": "purchaser.region",
    "username": "purchaser.username",
    "display_name": "purchaser.display_name",
    "password": "purchaser.password",
}
PROJECT_FIELDS = {
    "title": "project.title",
    "track": "project.track",
    "method": "project.method",
    "category": "project.category",
    "budget_fen": "project.budget",
    "lots": "project.lots",
}
Item = Annotated[str, PathParameter(max_length=40)]  # a checklist item's code


class PurchaserForm(msgspec.Struct):
    credit_code: str = ""
    name: str = ""
    region_code: str = ""


class MemberForm(msgspec.Struct):
    username: str = ""
    display_name: str = ""
    password: str = ""


class ProjectForm(msgspec.Struct):
    title: str = ""
    track: str = ""
    method: str = ""
    category: str = ""
    budget: str = ""  # 元
    lots: str = ""  # one section per line

    def draft(self, locale: str) -> registration.ProjectDraft:
        budget = fen_of(self.budget)
        if budget is None:
            field = translate("project.budget", locale)
            raise DomainError(translate("form.invalid", locale, field=field))
        values = {
            "title": self.title.strip(),
            "track": self.track,
            "method": self.method,
            "category": self.category,
            "budget_fen": budget,
            "lots": [line.strip() for line in self.lots.splitlines() if line.strip()],
        }
        try:
            return msgspec.convert(values, registration.ProjectDraft)
        except msgspec.ValidationError as exc:
            raise DomainError(invalid_input(exc, PROJECT_FIELDS, locale)) from None


@dataclass
class MaterialForm:
    file: UploadFile | None = None  # absent: answered with the page, not a bare 400


class EntrustForm(msgspec.Struct):
    credit_code: str = ""  # the agency's; empty takes the entrustment back


class DecisionForm(msgspec.Struct):
    decision: str = ""
    note: str = ""


class PurchaserPages(Controller):
    """采购人管理: the tenant admin's units and the accounts acting for them."""

    path = "/console/purchasers"
    include_in_schema = False
    guards = [sub_site_only, requires("purchaser", "manage")]  # noqa: RUF012

    async def _page(
        self, site: Site, tenant: TenantRef, error: str | None = None, status_code: int = 200
    ) -> Template:
        return Template(
            "console/purchasers.html",
            status_code=status_code,
            context={
                "site": site,
                "units": await purchasers.purchaser_list(tenant),
                "error": error,
            },
        )

    def _back(self, site: Site) -> Redirect:
        return Redirect(f"{site.root_path}/console/purchasers", status_code=303)

    @get("/")
    async def show(
        self, site: NamedDependency[Site], tenant: NamedDependency[TenantRef]
    ) -> Template:
        return await self._page(site, tenant)

    @post("/", status_code=303)
    async def create(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        data: Annotated[PurchaserForm, Form],
    ) -> Redirect | Template:
        locale = locale_of(request)
        try:
            draft = msgspec.convert(msgspec.structs.asdict(data), purchasers.PurchaserDraft)
            await purchasers.create_purchaser(
                request.app.state.authorizer, signed_in(request), tenant, draft, context_of(request)
            )
        except msgspec.ValidationError as exc:
            return await self._page(site, tenant, invalid_input(exc, PURCHASER_FIELDS, locale), 400)
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.saved")

    @post("/{purchaser_id:int}/members", status_code=303)
    async def add_member(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        purchaser_id: PathId,
        data: Annotated[MemberForm, Form],
    ) -> Redirect | Template:
        locale = locale_of(request)
        try:
            draft = msgspec.convert(msgspec.structs.asdict(data), purchasers.MemberDraft)
            await purchasers.add_member(
                request.app.state.authorizer,
                signed_in(request),
                site,
                tenant,
                purchaser_id,
                draft,
                context_of(request),
            )
        except msgspec.ValidationError as exc:
            return await self._page(site, tenant, invalid_input(exc, PURCHASER_FIELDS, locale), 400)
        except DomainError as exc:
            return await self._page(site, tenant, exc.message, exc.status_code)
        return flash(self._back(site), "flash.saved")


class ProjectPages(Controller):
    """项目登记: a purchaser's registrations and the staff's review of them. Who sees which
    project is the service's rule (own unit, or every one for the sub-platform's staff)."""

    path = "/console/projects"
    include_in_schema = False
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    def _to(self, site: Site, project_id: int) -> Redirect:
        return Redirect(f"{site.root_path}/console/projects/{project_id}", status_code=303)

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        overdue: Annotated[bool, QueryParameter()] = False,
        before: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> Template:
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        rows = await reading.project_list(
            authorizer, principal, tenant, overdue_only=overdue, before=before
        )
        return Template(
            "console/projects.html",
            context={
                "site": site,
                "rows": rows,
                "more": rows[-1].id if len(rows) == reading.PAGE else None,
                "overdue": overdue,
                "may_register": await purchasers.unit_of(principal, tenant) is not None,
                "staff": await reading.may_read_all(authorizer, principal, tenant),
            },
        )

    async def _form(
        self, site: Site, values: ProjectForm, error: str | None = None, status_code: int = 200
    ) -> Template:
        return Template(
            "console/project_new.html",
            status_code=status_code,
            context={
                "site": site,
                "values": values,
                "error": error,
                "tracks": list(Track),
                "methods": METHODS,
                "categories": list(Category),
            },
        )

    @get("/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
    ) -> Template:
        await registration.registrant(request.app.state.authorizer, signed_in(request), tenant)
        return await self._form(site, ProjectForm(track=Track.tender.value))

    @post("/", status_code=303)
    async def create(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        data: Annotated[ProjectForm, Form],
    ) -> Redirect | Template:
        try:
            project_id = await registration.create_project(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                data.draft(locale_of(request)),
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            return await self._form(site, data, exc.message, exc.status_code)
        return flash(self._to(site, project_id), "flash.saved")

    @get("/{project_id:int}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> Template:
        return await project_page(request, site, tenant, project_id)

    @post("/{project_id:int}/materials/{item:str}", status_code=303)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        item: Item,
        data: Annotated[MaterialForm, Multipart],
    ) -> Redirect | Template:
        upload = data.file
        try:
            if not isinstance(upload, UploadFile):
                raise DomainError("请选择文件 / choose a file", detail={"field": "file"})
            await registration.upload_material(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant,
                project_id,
                item,
                upload.filename,
                await upload.read(),
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            return await project_page(request, site, tenant, project_id, exc.message, 400)
        return flash(self._to(site, project_id), "flash.uploaded")

    @get("/{project_id:int}/materials/{item:str}")
    async def material(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        item: Item,
    ) -> Response[bytes]:
        filename, media_type, data = await reading.material_file(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            item,
        )
        return private_file(filename, data, media_type)

    @post("/{project_id:int}/submission", status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> Redirect | Template:
        try:
            await registration.submit_project(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            return await project_page(request, site, tenant, project_id, exc.message, 400)
        return flash(self._to(site, project_id), "flash.submitted")

    @post("/{project_id:int}/entrustment", status_code=303)
    async def entrust(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[EntrustForm, Form],
    ) -> Redirect | Template:
        return await act(
            registration.entrust(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                data.credit_code,
                context_of(request),
            ),
            self._to(site, project_id),
            "flash.saved",
            partial(project_page, request, site, tenant, project_id),
        )

    @post("/{project_id:int}/acceptance", status_code=303)
    async def accept(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> Redirect | Template:
        return await act(
            registration.accept(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                context_of(request),
            ),
            self._to(site, project_id),
            "flash.accepted",
            partial(project_page, request, site, tenant, project_id),
        )

    @post("/{project_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[dict[str, Any], Form],
    ) -> Redirect | Template:
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        try:
            form = msgspec.convert(data, DecisionForm, strict=False)  # the rest: problems
            decision = approvals.Decision(form.decision)
            project = await reading.project_detail(authorizer, principal, tenant, project_id)
            items = [m.item for m in project.materials] + [GENERAL]
            await registration.decide(
                authorizer,
                principal,
                tenant,
                project_id,
                decision,
                deficiencies=deficiencies_from(data, items),
                note=form.note,
                context=context_of(request),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await project_page(
                request, site, tenant, project_id, exc.message, exc.status_code
            )
        except (ValueError, msgspec.ValidationError):
            error = translate("review.choose", locale_of(request))
            return await project_page(request, site, tenant, project_id, error, 400)
        return flash(self._to(site, project_id), "flash.decided")


async def project_page(
    request: Request[Any, Any, Any],
    site: Site,
    tenant: TenantRef,
    project_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    authorizer, principal = request.app.state.authorizer, signed_in(request)
    project = await reading.project_detail(authorizer, principal, tenant, project_id)
    history = await approvals.history(project.request_id) if project.request_id else []
    notices = (
        await Announcement.select(
            Announcement.id, Announcement.type, Announcement.title, Announcement.state
        )
        .where((Announcement.project == project_id) & (Announcement.tenant == tenant.id))
        .order_by(Announcement.id)
    )
    dom = tenant_domain(tenant.id)
    drawer = await authorizer.allowed(principal.casbin_subject, dom, "expert_draw", "conduct")
    return Template(
        "console/project.html",
        status_code=status_code,
        context={
            "site": site,
            "project": project,
            "history": history,
            "titles": {m.item: m.title for m in project.materials},
            "own": await _acts_for(principal, tenant, project),
            "purchaser_own": project.purchaser_id == await purchasers.unit_of(principal, tenant),
            "agency": await Subject.select(Subject.name, Subject.credit_code)
            .where(Subject.id == project.agency_id)
            .first()
            if project.agency_id
            else None,
            "reviewer": await authorizer.allowed(
                principal.casbin_subject,
                dom,
                f"approval:{registration.REGISTRATION_TYPE}",
                "decide",
            ),
            "notices": notices,
            "openings": {
                o.lot_number: o
                for o in await opening.records(tenant, await project_in(tenant, project_id))
            },
            "opener": await authorizer.allowed(principal.casbin_subject, dom, "bid", "open"),
            "drawer": drawer,
            "draws": await draw.draws_of(authorizer, principal, tenant, project_id)
            if drawer
            else [],
            "specialties": await specialty_names() if drawer else {},
            "results": await evaluation.results_of(tenant, project_id),
            "objections": await objections.objections_of(tenant, project_id),
            "archivist": await authorizer.allowed(principal.casbin_subject, dom, "archive", "read"),
            "now": dt.datetime.now(dt.UTC),
            "deadline_passed": project.bid_deadline is not None
            and project.bid_deadline <= dt.datetime.now(dt.UTC),
            "opening": OPENING[Track(project.track)],
            "writer": await authorizer.allowed(
                principal.casbin_subject, dom, "announcement", "manage"
            ),
            "editable": project.state in registration.EDITABLE,
            "error": error,
        },
    )


class OverduePages(Controller):
    """Head office's list of registrations past their due time, on every sub-platform."""

    path = "/admin/projects/overdue"
    include_in_schema = False
    guards = [main_portal_only, requires("tenant", "read")]  # noqa: RUF012

    @get("/")
    async def overdue(self, site: NamedDependency[Site]) -> Template:
        return Template(
            "admin/projects_overdue.html",
            context={"site": site, "rows": await reading.overdue_everywhere()},
        )


async def _acts_for(principal: Principal, tenant: TenantRef, project: reading.ProjectView) -> bool:
    """Whether the reader registers this project: its purchaser's staff, or its agency."""
    if principal.kind is AccountKind.agency:
        subject = (
            await Subject.select(Subject.id).where(Subject.account == principal.account_id).first()
        )
        return subject is not None and subject["id"] == project.agency_id
    return project.purchaser_id == await purchasers.unit_of(principal, tenant)


async def _may_open_projects(authorizer: Authorizer, principal: Principal, site: Site) -> bool:
    if site.tenant is None:
        return False
    dom = tenant_domain(site.tenant.id)
    for act_ in (("project", "read"), ("project", "register"), ("project", "act_as_agent")):
        if await authorizer.allowed(principal.casbin_subject, dom, *act_):
            return True
    return False


async def _registrations_waiting(ctx: WorkbenchContext) -> list[WorkItem]:
    """For the sub-platform's staff: registrations to decide, the oldest due first."""
    assert ctx.site.tenant is not None
    rows = await reading.project_list(
        ctx.authorizer, ctx.principal, ctx.site.tenant, state=ProjectState.submitted
    )
    return [
        WorkItem(
            text=f"{p.title}（{p.purchaser_name}）",
            href=f"/console/projects/{p.id}",
            note=translate("project.overdue" if p.overdue else "project.due_note", ctx.locale)
            + (f" {local(p.due_at)}" if p.due_at else ""),
        )
        for p in sorted(rows, key=lambda p: p.due_at or p.created_at)
    ]


async def _my_open_projects(ctx: WorkbenchContext) -> list[WorkItem]:
    """For a purchaser: its unit's registrations not yet decided."""
    assert ctx.site.tenant is not None
    rows = await reading.project_list(ctx.authorizer, ctx.principal, ctx.site.tenant)
    return [
        WorkItem(
            text=p.title,
            href=f"/console/projects/{p.id}",
            note=translate(f"label.project_state.{p.state}", ctx.locale),
        )
        for p in rows
        if p.state in registration.EDITABLE or p.state == ProjectState.submitted.value
    ]


register_section(
    Section(
        "workbench.registrations",
        f"approval:{registration.REGISTRATION_TYPE}",
        "decide",
        _registrations_waiting,
        link="/console/projects/",
        where="tenant",
        order=15,
    )
)
register_section(
    Section(
        "workbench.my_projects",
        "project",
        "register",
        _my_open_projects,
        link="/console/projects/",
        where="tenant",
        order=16,
    )
)
register_nav(
    NavEntry(
        "nav.console.projects",
        "/console/projects",
        "project",
        "read",
        "tenant",
        5,
        check=_may_open_projects,
    )
)
register_nav(
    NavEntry("nav.console.purchasers", "/console/purchasers", "purchaser", "manage", "tenant", 25)
)
register_nav(NavEntry("nav.admin.overdue", "/admin/projects/overdue", "tenant", "read", "hq", 35))
