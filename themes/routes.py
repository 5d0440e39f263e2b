"""Portal pages of the uniform theme."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from core.settings import get_settings
from core.tenancy.registry import list_tenants
from core.tenancy.site import MAIN_PORTAL_NAME, Site
from core.tenancy.tables import TenantState
from core.tenancy.urls import main_portal_url, tenant_url

LISTED_STATES = (TenantState.active, TenantState.warned, TenantState.admin_revoked)


@get("/", include_in_schema=False)
async def home(site: NamedDependency[Site]) -> Template:
    """Main portal: the directory of sub-platforms. Sub-site: its own home page."""
    settings = get_settings()
    tenants = []
    if site.is_main_portal:
        tenants = [(t, tenant_url(settings, t)) for t in await list_tenants(states=LISTED_STATES)]
    return Template(
        "home.html",
        context={
            "site": site,
            "tenants": tenants,
            "main_portal_name": MAIN_PORTAL_NAME,
            "main_portal_url": main_portal_url(settings),
        },
    )
