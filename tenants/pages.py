"""The applicant's and the operator's pages (申请人、运营机构). Server-rendered, no JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, requires_active, signed_in, sub_site_only
from core.errors import DomainError
from core.flash import flash
from core.forms import Form, Multipart, invalid_input
from core.identity.accounts import create_account
from core.identity.invitations import accept
from core.identity.routes import context_of
from core.identity.tables import AccountKind
from core.navigation import NavEntry, register_nav
from core.notifications.service import notices_for
from core.openapi import PathId
from core.settings import get_settings
from core.tenancy.registry import find_tenant_by_id
from core.tenancy.site import Site
from core.tenancy.tables import Tenant, TenantKind
from core.tenancy.urls import tenant_url
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from tenants import applications, penalties
from tenants.applications import ApplicationForm
from tenants.materials import CHECKLISTS, deficiency_titles
from tenants.provisioning import confirm_operating_unit
from tenants.routes import MaterialUpload
from themes.i18n import locale_of, translate


class RegisterForm(msgspec.Struct):
    username: str = ""
    password: str = ""
    display_name: str = ""
    email: str = ""


class ApplyForm(msgspec.Struct):
    org_name: str = ""
    kind: str = "city"
    region_code: str = ""
    credit_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    requested_slug: str = ""


class PasswordForm(msgspec.Struct):
    password: str = ""


APPLY_FIELDS = {
    "org_name": "apply.org_name",
    "kind": "apply.kind",
    "region_code": "apply.region",
    "credit_code": "apply.credit_code",
    "contact_name": "apply.contact_name",
    "contact_phone": "apply.contact_phone",
    "contact_email": "apply.contact_email",
    "requested_slug": "apply.slug",
}


class ApplicantPages(Controller):
    path = "/apply"
    include_in_schema = False
    guards = [main_portal_only]  # noqa: RUF012

    @get("/register")
    async def register_page(self, site: NamedDependency[Site]) -> Template:
        return Template("apply/register.html", context={"site": site, "error": None})

    @post("/register", status_code=303)
    async def register(
        self, site: NamedDependency[Site], data: Annotated[RegisterForm, Form]
    ) -> Redirect | Template:
        try:
            await create_account(
                username=data.username,
                display_name=data.display_name or data.username,
                kind=AccountKind.applicant,
                password=data.password,
                email=data.email.strip() or None,
            )
        except DomainError as exc:
            return Template(
                "apply/register.html", status_code=400, context={"site": site, "error": exc.message}
            )
        return Redirect("/login", status_code=303)

    @get("/", guards=[requires_active])
    async def mine(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _mine_page(request, site, error=None)

    @post("/", status_code=303, guards=[requires_active])
    async def create(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[ApplyForm, Form],
    ) -> Redirect | Template:
        try:
            form = msgspec.convert(msgspec.structs.asdict(data), ApplicationForm)
            application_id = await applications.create_application(
                request.app.state.authorizer, signed_in(request), form, context_of(request)
            )
        except DomainError as exc:
            return await _mine_page(request, site, error=exc.message)
        except msgspec.ValidationError as exc:
            error = invalid_input(exc, APPLY_FIELDS, locale_of(request))
            return await _mine_page(request, site, error=error)
        return Redirect(f"/apply/{application_id}", status_code=303)

    @get("/{application_id:int}", guards=[requires_active])
    async def one(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        application_id: PathId,
    ) -> Template:
        return await _application_page(request, site, application_id, error=None)

    @post("/{application_id:int}/materials/{item:str}", status_code=303, guards=[requires_active])
    async def upload(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        application_id: PathId,
        item: FromPath[str],
        data: Annotated[MaterialUpload, Multipart],
    ) -> Redirect | Template:
        try:
            await applications.upload_material(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                application_id,
                item,
                data.data.filename,
                await data.data.read(),
                context_of(request),
            )
        except DomainError as exc:
            return await _application_page(request, site, application_id, error=exc.message)
        return flash(Redirect(f"/apply/{application_id}", status_code=303), "flash.uploaded")

    @post("/{application_id:int}/submit", status_code=303, guards=[requires_active])
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        application_id: PathId,
    ) -> Redirect | Template:
        try:
            await applications.submit_application(
                request.app.state.authorizer,
                signed_in(request),
                application_id,
                context_of(request),
            )
        except DomainError as exc:
            return await _application_page(request, site, application_id, error=exc.message)
        return flash(Redirect(f"/apply/{application_id}", status_code=303), "flash.submitted")


async def _mine_page(request: Request[Any, Any, Any], site: Site, error: str | None) -> Template:
    mine = await applications.my_applications(request.app.state.authorizer, signed_in(request))
    return Template(
        "apply/mine.html",
        status_code=400 if error else 200,
        context={"site": site, "applications": mine, "error": error},
    )


async def _application_page(
    request: Request[Any, Any, Any], site: Site, application_id: int, error: str | None
) -> Template:
    application = await applications.my_application(
        request.app.state.authorizer, signed_in(request), application_id
    )
    tenant = await find_tenant_by_id(application.tenant_id) if application.tenant_id else None
    return Template(
        "apply/application.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "application": application,
            "error": error,
            "checklist": CHECKLISTS[TenantKind(application.kind)],
            "titles": deficiency_titles(TenantKind(application.kind)),
            "new_site": tenant_url(get_settings(), tenant) if tenant else None,
            "uploaded": {m.item: m for m in application.materials},
        },
    )


class OperatorPages(Controller):
    include_in_schema = False
    guards = [sub_site_only]  # noqa: RUF012

    @get("/invitations/{token:str}")
    async def invitation(self, site: NamedDependency[Site]) -> Template:
        return Template("apply/invitation.html", context={"site": site, "error": None})

    @post("/invitations/{token:str}", status_code=303)
    async def accept_invitation(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        token: FromPath[str],
        data: Annotated[PasswordForm, Form],
    ) -> Redirect | Template:
        assert site.tenant is not None
        try:
            await accept(
                token, data.password, tenant_id=site.tenant.id, context=context_of(request)
            )
        except DomainError as exc:
            return Template(
                "apply/invitation.html",
                status_code=exc.status_code,
                context={"site": site, "error": exc.message},
            )
        return Redirect(f"{site.root_path}/login", status_code=303)

    @get("/operator", guards=[requires_active])
    async def console(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Template:
        return await _console(request, site, error=None)

    @post("/operator/confirm", status_code=303, guards=[requires_active])
    async def confirm(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Redirect | Template:
        assert site.tenant is not None
        try:
            await confirm_operating_unit(
                request.app.state.authorizer,
                signed_in(request),
                site.tenant.id,
                context_of(request),
            )
        except DomainError as exc:
            return await _console(request, site, error=exc.message)
        return flash(Redirect(f"{site.root_path}/operator", status_code=303), "flash.confirmed")


async def _console(request: Request[Any, Any, Any], site: Site, error: str | None) -> Template:
    """The tenant console: the operating unit, head office's decisions, notices."""
    assert site.tenant is not None
    principal = signed_in(request)
    tenant = (
        await Tenant.select(Tenant.operator_account, Tenant.operating_unit_confirmed_at)
        .where(Tenant.id == site.tenant.id)
        .first()
    )
    is_staff = principal.tenant_id == site.tenant.id
    return Template(
        "apply/operator.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "error": error,
            "awaiting_confirmation": tenant is not None
            and tenant["operator_account"] == principal.account_id
            and tenant["operating_unit_confirmed_at"] is None,
            "history": await penalties.history(site.tenant.id) if is_staff else [],
            "notices": await notices_for(principal.account_id),
        },
    )


async def _my_applications(ctx: WorkbenchContext) -> list[WorkItem]:
    return [
        WorkItem(
            text=a.org_name,
            href=f"/apply/{a.id}",
            note=translate("label.approval_state." + a.state, ctx.locale),
        )
        for a in await applications.my_applications(ctx.authorizer, ctx.principal)
    ]


register_nav(NavEntry("nav.apply", "/apply", "application", "manage", "hq", 5))
register_section(
    Section(
        "workbench.my_applications",
        "application",
        "manage",
        _my_applications,
        link="/apply/",
        where="hq",
        order=5,
    )
)
