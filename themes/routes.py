"""The theme's own portal pages: home, sub-platform directory, contact, language, images."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from core.settings import get_settings
from core.storage import ObjectMissing
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.site import Site
from core.tenancy.urls import on_site, tenant_url
from tenants.announcements import queries
from tenants.announcements.queries import LISTED_STATES
from tenants.announcements.tables import TYPE_LABELS, AnnouncementType
from tenants.branding import ImageKind, image_of
from themes import STATIC
from themes.i18n import COOKIE, LOCALES
from themes.portal import Portal, portal_page
from themes.tokens import Layout

static_files = create_static_files_router(
    path="/static", directories=[STATIC], include_in_schema=False, name="theme_static"
)


async def _directory() -> list[tuple[str, str]]:
    settings = get_settings()
    listed = await TENANT_CACHE.listed(LISTED_STATES)
    return [(t.shown_name, tenant_url(settings, t)) for t in listed]


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Response[bytes]:
    """Latest announcements by type (the main portal: of every listed sub-platform), the
    granted plugins' blocks and approved custom blocks, in the approved layout."""
    tenant_id = None if site.tenant is None else site.tenant.id

    async def build(portal: Portal) -> dict[str, object]:
        sections = []
        for kind in AnnouncementType:
            sections.append((kind, TYPE_LABELS[kind], await queries.latest(tenant_id, kind)))
        blocks = []
        for granted in portal.plugins:
            for block in granted.spec.blocks:
                data = await block.context(tenant_id, granted.settings, portal.locale)
                blocks.append((block.template, data))
        return {
            "sections": sections,
            "plugin_blocks": blocks,
            "blocks_first": portal.custom.layout is Layout.blocks_first,
            "directory": await _directory() if site.is_main_portal else [],
        }

    return await portal_page(request, site, "home.html", "home", build=build)


@get("/sub-platforms", include_in_schema=False)
async def sub_platforms(
    request: Request[Any, Any, Any], site: NamedDependency[Site]
) -> Response[bytes]:
    """分平台目录: every listed sub-platform, linking to its own site (main portal only)."""
    if not site.is_main_portal:
        raise NotFoundException()

    async def build(_: Portal) -> dict[str, object]:
        return {"directory": await _directory()}

    return await portal_page(request, site, "sub_platforms.html", "sub-platforms", build=build)


@get("/contact", include_in_schema=False)
async def contact(request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Response[bytes]:
    return await portal_page(request, site, "contact.html", "contact")


@get("/lang/{locale:str}", include_in_schema=False)
async def choose_language(
    site: NamedDependency[Site],
    locale: FromPath[str],
    next: Annotated[str, FromQuery] = "/",
) -> Redirect:
    """Switch between Chinese and English with a link; the page stays where it was."""
    if locale not in LOCALES:
        raise NotFoundException()
    response = Redirect(f"{site.root_path}{on_site(next, '/')}", status_code=303)
    response.set_cookie(
        COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="lax", path="/"
    )
    return response


@get("/branding/{kind:str}", include_in_schema=False)
async def branding_image(
    site: NamedDependency[Site], kind: FromPath[str], state: State
) -> Response[bytes]:
    """The sub-site's logo or banner. Its URL carries the content hash, so it may be cached."""
    if site.tenant is None or kind not in ImageKind.__members__:
        raise NotFoundException()
    key = await image_of(site.tenant.id, ImageKind(kind))
    try:
        data = await state.object_storage.get(key)
    except ObjectMissing:
        raise NotFoundException() from None
    media_type = "image/png" if key.value.endswith(".png") else "image/jpeg"
    headers = {
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    return Response(data, media_type=media_type, headers=headers)
