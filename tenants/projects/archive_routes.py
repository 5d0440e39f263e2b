"""The archive's download (一项一档): from the project's console page for the sub-platform's
staff, and from head office's portal for regulators whose region covers the tenant."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from core.authz.guards import main_portal_only, requires, requires_active, signed_in, sub_site_only
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.errors import NotFound
from core.identity.routes import context_of
from core.libraries.experts.specialties import specialty_names
from core.openapi import PathId
from core.tenancy.registry import TenantRef, find_tenant_by_id
from core.tenancy.site import Site
from tenants.projects import archive, draw
from tenants.projects.answering import private_file
from tenants.projects.registration import project_in
from tenants.projects.tables import Project
from tenants.supervision import check_visible


class ArchivePages(Controller):
    path = "/console/projects/{project_id:int}/archive"
    include_in_schema = False
    guards = [sub_site_only, requires("archive", "read")]  # noqa: RUF012

    @get("/")
    async def download(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> Response[bytes]:
        name, data = await archive.export(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            context_of(request),
        )
        return private_file(name, data, "application/zip")


async def _visible(request: Request[Any, Any, Any], tenant_id: int) -> TenantRef:
    """The tenant, when the reader may read its archives; else "not found"."""
    authorizer, principal = request.app.state.authorizer, signed_in(request)
    await check_visible(authorizer, principal, tenant_id)
    tenant = await find_tenant_by_id(tenant_id)
    if tenant is None:
        raise NotFound("分平台不存在 / no such tenant")
    await authorize(authorizer, principal, tenant_domain(tenant_id), "archive", "read")
    return tenant


class RegulatorArchivePages(Controller):
    """监管查阅: a regulator's read-only list of a tenant's projects and their archives."""

    path = "/admin/tenants/{tenant_id:int}/projects"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/")
    async def projects(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], tenant_id: PathId
    ) -> Template:
        tenant = await _visible(request, tenant_id)
        rows = (
            await Project.select(
                Project.id, Project.code, Project.title, Project.state, Project.method
            )
            .where(Project.tenant == tenant.id)
            .order_by(Project.id, ascending=False)
            .limit(500)
        )
        return Template(
            "admin/tenant_projects.html",
            context={"site": site, "tenant": tenant, "rows": rows},
        )

    @get("/{project_id:int}/draws")
    async def draws(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant_id: PathId,
        project_id: PathId,
    ) -> Template:
        """抽取复现: each expert draw replayed from its recorded seed and pool."""
        tenant = await _visible(request, tenant_id)
        project = await project_in(tenant, project_id)
        replays = await draw.replays_of(tenant, project_id)
        return Template(
            "admin/draw_replays.html",
            context={
                "site": site,
                "tenant": tenant,
                "project": project,
                "replays": replays,
                "specialties": await specialty_names([r.specialty_code for r in replays]),
            },
        )

    @get("/{project_id:int}/archive")
    async def download(
        self, request: Request[Any, Any, Any], tenant_id: PathId, project_id: PathId
    ) -> Response[bytes]:
        tenant = await _visible(request, tenant_id)
        name, data = await archive.export(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            context_of(request),
        )
        return private_file(name, data, "application/zip")
