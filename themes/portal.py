"""A site's portal as the theme shows it, read fresh from the database on every render.

Open edX's idea: per-site values merged over the theme's defaults, as data. A render reads the
tenant row itself rather than the resolver's snapshot, so a cached page is never built from
branding or a state older than the change that invalidated the cache.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request, Response

from core import metrics
from core.chrome import chrome_of, csrf_input
from core.data.columns import json_column
from core.settings import get_settings
from core.tenancy.site import MAIN_PORTAL_NAME, Site
from core.tenancy.tables import Tenant, TenantState
from core.tenancy.urls import main_portal_url
from plugins.registry import CATALOGUE, PluginSpec
from plugins.tables import TenantPlugin
from themes.cache import PORTAL_CACHE
from themes.i18n import locale_of, translate
from themes.palette import DEFAULT_ACCENT, PALETTE
from themes.tokens import (
    Branding,
    Customisation,
    Images,
    branding_of,
    customisation_of,
    images_of,
)

HEAD_OFFICE_BRANDING = Branding(display_name=MAIN_PORTAL_NAME)


@dataclass(frozen=True)
class GrantedPlugin:
    spec: PluginSpec
    settings: Any


@dataclass(frozen=True)
class Portal:
    site: Site
    locale: str
    branding: Branding
    custom: Customisation
    images: Images
    suspended: bool
    plugins: tuple[GrantedPlugin, ...]
    main_portal_url: str

    @property
    def accent(self) -> str:
        return PALETTE.get(self.branding.accent, PALETTE[DEFAULT_ACCENT])

    def href(self, path: str) -> str:
        """A path of this site, with the development prefix when reached through one."""
        return f"{self.site.root_path}{path}" if path.startswith("/") else path

    def nav(self) -> list[tuple[str, str]]:
        """(label, href): the theme's entries, then granted plugins', then approved ones."""
        t = self.locale
        entries = [
            (translate("nav.home", t), self.href("/")),
            (translate("nav.announcements", t), self.href("/announcements")),
        ]
        if self.site.is_main_portal:
            entries.append((translate("nav.sub_platforms", t), self.href("/sub-platforms")))
            entries.append((translate("nav.credit", t), self.href("/credit-notices")))
        entries.append((translate("nav.suppliers", t), self.href("/suppliers")))
        for granted in self.plugins:
            for entry in granted.spec.nav:
                entries.append((entry.label[1 if t == "en" else 0], self.href(entry.path)))
        entries.append((translate("nav.contact", t), self.href("/contact")))
        entries.extend((item.label, self.href(item.href)) for item in self.custom.menu_items)
        return entries

    def granted(self, name: str) -> GrantedPlugin | None:
        return next((g for g in self.plugins if g.spec.name == name), None)


async def load_portal(site: Site, locale: str) -> Portal:
    portal_url = main_portal_url(get_settings())
    if site.tenant is None:
        return Portal(
            site, locale, HEAD_OFFICE_BRANDING, Customisation(), Images(), False, (), portal_url
        )
    row = (
        await Tenant.select(Tenant.name, Tenant.state, Tenant.branding)
        .where(Tenant.id == site.tenant.id)
        .first()
    )
    if row is None:  # closed and removed since the host was resolved
        raise LookupError(site.tenant.id)
    data = json_column(row["branding"], dict)
    granted = []
    rows = await TenantPlugin.select(TenantPlugin.plugin, TenantPlugin.settings).where(
        TenantPlugin.tenant == site.tenant.id
    )
    for plugin_row in sorted(rows, key=lambda r: r["plugin"]):
        spec = CATALOGUE.get(plugin_row["plugin"])
        if spec is not None:  # a plugin withdrawn from the catalogue simply disappears
            granted.append(GrantedPlugin(spec, spec.parse_settings(plugin_row["settings"])))
    return Portal(
        site,
        locale,
        branding_of(data, row["name"]),
        customisation_of(data),
        images_of(data),
        row["state"] == TenantState.suspended.value,
        tuple(granted),
        portal_url,
    )


async def portal_page(
    request: Request[Any, Any, Any],
    site: Site,
    template: str,
    key: str,
    context: dict[str, object] | None = None,
    build: Callable[[Portal], Awaitable[dict[str, object]]] | None = None,
    *,
    cache: bool = True,
    replay: bool = True,
) -> Response[bytes]:
    """A public portal page of ``site``, from the page cache or rendered into it.

    ``key`` names the page within the site (the caller normalises any query into it); ``build``
    is an optional coroutine function of the :class:`Portal` giving more context. Pages whose
    keys a visitor can vary without bound (free-text searches) pass ``cache=False``; pages whose
    content without a query string still changes by itself (the current month's calendar)
    pass ``replay=False``, since a replay (:mod:`themes.replay`) is keyed by the URL alone.
    """
    locale = locale_of(request)
    chrome = chrome_of(request)

    async def render() -> bytes:
        portal = await load_portal(site, locale)
        values = {
            "site": site,
            "portal": portal,
            "locale": locale,
            "request_path": request.scope["path"],  # within the site, for the language link
            "chrome": chrome,
            "csrf_input": csrf_input(request) if chrome.personal else "",
            **(context or {}),
        }
        if build is not None:
            values.update(await build(portal))
        engine = request.app.template_engine
        return engine.get_template(template).render(**values).encode()  # type: ignore[union-attr]

    # The root path is in the key: in development one sub-site answers both on its host ("")
    # and under /t/<slug>, and its links differ.
    page_key = f"{locale}:{site.root_path}:{key}"
    # A signed-in visitor's header names them: their pages are never shared through the cache.
    shared = cache and not chrome.personal
    if metrics.ENABLED and not shared:
        metrics.PAGE_BYPASS.inc()
    if not shared:
        body = await render()
    else:
        body = await PORTAL_CACHE.page(site, page_key, render, request.scope if replay else None)
    return Response(body, media_type=MediaType.HTML)


class PortalErrorPage(Response[bytes]):
    """An error page in the site's own branding.

    Litestar's exception handlers are synchronous, and the branding is read from the database,
    so the page is rendered when the response is sent rather than when it is made.
    """

    def __init__(self, request: Request[Any, Any, Any], site: Site, status_code: int, message: str):
        super().__init__(b"", status_code=status_code, media_type=MediaType.HTML)
        self._request, self._site, self._message = request, site, message

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        async def send_page(scope: Any, receive: Any, send: Any) -> None:
            locale = locale_of(self._request)
            try:
                portal: Portal | None = await load_portal(self._site, locale)
            except Exception:  # the database is down: the page without the branding
                portal = None
            values: dict[str, object] = {
                "site": self._site,
                "locale": locale,
                "message": self._message,
                "status_code": self.status_code,
                "request_path": "/",
            }
            if portal is not None:
                values["portal"] = portal
            engine = self._request.app.template_engine
            body = engine.get_template("error.html").render(**values).encode()  # type: ignore[union-attr]
            page = Response(
                body, status_code=self.status_code, media_type=self.media_type, headers=self.headers
            )
            await page.to_asgi_response(*args, **kwargs)(scope, receive, send)

        return send_page
