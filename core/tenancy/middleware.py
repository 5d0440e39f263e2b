"""Resolves the site before routing, so the development prefix ``/t/<slug>`` can be stripped.

Litestar's own middleware runs after routing; this wraps the application's ASGI handler
instead (see :func:`core.app.create_app`).
"""

from __future__ import annotations

import logging

from litestar.types import ASGIApp, Receive, Scope, Send

from core.outages import RETRY_AFTER_S, UNAVAILABLE, outage_message
from core.tenancy.resolver import SiteResolver
from core.tenancy.site import SCOPE_KEY

log = logging.getLogger(__name__)

# Probes come by IP address from the orchestrator: they concern the process, not a site.
# So do the TLS proxy asking whether a host is ours, and the metrics scraper.
HOST_AGNOSTIC_PATHS = frozenset({"/healthz", "/readyz", "/tls/ask", "/metrics"})

NOT_FOUND_PAGE = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>未找到 / Not found</title>'
    "<h1>未找到该站点</h1><p>No such site on this platform.</p></html>"
).encode()


class SiteResolutionMiddleware:
    def __init__(self, app: ASGIApp, resolver: SiteResolver) -> None:
        self.app = app
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in HOST_AGNOSTIC_PATHS:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        try:
            site = await self.resolver.resolve(host, scope["path"])
        except Exception as exc:
            # Before Litestar's exception handlers: a database outage is answered here.
            message = outage_message(exc)
            if message is None:
                log.exception("site resolution failed for host %r", host)
            else:
                log.warning("site resolution failed for host %r: %r", host, exc)
            page = f"<!doctype html><title>503</title><p>{message or UNAVAILABLE}</p>"
            await _refuse(scope, send, 503, page.encode())
            return
        if site is None:
            await _refuse(scope, send, 404, NOT_FOUND_PAGE)
            return
        if site.root_path and scope["path"] == site.root_path:
            # "/t/jinan" → "/t/jinan/", so relative links resolve inside the sub-site.
            await _redirect(send, site.root_path + "/")
            return
        scope[SCOPE_KEY] = site  # type: ignore[literal-required]
        if site.root_path:
            # ASGI: ``path`` keeps the prefix and ``root_path`` names it; Litestar strips it.
            scope["root_path"] = scope.get("root_path", "") + site.root_path
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, status: int, body: bytes) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": str(status)})
        return
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *([(b"retry-after", str(RETRY_AFTER_S).encode())] if status == 503 else []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _redirect(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 308,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})
