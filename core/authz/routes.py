"""Role assignment (角色分配): head-office roles and region grants on the main portal (and a
tenant's management accounts, by ``tenant_id``); tenant roles on the tenant's own site."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import Template

from core.authz.guards import requires, signed_in
from core.authz.model import HQ, region_domain, tenant_domain
from core.authz.policies import change_role
from core.authz.tables import CasbinRule
from core.errors import DomainError
from core.forms import Form
from core.identity.routes import context_of
from core.identity.tables import Account
from core.navigation import NavEntry, register_nav
from core.openapi import RowId, refusals
from core.tenancy.site import Site

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


class RolePages(Controller):
    path = "/roles"
    include_in_schema = False
    guards = [ASSIGN]  # noqa: RUF012

    @get("/")
    async def page(self, site: NamedDependency[Site]) -> Template:
        return Template(
            "roles.html", context={"site": site, "grants": await list_grants(site), "error": None}
        )

    @post("/", status_code=200)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[RoleForm, Form],
    ) -> Template:
        error = None
        try:
            body = msgspec.convert(
                {k: v for k, v in msgspec.structs.asdict(data).items() if v and k != "action"},
                RoleChange,
                strict=False,
            )
            await _change(request, site, body, grant=data.action != "revoke")
        except (DomainError, msgspec.ValidationError) as exc:
            error = exc.message if isinstance(exc, DomainError) else str(exc)
        return Template(
            "roles.html",
            status_code=400 if error else 200,
            context={"site": site, "grants": await list_grants(site), "error": error},
        )


register_nav(NavEntry("nav.roles", "/roles", "role", "assign", "any", 90))
