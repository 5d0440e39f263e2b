"""Ops access as pages (运维访问), in the head-office console: the ops person asks and reads
under an active grant at ``/admin/ops-access``; the administrator approves, rejects and
revokes at ``/admin/ops-access/review``, deciding through the one approval mechanism."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from core.approvals.pages import approve_or_reject
from core.approvals.tables import ApprovalRequest
from core.audit.labels import action_label, object_label, outcome_label
from core.authz.guards import main_portal_only, requires, signed_in
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import MAX_ROW_ID, PathId
from core.ops_access import reading, service
from core.ops_access.service import MAX_HOURS, MIN_HOURS, OPS_ACCESS_TYPE, GrantState
from core.tenancy.registry import find_tenant_by_id, list_tenants
from core.tenancy.site import Site
from core.tenancy.tables import TenantState
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from themes.i18n import in_locale, locale_of, translate

USE = ("ops_access", "use")
DECIDE = ("approval:ops_access", "decide")
HOME = "/admin/ops-access/"
REVIEW = "/admin/ops-access/review/"


class AccessForm(msgspec.Struct):
    tenant_id: str = ""
    hours: str = ""
    reason: str = ""


class DecisionForm(msgspec.Struct):
    decision: str = ""
    note: str = ""


def _number(text: str) -> int:
    """A form's whole number; anything else is 0, which every check refuses in words."""
    text = text.strip()
    return int(text) if text.isdigit() and int(text) <= MAX_ROW_ID else 0


class OpsAccessPages(Controller):
    path = "/admin/ops-access"
    include_in_schema = False
    guards = [main_portal_only, requires(*USE)]  # noqa: RUF012

    @get("/")
    async def page(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _own_page(request, site)

    @post("/", status_code=303)
    async def ask(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[AccessForm, Form],
    ) -> Redirect | Template:
        try:
            await service.request_access(
                request.app.state.authorizer,
                signed_in(request),
                _number(data.tenant_id),
                _number(data.hours),
                data.reason,
                context_of(request),
            )
        except DomainError as exc:
            return await _own_page(request, site, in_locale(exc.message, locale_of(request)), data)
        return flash(Redirect(HOME, status_code=303), "flash.submitted")

    @get("/tenants/{tenant_id:int}/staff")
    async def staff(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], tenant_id: PathId
    ) -> Template:
        seen = await reading.read_staff(
            request.app.state.authorizer, signed_in(request), tenant_id, context_of(request)
        )
        return Template(
            "admin/ops_access_staff.html",
            context={"site": site, "seen": seen, "tenant_name": await _tenant_name(tenant_id)},
        )

    @get("/tenants/{tenant_id:int}/audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
        before: FromQuery[int | None] = None,
    ) -> Template:
        seen = await reading.read_audit(
            request.app.state.authorizer, signed_in(request), tenant_id, before, context_of(request)
        )
        locale = locale_of(request)
        entries = [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "action": action_label(e.action, locale),
                "object": object_label(e.object, locale),
                "outcome": outcome_label(e.outcome, locale),
                "client_ip": e.client_ip,
            }
            for e in seen.entries
        ]
        return Template(
            "admin/ops_access_audit.html",
            context={
                "site": site,
                "seen": seen,
                "entries": entries,
                "tenant_name": await _tenant_name(tenant_id),
            },
        )


async def _tenant_name(tenant_id: int) -> str:
    tenant = await find_tenant_by_id(tenant_id)
    return "" if tenant is None else tenant.name


async def _own_page(
    request: Request[Any, Any, Any],
    site: Site,
    error: str | None = None,
    posted: AccessForm | None = None,
) -> Template:
    open_states = tuple(s for s in TenantState if s is not TenantState.closed)
    return Template(
        "admin/ops_access.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "tenants": await list_tenants(states=open_states),
            "grants": await service.own_grants(request.app.state.authorizer, signed_in(request)),
            "posted": posted or AccessForm(),
            "min_hours": MIN_HOURS,
            "max_hours": MAX_HOURS,
            "error": error,
        },
    )


class OpsAccessReviewPages(Controller):
    path = "/admin/ops-access/review"
    include_in_schema = False
    guards = [main_portal_only, requires(*DECIDE)]  # noqa: RUF012

    @get("/")
    async def queue(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _review_page(request, site)

    @post("/{request_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
        data: Annotated[DecisionForm, Form],
    ) -> Redirect | Template:
        kind = await ApprovalRequest.select(ApprovalRequest.type).where(
            ApprovalRequest.id == request_id
        )
        if kind != [{"type": OPS_ACCESS_TYPE}]:
            raise NotFound("申请不存在 / no such request")
        if error := await approve_or_reject(request, request_id, data.decision, data.note):
            return await _review_page(request, site, error)
        return flash(Redirect(REVIEW, status_code=303), "flash.decided")

    @post("/grants/{grant_id:int}/revocation", status_code=303)
    async def revoke(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], grant_id: PathId
    ) -> Redirect | Template:
        try:
            await service.revoke(
                request.app.state.authorizer, signed_in(request), grant_id, context_of(request)
            )
        except NotFound:
            raise
        except DomainError as exc:
            return await _review_page(request, site, in_locale(exc.message, locale_of(request)))
        return flash(Redirect(REVIEW, status_code=303), "flash.ops_access_revoked")


async def _review_page(
    request: Request[Any, Any, Any], site: Site, error: str | None = None
) -> Template:
    grants = await service.all_grants(request.app.state.authorizer, signed_in(request))
    return Template(
        "admin/ops_access_review.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "pending": [g for g in grants if g.state is GrantState.pending],
            "active": [g for g in grants if g.state is GrantState.approved],
            "past": [g for g in grants if g.state not in (GrantState.pending, GrantState.approved)],
            "error": error,
        },
    )


async def _to_decide(ctx: WorkbenchContext) -> list[WorkItem]:
    grants = await service.all_grants(ctx.authorizer, ctx.principal)
    return [
        WorkItem(
            text=f"{g.requester}：{g.tenant_name}",
            href=REVIEW,
            note=translate("ops_access.hours_n", ctx.locale, n=g.hours),
        )
        for g in reversed(grants)  # oldest first: it has waited longest
        if g.state is GrantState.pending
    ]


async def _own_current(ctx: WorkbenchContext) -> list[WorkItem]:
    grants = await service.own_grants(ctx.authorizer, ctx.principal)
    return [
        WorkItem(
            text=g.tenant_name,
            href=HOME,
            note=translate(f"label.ops_access_state.{g.state.value}", ctx.locale),
        )
        for g in grants
        if g.state in (GrantState.pending, GrantState.approved)
    ]


register_nav(NavEntry("nav.ops_access", "/admin/ops-access", *USE, "hq", 65))
register_nav(NavEntry("nav.ops_access_review", "/admin/ops-access/review", *DECIDE, "hq", 43))
register_section(
    Section("workbench.ops_access_review", *DECIDE, _to_decide, link=REVIEW, where="hq", order=43)
)
register_section(
    Section("workbench.ops_access", *USE, _own_current, link=HOME, where="hq", order=65)
)
