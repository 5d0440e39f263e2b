"""What the current site is, as JSON."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency

from core.tenancy.site import Site


class SiteInfo(msgspec.Struct):
    kind: str  # "main_portal" or "tenant"
    name: str
    slug: str | None = None
    state: str | None = None


@get("/api/site", operation_id="getSite", tags=["site"])
async def get_site(site: NamedDependency[Site]) -> SiteInfo:
    """The site this host serves: the main portal or one sub-site (当前站点)."""
    if site.tenant is None:
        return SiteInfo(kind="main_portal", name=site.name)
    tenant = site.tenant
    return SiteInfo(kind="tenant", name=site.name, slug=tenant.slug, state=tenant.state.value)
