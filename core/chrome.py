"""What every page's header shows besides the site: who is signed in, where they may go, and a
message about what they just did. Computed once per page request, before the handler, so that
templates (which render synchronously) only read it."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from core.flash import COOKIE as FLASH_COOKIE
from core.flash import pending_flash
from core.identity.principal import Principal
from core.navigation import NavEntry, navigation
from core.settings import get_settings
from core.tenancy.site import SCOPE_KEY, site_of

# Paths that are never pages: no header to compute.
_NOT_PAGES = ("/api/", "/static/", "/files/", "/schema", "/healthz", "/readyz")


@dataclass(frozen=True)
class Chrome:
    viewer: Principal | None = None
    nav: list[NavEntry] = field(default_factory=list)
    flash: str | None = None  # a message key

    @property
    def personal(self) -> bool:
        """The page shows something of this visitor's own, so it may not come from the cache
        that every visitor of the site shares."""
        return self.viewer is not None or self.flash is not None


ANONYMOUS = Chrome()


def _is_page(request: Request[Any, Any, Any]) -> bool:
    return SCOPE_KEY in request.scope and not request.scope["path"].startswith(_NOT_PAGES)


async def compute_chrome(request: Request[Any, Any, Any]) -> None:
    """``before_request``: put the page's :class:`Chrome` in ``request.state.chrome``."""
    if not _is_page(request):
        return
    principal = request.scope.get("user")
    flash = pending_flash(request)
    if not isinstance(principal, Principal):
        request.state.chrome = Chrome(flash=flash) if flash else ANONYMOUS
        return
    _, session = request.scope["auth"]  # type: ignore[typeddict-item]
    outstanding = session.must_change_password or session.needs_totp_enrolment
    # Until the password is replaced (or TOTP enrolled) no console page opens: show none.
    nav = (
        []
        if outstanding
        else await navigation(request.app.state.authorizer, principal, site_of(request.scope))
    )
    request.state.chrome = Chrome(viewer=principal, nav=nav, flash=flash)


class FlashMiddleware(ASGIMiddleware):
    """A page that showed the flash message drops its cookie; a redirect passes it on."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if FLASH_COOKIE not in ASGIConnection(scope).cookies:
            await next_app(scope, receive, send)
            return

        async def send_dropping(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 300:
                secure = "" if get_settings().security.insecure_cookies else "; Secure"
                drop = f"{FLASH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax{secure}"
                message["headers"] = [*message["headers"], (b"set-cookie", drop.encode())]
            await send(message)

        await next_app(scope, receive, send_dropping)


def chrome_of(request: Request[Any, Any, Any]) -> Chrome:
    return getattr(request.state, "chrome", ANONYMOUS)


def csrf_input(request: Request[Any, Any, Any]) -> str:
    """The hidden form field Litestar's ``Template`` responses carry, for pages rendered
    otherwise (the portal's): the header's sign-out form needs it."""
    token = value_or_default(ScopeState.from_scope(request.scope).csrf_token, "")
    return f'<input type="hidden" name="_csrf_token" value="{html.escape(token)}" />'
