"""Staff management as pages (人员管理): head office's staff and regulators on the main portal,
a tenant's own staff on its sub-site — list, create, disable, enable, reset the password. Roles
are given on the role page, which picks the person by name."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.authz.authorizer import Authorizer
from core.authz.guards import requires_active, signed_in
from core.authz.policies import Forbidden
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form, invalid_input
from core.identity import staff
from core.identity.principal import Principal
from core.identity.routes import context_of
from core.identity.staff_routes import NewStaff
from core.identity.tables import AccountKind
from core.navigation import NavEntry, may_open, register_nav
from core.openapi import PathId
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from themes.i18n import in_locale, locale_of, translate

STAFF_FIELDS = {
    "username": "staff.username",
    "password": "staff.password",
    "display_name": "staff.display_name",
    "kind": "staff.kind",
    "email": "staff.email",
}


class StaffForm(msgspec.Struct):
    username: str = ""
    display_name: str = ""
    email: str = ""
    password: str = ""
    kind: str = ""


class ResetForm(msgspec.Struct):
    password: str = ""


class StaffPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [requires_active]  # noqa: RUF012 - the service decides who manages whom

    @get("/")
    async def page(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _page(request, site)

    @post("/", status_code=303)
    async def add(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[StaffForm, Form],
    ) -> Redirect | Template:
        posted = {k: v.strip() for k, v in msgspec.structs.asdict(data).items() if v.strip()}
        try:
            body = msgspec.convert(posted, NewStaff, strict=False)
            await staff.add_staff(
                request.app.state.authorizer,
                signed_in(request),
                site,
                username=body.username,
                display_name=body.display_name,
                password=body.password,
                kind=body.kind,
                email=body.email,
                context=context_of(request),
            )
        except msgspec.ValidationError as exc:
            error = invalid_input(exc, STAFF_FIELDS, locale_of(request))
            return await _page(request, site, error, {**posted, "password": ""})
        except Forbidden:
            raise
        except DomainError as exc:
            message = in_locale(exc.message, locale_of(request))
            return await _page(request, site, message, {**posted, "password": ""})
        return flash(Redirect(f"{site.root_path}/staff/", status_code=303), "flash.staff_added")

    @post("/{account_id:int}/{action:str}", status_code=303)
    async def change(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        account_id: PathId,
        action: FromPath[str],
        data: Annotated[ResetForm, Form],
    ) -> Redirect | Template:
        """``disable``, ``enable`` or ``reset`` (a new first password)."""
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        try:
            if action in ("disable", "enable"):
                await staff.set_active(
                    authorizer,
                    principal,
                    site,
                    account_id=account_id,
                    active=action == "enable",
                    context=context_of(request),
                )
            elif action == "reset":
                await staff.reset_password(
                    authorizer,
                    principal,
                    site,
                    account_id=account_id,
                    password=data.password,
                    context=context_of(request),
                )
            else:
                raise NotFound("没有这项操作 / no such action")
        except (NotFound, Forbidden) as exc:
            if isinstance(exc, NotFound) or not await _manages(authorizer, principal, site):
                raise
            return await _page(request, site, in_locale(exc.message, locale_of(request)))
        except DomainError as exc:
            return await _page(request, site, in_locale(exc.message, locale_of(request)))
        return flash(Redirect(f"{site.root_path}/staff/", status_code=303), f"flash.staff_{action}")


async def _page(
    request: Request[Any, Any, Any],
    site: Site,
    error: str | None = None,
    posted: dict[str, str] | None = None,
) -> Template:
    members = await staff.list_staff(request.app.state.authorizer, signed_in(request), site)
    kinds = list(staff.HQ_MANAGED) if site.tenant is None else [AccountKind.tenant_staff]
    return Template(
        "staff.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "members": members,
            "kinds": kinds,
            "me": signed_in(request).account_id,
            "posted": posted or {},
            "error": error,
        },
    )


async def _manages(authorizer: Authorizer, principal: Principal, site: Site) -> bool:
    obj = "hq.account" if site.tenant is None else "staff"
    return await may_open(authorizer, principal, site, obj, "manage")


async def _first_sign_in_waiting(ctx: WorkbenchContext) -> list[WorkItem]:
    members = await staff.list_staff(ctx.authorizer, ctx.principal, ctx.site)
    note = translate("staff.awaiting", ctx.locale)
    return [
        WorkItem(text=m.display_name, href="/staff/", note=note)
        for m in members
        if m.awaiting_first_sign_in and m.is_active
    ]


register_nav(NavEntry("nav.staff", "/staff", "staff", "manage", "any", 85, check=_manages))
for where, obj in (("hq", "hq.account"), ("tenant", "staff")):
    register_section(
        Section(
            f"workbench.staff_{where}",
            obj,
            "manage",
            _first_sign_in_waiting,
            link="/staff/",
            where=where,  # type: ignore[arg-type]
            order=80,
        )
    )
