"""Who may consult the shared libraries: one guard for suppliers, experts and commodities."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.authz.guards import requires_active, signed_in
from core.authz.model import HQ, tenant_domain
from core.tenancy.site import site_of


async def library_reader(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """("library", "read") in the site's own domain: head office on the main portal, a tenant's
    staff (or a regulator of its region) on its sub-site. The library is shared by every
    platform (seed 000 Art. 22); a suspended tenant's deny refuses its staff."""
    await requires_active(connection, handler)
    principal = signed_in(connection)
    tenant = site_of(connection.scope).tenant
    dom = HQ if tenant is None else tenant_domain(tenant.id)
    authorizer = connection.app.state.authorizer
    if not await authorizer.allowed(principal.casbin_subject, dom, "library", "read"):
        raise PermissionDeniedException("无权查阅共享库 / you may not consult the libraries")
