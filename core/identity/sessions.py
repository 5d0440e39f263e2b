"""Server-side sessions (会话), kept in the store of the site that issued them.

The cookie holds a random id; the store key is its SHA-256, under the site's scope, so a
session issued on one tenant's host does not exist on another's. Every request re-checks
the account (disabled, password changed) and the tenant (suspended), so those end sessions
on the next request without having to find them.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.stores.base import Store
from litestar.types import ASGIApp, Receive, Scope, Send

from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.settings import SecuritySettings, get_settings
from core.stores import Stores
from core.tenancy.site import SCOPE_KEY, Site

SESSION_STORE = "sessions"
REFRESH_EVERY_S = 60  # idle expiry is pushed forward at most once a minute
# Read on every signed-in request: plain SQL, as Piccolo's query builder costs as much CPU as
# the query itself.
_ACCOUNT_STATE = (
    "SELECT username, display_name, kind, tenant, is_active, password_changed_at, password_hash"
    " FROM account"
    " WHERE id = {}"
)


class SessionRecord(msgspec.Struct):
    account_id: int
    host: str
    created_at: float
    refreshed_at: float
    password_changed_at: float  # the account's, at login: a later change ends this session
    # The end of the password's hash at login: a reset by an administrator (to a first password,
    # whose changed-at is always the same marker) ends this session too. "" in older sessions.
    password_tag: str = ""
    must_change_password: bool = False
    initial_password: bool = False  # why it must: a first password an administrator set
    needs_totp_enrolment: bool = False
    totp_pending: str | None = None  # secret being enrolled, until confirmed


def password_tag(password_hash: str) -> str:
    """A short fingerprint of a password hash (its salted digest's end): not the hash itself,
    which a session store has no need to hold."""
    return password_hash[-12:]


def cookie_name(security: SecuritySettings) -> str:
    # __Host-: Secure, Path=/, no Domain: the cookie can't be set for or by a sibling host.
    return "sunshine_session" if security.insecure_cookies else "__Host-sunshine_session"


def session_cookie(
    security: SecuritySettings, site: Site, value: str, *, max_age: int | None
) -> Cookie:
    """The session cookie. ``__Host-`` cookies must have ``Path=/``; a development cookie
    is scoped to its ``/t/<slug>/`` prefix, so sub-sites on one host keep their sessions."""
    insecure_prefix = security.insecure_cookies and site.root_path
    return Cookie(
        key=cookie_name(security),
        value=value,
        path=site.root_path + "/" if insecure_prefix else "/",
        secure=not security.insecure_cookies,
        httponly=True,
        samesite="lax",
        max_age=max_age,
    )


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _host(scope: Scope) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "").lower()


class Sessions:
    """Create, read and end sessions of one site."""

    def __init__(self, stores: Stores, site: Site, security: SecuritySettings) -> None:
        self.store: Store = stores.get(site, SESSION_STORE)
        self.security = security

    @property
    def idle_s(self) -> int:
        return self.security.session_idle_minutes * 60

    async def create(self, record: SessionRecord) -> str:
        """Store a new session and return its id (a new id at every login)."""
        session_id = secrets.token_urlsafe(32)
        await self.save(session_id, record)
        return session_id

    async def save(self, session_id: str, record: SessionRecord) -> None:
        await self.store.set(_key(session_id), msgspec.json.encode(record), expires_in=self.idle_s)

    async def load(self, session_id: str) -> SessionRecord | None:
        raw = await self.store.get(_key(session_id))
        return msgspec.json.decode(raw, type=SessionRecord) if raw else None

    async def end(self, session_id: str) -> None:
        await self.store.delete(_key(session_id))


class SessionMiddleware(ASGIMiddleware):
    """Puts the request's :class:`Principal` (or None) in ``scope["user"]``."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        site: Site | None = scope.get(SCOPE_KEY)  # type: ignore[call-overload]
        if site is not None:
            await _authenticate(scope, site)
        await next_app(scope, receive, send)


async def _authenticate(scope: Scope, site: Site) -> None:
    security = get_settings().security
    session_id = ASGIConnection(scope).cookies.get(cookie_name(security))
    if not session_id:
        return
    sessions = Sessions(scope["app"].state.stores, site, security)
    record = await sessions.load(session_id)
    if record is None:
        return
    now = time.time()
    rows = await Account.raw(_ACCOUNT_STATE, record.account_id)
    account = rows[0] if rows else None
    cut_off = site.tenant.sessions_valid_after if site.tenant is not None else None
    ended_by_suspension = (
        cut_off is not None
        and account is not None
        and account["kind"] == AccountKind.tenant_staff.value
        and record.created_at < cut_off.timestamp()
    )
    if (
        account is None
        or not account["is_active"]
        or account["password_changed_at"].timestamp() > record.password_changed_at + 1e-3
        or (record.password_tag and record.password_tag != password_tag(account["password_hash"]))
        or record.host != _host(scope)  # replayed on another host
        or now - record.created_at > security.session_max_hours * 3600
        or now - record.refreshed_at > security.session_idle_minutes * 60
        or ended_by_suspension
    ):
        await sessions.end(session_id)
        return
    if now - record.refreshed_at > REFRESH_EVERY_S:
        record.refreshed_at = now
        await sessions.save(session_id, record)
    scope["user"] = Principal(
        account_id=record.account_id,
        username=account["username"],
        kind=AccountKind(account["kind"]),
        display_name=account["display_name"],
        tenant_id=account["tenant"],
    )
    scope["auth"] = (session_id, record)
