"""The site a request is for, and its injection into handlers."""

from __future__ import annotations

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.types import Scope

from core.tenancy.registry import TenantRef

SCOPE_KEY = "sunshine.site"
MAIN_PORTAL_NAME = "阳光采购服务平台"


class Site(msgspec.Struct, frozen=True):
    """The head office's main portal (``tenant is None``) or one tenant's sub-site."""

    tenant: TenantRef | None
    root_path: str = ""  # "/t/<slug>" when reached by the development path prefix

    @property
    def is_main_portal(self) -> bool:
        return self.tenant is None

    @property
    def name(self) -> str:
        return MAIN_PORTAL_NAME if self.tenant is None else self.tenant.shown_name

    @property
    def store_scope(self) -> str:
        """The namespace of every store key and cache entry of this site."""
        return "hq" if self.tenant is None else f"t{self.tenant.id}"


def site_of(scope: Scope) -> Site:
    try:
        return scope[SCOPE_KEY]  # type: ignore[literal-required]
    except KeyError:
        # Only host-agnostic paths (health checks) pass unresolved, and they take no site.
        raise NotFoundException() from None


async def provide_site(request: ASGIConnection) -> Site:
    return site_of(request.scope)


async def provide_tenant(request: ASGIConnection) -> TenantRef:
    """The request's tenant; tenant-only routes 404 on the main portal, like an unknown host."""
    tenant = site_of(request.scope).tenant
    if tenant is None:
        raise NotFoundException()
    return tenant
