"""Role assignment (角色分配): head-office roles and region grants on the main portal (and a
tenant's management accounts, by ``tenant_id``); tenant roles on the tenant's own site."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import Redirect, Template

from core.authz.guards import requires, signed_in
from core.authz.model import HQ, region_domain, tenant_domain
from core.authz.policies import change_role
from core.authz.tables import CasbinRule
from core.errors import DomainError
from core.flash import flash
from core.forms import Form, invalid_input
from core.identity.routes import context_of
from core.identity.tables import Account, AccountKind
from core.navigation import NavEntry, register_nav
from core.openapi import RowId, refusals
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from themes.i18n import locale_of

ASSIGN = requires("role", "assign")


class RoleChange(msgspec.Struct, forbid_unknown_fields=True):
    account_id: RowId
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")] | None = None
    tenant_id: RowId | None = None  # main portal only


class Grant(msgspec.Struct):
    account_id: int
    username: str
    role: str
    scope: str  # "hq", "t<id>" or "region:<code>"


# The roles each site assigns, in the order its form offers them.
HQ_ROLES = (
    "hq_admin", "hq_reviewer", "hq_supervisor", "hq_library", "hq_ops", "hq_auditor",
    "regulator", "tenant_admin",
)  # fmt: skip
TENANT_ROLES = ("tenant_staff",)


class Assignable(msgspec.Struct):
    """One account the role form offers, in people's words (账号选择)."""

    account_id: int
    display_name: str
    username: str
    tenant_name: str | None  # the tenant of tenant staff


async def assignable_accounts(site: Site) -> list[Assignable]:
    """The accounts this site may give roles to: its tenant's staff, or (main portal) head-office
    staff, regulators and every tenant's staff (for their management accounts)."""
    kinds = [AccountKind.tenant_staff.value]
    if site.tenant is None:
        kinds += [AccountKind.hq_staff.value, AccountKind.regulator.value]
    query = Account.select(
        Account.id, Account.display_name, Account.username, Account.tenant.name
    ).where(Account.kind.is_in(kinds) & (Account.is_active == True))  # noqa: E712 - SQL
    if site.tenant is not None:
        query = query.where(Account.tenant == site.tenant.id)
    rows = await query.order_by(Account.tenant).order_by(Account.id)
    return [
        Assignable(r["id"], r["display_name"] or r["username"], r["username"], r["tenant.name"])
        for r in rows
    ]


async def _page(site: Site, error: str | None, status: int = 200) -> Template:
    return Template(
        "roles.html",
        status_code=status,
        context={
            "site": site,
            "grants": await list_grants(site),
            "accounts": await assignable_accounts(site),
            "roles": HQ_ROLES if site.tenant is None else TENANT_ROLES,
            "tenant_names": await tenant_names() if site.tenant is None else {},
            "error": error,
        },
    )


async def list_grants(site: Site) -> list[Grant]:
    """The grants of this site: its tenant's, or the head office's and the regions'."""
    if site.tenant is not None:
        condition = CasbinRule.domain == tenant_domain(site.tenant.id)
    else:
        condition = (CasbinRule.domain == HQ) | CasbinRule.domain.like(region_domain("%"))
    rows = (
        await CasbinRule.select(CasbinRule.v0, CasbinRule.v1, CasbinRule.domain)
        .where((CasbinRule.ptype == "g") & condition)
        .order_by(CasbinRule.id)
    )
    ids = [int(r["v0"][2:]) for r in rows if r["v0"].startswith("u:")]
    accounts = Account.select(Account.id, Account.username).where(Account.id.is_in(ids or [0]))
    names = {r["id"]: r["username"] for r in await accounts}
    return [
        Grant(int(r["v0"][2:]), names.get(int(r["v0"][2:]), "?"), r["v1"], r["domain"])
        for r in rows
        if r["v0"].startswith("u:")
    ]


async def _change(
    request: Request[Any, Any, Any], site: Site, body: RoleChange, grant: bool
) -> None:
    principal = signed_in(request)
    if site.tenant is not None and (
        body.region_code or body.tenant_id not in (None, site.tenant.id)
    ):
        raise DomainError("本站只能分配本分平台的角色 / this site assigns its own roles only")
    tenant_id = site.tenant.id if site.tenant is not None else body.tenant_id
    await change_role(
        request.app.state.authorizer,
        principal,
        grant=grant,
        account_id=body.account_id,
        role=body.role,
        tenant_id=tenant_id,
        region_code=body.region_code,
        context=context_of(request),
    )


class RoleApi(Controller):
    path = "/api/roles"
    tags = ["roles"]  # noqa: RUF012 - Litestar reads it as a class attribute
    guards = [ASSIGN]  # noqa: RUF012

    @get("/grants", operation_id="listRoleGrants", responses=refusals(401, 403))
    async def grants(self, site: NamedDependency[Site]) -> list[Grant]:
        """Who holds which role on this site."""
        return await list_grants(site)

    @post("/grants", operation_id="grantRole", status_code=204, responses=refusals(400, 401, 403))
    async def grant(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[RoleChange],
    ) -> None:
        """Grant a role (granting one already held changes nothing)."""
        await _change(request, site, data, grant=True)

    @post(
        "/revocations",
        operation_id="revokeRole",
        status_code=204,
        responses=refusals(400, 401, 403),
    )
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[RoleChange],
    ) -> None:
        await _change(request, site, data, grant=False)


class RoleForm(msgspec.Struct):
    account_id: str = ""
    role: str = ""
    region_code: str = ""
    tenant_id: str = ""
    action: str = "grant"


ROLE_FIELDS = {
    "account_id": "roles.account",
    "role": "roles.role",
    "region_code": "roles.region",
    "tenant_id": "roles.tenant",
}


class RolePages(Controller):
    path = "/roles"
    include_in_schema = False
    guards = [ASSIGN]  # noqa: RUF012

    @get("/")
    async def page(self, site: NamedDependency[Site]) -> Template:
        return await _page(site, None)

    @post("/", status_code=200)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[RoleForm, Form],
    ) -> Template | Redirect:
        error = None
        try:
            body = msgspec.convert(
                {k: v for k, v in msgspec.structs.asdict(data).items() if v and k != "action"},
                RoleChange,
                strict=False,
            )
            await _change(request, site, body, grant=data.action != "revoke")
        except DomainError as exc:
            error = exc.message
        except msgspec.ValidationError as exc:
            error = invalid_input(exc, ROLE_FIELDS, locale_of(request))
        if error is not None:
            return await _page(site, error, 400)
        return flash(Redirect(f"{site.root_path}/roles/", status_code=303), "flash.saved")


register_nav(NavEntry("nav.roles", "/roles", "role", "assign", "any", 90))
