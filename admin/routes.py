"""The head-office console (服务平台管理后台): review queue, review screen, tenants,
penalties and reinstatement. Server-rendered; works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from core.approvals import service as approvals
from core.approvals.forms import deficiencies_from
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.authz.authorizer import Authorizer
from core.authz.guards import main_portal_only, requires, requires_active, signed_in
from core.authz.model import tenant_domain
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form, Multipart
from core.identity.principal import Principal
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.storage import ObjectKey
from core.tenancy.site import Site
from core.tenancy.tables import Tenant, TenantKind, TenantState
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from tenants import applications, penalties
from tenants.applications import as_record
from tenants.materials import CHECKLISTS, checklist_item, deficiency_titles
from tenants.projects import objections
from tenants.supervision import check_visible, may_see_tenants, visible_tenants
from tenants.tables import Application, Material, PenaltyKind
from themes.i18n import locale_of, translate

UNKNOWN_FILTER = "筛选条件不正确，请从列表中选择 / unknown filter: choose one of the list"


class DecisionForm(msgspec.Struct):
    decision: str = ""
    note: str = ""


@dataclass
class PenaltyFormData:
    kind: str = ""
    statement: str = ""
    grounds: list[str] = field(default_factory=list)
    evidence: list[UploadFile] = field(default_factory=list)


class ReinstatementForm(msgspec.Struct):
    statement: str = ""


class ReviewPages(Controller):
    path = "/admin/applications"
    include_in_schema = False
    guards = [main_portal_only, requires("approval", "read")]  # noqa: RUF012

    @get("/")
    async def queue(
        self,
        site: NamedDependency[Site],
        wanted: Annotated[str, QueryParameter(name="state")] = "submitted",
        kind: FromQuery[str] = "",
    ) -> Template:
        query = (
            Application.select(
                Application.id,
                Application.org_name,
                Application.kind,
                Application.region_code,
                Application.request_id,
                Application.created_at,
            )
            .where(Application.request_id.is_not_null())
            .order_by(Application.id)
        )
        if (wanted and wanted not in ApprovalState.__members__) or (
            kind and kind not in TenantKind.__members__
        ):
            raise DomainError(UNKNOWN_FILTER)
        if kind:
            query = query.where(Application.kind == kind)
        rows = await query
        states = {
            r["id"]: r["state"]
            for r in await ApprovalRequest.select(ApprovalRequest.id, ApprovalRequest.state).where(
                ApprovalRequest.id.is_in([r["request_id"] for r in rows] or [0])
            )
        }
        items = [{**r, "state": states.get(r["request_id"], "")} for r in rows]
        if wanted:
            items = [i for i in items if i["state"] == wanted]
        return Template(
            "admin/applications.html",
            context={"site": site, "items": items, "state": wanted, "kind": kind},
        )

    @get("/{request_id:int}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
    ) -> Template:
        return await _review_page(request, site, request_id, error=None)

    @post("/{request_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
        data: Annotated[dict[str, Any], Form],
    ) -> Redirect | Template:
        row = await _application_of(request_id)
        try:
            form = msgspec.convert(data, DecisionForm, strict=False)  # the rest: problems
            await approvals.decide(
                request.app.state.authorizer,
                signed_in(request),
                request_id,
                approvals.Decision(form.decision),
                deficiencies=deficiencies_from(data, deficiency_titles(TenantKind(row["kind"]))),
                note=form.note,
                context=context_of(request),
            )
        except DomainError as exc:
            return await _review_page(request, site, request_id, error=exc.message)
        except (ValueError, msgspec.ValidationError):
            error = translate("review.choose", locale_of(request))
            return await _review_page(request, site, request_id, error=error)
        return flash(
            Redirect(f"/admin/applications/{request_id}", status_code=303), "flash.decided"
        )


async def _application_of(request_id: int) -> dict[str, Any]:
    row = await Application.select().where(Application.request_id == request_id).first()
    if row is None:
        raise NotFound("申请不存在 / no such application")
    return row


async def _review_page(
    request: Request[Any, Any, Any], site: Site, request_id: int, error: str | None
) -> Template:
    row = await _application_of(request_id)
    storage = request.app.state.object_storage
    links = [
        (
            checklist_item(TenantKind(row["kind"]), m["item"]).title,
            m["filename"],
            await storage.presigned_url(ObjectKey(m["object_key"]), expires_in=600),
        )
        for m in await Material.select().where(Material.application == row["id"])
    ]
    return Template(
        "admin/review.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "application": await applications.view(as_record(row)),
            "request_id": request_id,
            "links": links,
            "checklist": CHECKLISTS[TenantKind(row["kind"])],
            "titles": deficiency_titles(TenantKind(row["kind"])),
            "history": await approvals.history(request_id),
            "error": error,
        },
    )


class TenantPages(Controller):
    path = "/admin/tenants"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/")
    async def tenants(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        wanted: Annotated[str, QueryParameter(name="state")] = "",
    ) -> Template:
        if wanted and wanted not in TenantState.__members__:
            raise DomainError(UNKNOWN_FILTER)
        state = TenantState(wanted) if wanted else None
        tenants = await visible_tenants(request.app.state.authorizer, signed_in(request), state)
        return Template(
            "admin/tenants.html", context={"site": site, "tenants": tenants, "state": wanted}
        )

    @get("/{tenant_id:int}")
    async def tenant(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
    ) -> Template:
        await check_visible(request.app.state.authorizer, signed_in(request), tenant_id)
        return await _tenant_page(request, site, tenant_id, error=None)

    @post("/{tenant_id:int}/penalties", status_code=303)
    async def penalize(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
        data: Annotated[PenaltyFormData, Multipart],
    ) -> Redirect | Template:
        try:
            form, evidence = await penalties.read_upload(
                data.kind, data.statement, data.grounds, data.evidence
            )
            await penalties.impose(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant_id,
                form,
                evidence,
                context_of(request),
            )
        except DomainError as exc:
            return await _tenant_page(request, site, tenant_id, error=exc.message)
        return Redirect(f"/admin/tenants/{tenant_id}", status_code=303)

    @post("/{tenant_id:int}/reinstatement", status_code=303)
    async def reinstate(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
        data: Annotated[ReinstatementForm, Form],
    ) -> Redirect | Template:
        try:
            await penalties.reinstate(
                request.app.state.authorizer,
                signed_in(request),
                tenant_id,
                data.statement,
                context_of(request),
            )
        except DomainError as exc:
            return await _tenant_page(request, site, tenant_id, error=exc.message)
        return Redirect(f"/admin/tenants/{tenant_id}", status_code=303)


async def _tenant_page(
    request: Request[Any, Any, Any], site: Site, tenant_id: int, error: str | None
) -> Template:
    tenant = await Tenant.select().where(Tenant.id == tenant_id).first()
    if tenant is None:
        raise NotFound("分平台不存在 / no such tenant")
    archives = await request.app.state.authorizer.allowed(
        signed_in(request).casbin_subject, tenant_domain(tenant_id), "archive", "read"
    )
    return Template(
        "admin/tenant.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "tenant": tenant,
            "history": await penalties.history(tenant_id),
            "grounds": penalties.GROUNDS,
            "kinds": [k for k in PenaltyKind if k is not PenaltyKind.reinstatement],
            "archives": archives,
            "objection_counts": await objections.counts_by_tenant(tenant_id),
            "error": error,
        },
    )


async def _may_supervise(authorizer: Authorizer, principal: Principal, _: Site) -> bool:
    """The tenants page opens for ``tenant:read`` at head office or any region grant."""
    return await may_see_tenants(authorizer, principal)


register_nav(
    NavEntry("nav.admin.applications", "/admin/applications", "approval", "read", "hq", 10)
)
register_nav(
    NavEntry("nav.admin.tenants", "/admin/tenants", "tenant", "read", "hq", 30, _may_supervise)
)


async def _applications_waiting(ctx: WorkbenchContext) -> list[WorkItem]:
    waiting = await ApprovalRequest.select(ApprovalRequest.id).where(
        (ApprovalRequest.type == applications.APPLICATION_TYPE)
        & (ApprovalRequest.state == ApprovalState.submitted.value)
    )
    rows = (
        await Application.select(Application.org_name, Application.kind, Application.request_id)
        .where(Application.request_id.is_in([r["id"] for r in waiting] or [0]))
        .order_by(Application.request_id)
    )
    return [
        WorkItem(
            text=r["org_name"],
            href=f"/admin/applications/{r['request_id']}",
            note=translate("label.tenant_kind." + r["kind"], ctx.locale),
        )
        for r in rows
    ]


async def _tenants_under_penalty(ctx: WorkbenchContext) -> list[WorkItem]:
    """Sub-platforms within the person's reach that are warned, revoked or suspended."""
    return [
        WorkItem(
            text=t.shown_name,
            href=f"/admin/tenants/{t.id}",
            note=translate("label.tenant_state." + t.state.value, ctx.locale),
        )
        for t in await visible_tenants(ctx.authorizer, ctx.principal)
        if t.state not in (TenantState.active, TenantState.closed)
    ]


register_section(
    Section(
        "workbench.applications",
        "approval:application",
        "decide",
        _applications_waiting,
        link="/admin/applications/",
        where="hq",
        order=10,
    )
)
register_section(
    Section(
        "workbench.supervision",
        "tenant",
        "read",
        _tenants_under_penalty,
        link="/admin/tenants/",
        where="hq",
        order=30,
        check=_may_supervise,
    )
)
