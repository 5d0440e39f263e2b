"""Cached portal pages answered to anonymous visitors before Litestar runs (页面缓存直出).

A visitor with no session and no flash message sees the page every such visitor of the site
sees, which :mod:`themes.cache` already keeps. Going through Litestar to fetch it (routing,
dependencies, the session, CSRF and flash middleware, the page chrome) cost about four times
the bytes themselves (issue #15). So this layer, between site resolution and Litestar, keeps
the whole response (status, headers, body) of such a page beside the rendered page, under the
same generation, and replays it: two store reads and the bytes. No CSRF cookie is minted on a
replay; pages with a form are never shared (a signed-in visitor's) or are not cached at all.

Only a GET without a query string is replayed (each URL its own entry; a query could vary
without bound, while a path names a real page or answers 404, which is never kept). Litestar
still answers everything else, and the first request after each invalidation, which records.
"""

from __future__ import annotations

import re
import time

import msgspec
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import metrics
from core.flash import COOKIE as FLASH_COOKIE
from core.tenancy.site import SCOPE_KEY, Site
from themes.cache import PORTAL_CACHE, RECORD, PortalCache
from themes.i18n import COOKIE as LOCALE_COOKIE
from themes.i18n import DEFAULT_LOCALE, LOCALES

SESSION_COOKIES = frozenset({"sunshine_session", "__Host-sunshine_session"})
_NOT_KEPT = frozenset({b"set-cookie", b"server-timing"})


class Recorded(msgspec.Struct, array_like=True):
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: str  # Litestar's path template, the request metrics' label


_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(Recorded).decode


def replay_key(scope: Scope) -> str | None:
    """The entry of this request, or None when it is not one that may be replayed. Cookies are
    read as Litestar reads them, so the locale here is the one the page is rendered in."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string"):
        return None
    cookies = ASGIConnection(scope).cookies
    if FLASH_COOKIE in cookies or not SESSION_COOKIES.isdisjoint(cookies):
        return None
    locale = cookies.get(LOCALE_COOKIE, DEFAULT_LOCALE)
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    # The full path (with any /t/<slug> prefix): one sub-site answers on two roots in development.
    return f"{locale}:{scope['path']}"


def _canonical(scope: Scope) -> bool:
    """Whether the path is the route's own spelling: ``/announcements/007`` and ``/07`` are one
    page to the route and the page cache, so only ``/7`` is recorded, and nobody can fill the
    store with spellings of one page."""
    template: str = scope.get("path_template", "")  # type: ignore[assignment]
    params: dict[str, object] = scope.get("path_params", {})  # type: ignore[assignment]
    path = _PARAM.sub(lambda m: str(params.get(m[1], m[0])), template)
    return bool(template) and scope["path"].removeprefix(scope.get("root_path", "")) == path


_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


class PageReplay:
    def __init__(self, app: ASGIApp, cache: PortalCache = PORTAL_CACHE) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site: Site | None = scope.get(SCOPE_KEY)  # type: ignore[assignment]
        key = replay_key(scope) if site is not None else None
        if site is None or key is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        blob = await self.cache.replayed(site, key)
        if blob is not None:
            page = _decode(blob)
            await send(
                {"type": "http.response.start", "status": page.status, "headers": page.headers}
            )
            await send({"type": "http.response.body", "body": page.body, "more_body": False})
            if metrics.ENABLED:
                metrics.PAGE_REPLAY.inc()
                metrics.count_request(page.route, time.perf_counter() - started)
            return
        await self.app(scope, receive, self._recording(site, key, scope, send))

    def _recording(self, site: Site, key: str, scope: Scope, send: Send) -> Send:
        start: dict[str, object] = {}
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            await send(message)
            prefix = scope.get(RECORD)  # type: ignore[misc]
            if prefix is None or not _canonical(scope):
                return
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    headers = [
                        (bytes(k), bytes(v))
                        for k, v in start.get("headers", [])  # type: ignore[attr-defined]
                        if bytes(k).lower() not in _NOT_KEPT
                    ]
                    route = str(scope.get("path_template", scope["path"]))
                    page = Recorded(200, headers, b"".join(chunks), route)
                    await self.cache.record(site, prefix, key, _encode(page))

        return recording_send
