"""Sign-in, sessions and the level-3 login controls."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time

import httpx
import msgspec
import pyotp
import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.identity.accounts import create_account
from core.identity.invitations import invite
from core.identity.passwords import UNUSABLE_HASH
from core.identity.sessions import SessionRecord, _key
from core.identity.tables import Account, AccountKind
from core.stores import Stores
from core.tenancy.registry import TenantRef
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.site import Site
from core.tenancy.tables import Tenant, TenantState
from tests.conftest import (
    BASE_DOMAIN,
    PASSWORD,
    client_for,
    new_account,
    sign_in,
    unique_slug,
    with_csrf,
)

COOKIE = "__Host-sunshine_session"


def host_of(tenant: TenantRef | None) -> str:
    return BASE_DOMAIN if tenant is None else f"{tenant.slug}.{BASE_DOMAIN}"


def client(app: Litestar, tenant: TenantRef | None = None) -> httpx.AsyncClient:
    return client_for(app, host_of(tenant))


@pytest.mark.asyncio
async def test_sign_in_sets_a_host_only_secure_cookie(app: Litestar, tenant_a: TenantRef) -> None:
    staff = await new_account(AccountKind.tenant_staff, tenant_a)
    async with client(app, tenant_a) as c:
        response = await sign_in(c, staff.username)
        assert response.status_code == 200, response.text
        assert response.json()["username"] == staff.username
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        for attribute in ("path=/", "secure", "httponly", "samesite=lax"):
            assert attribute in cookie.lower()
        assert "Domain" not in cookie
        assert (await c.get("/api/auth/me")).json()["account_id"] == staff.account_id


@pytest.mark.asyncio
async def test_sign_in_rotates_the_session_id(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        first = c.cookies[COOKIE]
        await sign_in(c, supplier.username)
        second = c.cookies[COOKIE]
        assert first != second
        c.cookies.set(COOKIE, first, domain=BASE_DOMAIN)
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_organisations_sign_in_with_their_credit_code(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier, credit_code="91370100MA3C5XXX0K")
    async with client(app) as c:
        response = await sign_in(c, "91370100ma3c5xxx0k")
        assert response.status_code == 200 and response.json()["username"] == supplier.username


@pytest.mark.asyncio
async def test_every_wrong_credential_gives_one_message(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    staff_a = await new_account(AccountKind.tenant_staff, tenant_a)
    disabled = await new_account(AccountKind.supplier)
    await Account.update({Account.is_active: False}).where(Account.id == disabled.account_id)
    attempts = [
        (tenant_a, "no-such-user", PASSWORD),
        (tenant_a, staff_a.username, "Wrong-Passw0rd"),
        (tenant_b, staff_a.username, PASSWORD),  # staff of A on B's host
        (None, staff_a.username, PASSWORD),  # tenant staff on the main portal
        (None, disabled.username, PASSWORD),
    ]
    bodies = set()
    for tenant, login, password in attempts:
        async with client(app, tenant) as c:
            response = await sign_in(c, login, password)
            assert response.status_code == 401, (login, response.text)
            bodies.add(response.text)
    assert len(bodies) == 1
    failures = await AuditEntry.count().where(
        (AuditEntry.action == "auth.login")
        & (AuditEntry.outcome == "failure")
        & (AuditEntry.actor == staff_a.username)
    )
    assert failures == 3


@pytest.mark.asyncio
async def test_an_account_created_without_a_password_signs_in_once_invited(
    app: Litestar, tenant_a: TenantRef
) -> None:
    """How provisioning creates the operator: no password at all until its invitation."""
    username = unique_slug("operator")
    account_id = await create_account(
        username=username,
        display_name="运营机构管理员",
        kind=AccountKind.tenant_staff,
        password=None,
        tenant_id=tenant_a.id,
    )
    stored = await Account.select(Account.password_hash).where(Account.id == account_id).first()
    assert stored == {"password_hash": UNUSABLE_HASH}
    async with client(app, tenant_a) as c:
        for password in (UNUSABLE_HASH, PASSWORD):
            assert (await sign_in(c, username, password)).status_code == 401
        token = await invite(account_id)
        accepted = await c.post(f"/api/operator/invitations/{token}", json={"password": PASSWORD})
        assert accepted.json() == {"username": username}
        assert (await sign_in(c, username, PASSWORD)).status_code == 200


@pytest.mark.asyncio
async def test_five_failures_lock_the_account(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    for _ in range(5):
        async with client(app) as c:  # each from another address: the account counter
            assert (await sign_in(c, supplier.username, "Wrong-1aaaa")).status_code == 401
    async with client(app) as c:
        locked = await sign_in(c, supplier.username)  # even the right password
        assert locked.status_code == 429 and "15" in locked.json()["error"]


@pytest.mark.asyncio
async def test_five_failures_lock_the_client_address(app: Litestar) -> None:
    victim = await new_account(AccountKind.supplier)
    async with client(app) as c:
        for i in range(5):
            assert (await sign_in(c, f"guess-{i}", "Wrong-1aaaa")).status_code == 401
        assert (await sign_in(c, victim.username)).status_code == 429
    async with client(app) as elsewhere:
        assert (await sign_in(elsewhere, victim.username)).status_code == 200


@pytest.mark.asyncio
async def test_lockout_ends_after_its_window(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    stores: Stores = app.state.stores
    counters = stores.get(Site(tenant=None), "login_failures")
    await counters.set(f"acct:{supplier.username}", "5", expires_in=1)
    async with client(app) as c:
        assert (await sign_in(c, supplier.username)).status_code == 429
    await asyncio.sleep(1.1)  # the store's own expiry: the real clock
    async with client(app) as c:
        assert (await sign_in(c, supplier.username)).status_code == 200


@pytest.mark.asyncio
async def test_an_expired_password_must_be_changed_first(app: Litestar) -> None:
    admin = await new_account(AccountKind.hq_staff)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    await Account.update({Account.password_changed_at: old}).where(Account.id == admin.account_id)
    async with client(app) as c:
        response = await sign_in(c, admin.username)
        assert response.json()["must_change_password"] is True
        new = "Another-Passw0rd"
        changed = await c.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": new}
        )
        assert changed.status_code == 204, changed.text
        assert (await c.get("/api/auth/me")).json()["must_change_password"] is False


@pytest.mark.asyncio
async def test_a_weak_or_unchanged_new_password_is_refused(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        for new, field in (
            ("short1A", "new_password"),
            ("alllowercase", "new_password"),
            (PASSWORD, "new_password"),
        ):
            r = await c.post(
                "/api/auth/password", json={"current_password": PASSWORD, "new_password": new}
            )
            assert r.status_code == 400 and r.json()["detail"]["field"] == field, new
        wrong = await c.post(
            "/api/auth/password", json={"current_password": "nope", "new_password": "Good-Passw0rd"}
        )
        assert wrong.status_code == 400


@pytest.mark.asyncio
async def test_changing_the_password_ends_other_sessions(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as one, client(app) as two:
        await sign_in(one, supplier.username)
        await sign_in(two, supplier.username)
        r = await one.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "Fresh-Passw0rd"},
        )
        assert r.status_code == 204
        assert (await one.get("/api/auth/me")).status_code == 200
        assert (await two.get("/api/auth/me")).status_code == 401


async def _edit_session(app: Litestar, c: httpx.AsyncClient, **changes: float) -> None:
    store = app.state.stores.get(Site(tenant=None), "sessions")
    key = _key(c.cookies[COOKIE])
    record = msgspec.json.decode(await store.get(key), type=SessionRecord)
    for name, value in changes.items():
        setattr(record, name, value)
    await store.set(key, msgspec.json.encode(record), expires_in=600)


@pytest.mark.asyncio
async def test_idle_timeout(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        await _edit_session(app, c, refreshed_at=time.time() - 31 * 60)
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_absolute_timeout(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        await _edit_session(app, c, created_at=time.time() - 12 * 3600 - 1)
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_logout_ends_the_session(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        cookie = c.cookies[COOKIE]
        assert (await c.post("/api/auth/logout")).status_code == 204
        c.cookies.set(COOKIE, cookie, domain=BASE_DOMAIN)
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_state_changes_without_the_csrf_token_are_refused(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        del c.headers["x-csrftoken"]
        assert (await c.post("/api/auth/logout")).status_code == 403
        no_token = await c.post(
            "/api/auth/login", json={"login": supplier.username, "password": PASSWORD}
        )
        assert no_token.status_code == 403


@pytest.mark.asyncio
async def test_a_cookie_from_tenant_a_is_refused_on_tenant_b(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app, tenant_a) as a, client(app, tenant_b) as b:
        await sign_in(a, supplier.username)
        b.cookies.set(COOKIE, a.cookies[COOKIE], domain=host_of(tenant_b))
        assert (await b.get("/api/auth/me")).status_code == 401
        # The same account signs in on B of its own accord: suppliers are not tenant users.
        assert (await sign_in(b, supplier.username)).status_code == 200
        assert (await a.get("/api/auth/me")).status_code == 200


@pytest.mark.asyncio
async def test_disabling_an_account_ends_its_sessions(app: Litestar) -> None:
    supplier = await new_account(AccountKind.supplier)
    async with client(app) as c:
        await sign_in(c, supplier.username)
        await Account.update({Account.is_active: False}).where(Account.id == supplier.account_id)
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_suspending_a_tenant_ends_its_staff_sessions(app: Litestar) -> None:
    from core.tenancy.registry import register_tenant
    from core.tenancy.tables import TenantKind

    tenant = await register_tenant(slug=unique_slug("susp"), name="待中止", kind=TenantKind.city)
    staff = await new_account(AccountKind.tenant_staff, tenant)
    async with client(app, tenant) as c:
        assert (await sign_in(c, staff.username)).status_code == 200
        # What a suspension writes (tenants.penalties.impose).
        await Tenant.update(
            {
                Tenant.state: TenantState.suspended.value,
                Tenant.sessions_valid_after: dt.datetime.now(dt.UTC),
            }
        ).where(Tenant.id == tenant.id)
        TENANT_CACHE.clear()  # this worker learns at once
        assert (await c.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
async def test_totp_enrolment_then_sign_in_needs_the_code(app: Litestar) -> None:
    admin = await new_account(AccountKind.hq_staff)
    async with client(app) as c:
        await sign_in(c, admin.username)
        uri = (await c.post("/api/auth/totp/setup")).json()["otpauth_uri"]
        totp = pyotp.parse_uri(uri)
        wrong = str((int(totp.now()) + 500_000) % 1_000_000).zfill(6)
        assert (await c.post("/api/auth/totp/confirm", json={"code": wrong})).status_code == 400
        assert (
            await c.post("/api/auth/totp/confirm", json={"code": totp.now()})
        ).status_code == 204
    async with client(app) as c:
        assert (await sign_in(c, admin.username)).status_code == 401
        await with_csrf(c)
        ok = await c.post(
            "/api/auth/login",
            json={"login": admin.username, "password": PASSWORD, "totp": totp.now()},
        )
        assert ok.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"login": "x"}',
        b'{"login": "x", "password": "y", "totp": "12ab56"}',
        b'{"login": "", "password": "y"}',
        b'{"login": "x", "password": "y", "admin": true}',
    ],
)
@pytest.mark.asyncio
async def test_malformed_sign_in_requests_are_400(app: Litestar, body: bytes) -> None:
    async with client(app) as c:
        await with_csrf(c)
        r = await c.post(
            "/api/auth/login", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 400


@pytest.mark.asyncio
async def test_malformed_or_unknown_session_cookies_are_401(app: Litestar) -> None:
    async with client(app) as c:
        for value in ("", "garbage", "x" * 500, "../../etc/passwd", "%00%ff"):
            c.cookies.set(COOKIE, value, domain=BASE_DOMAIN)
            assert (await c.get("/api/auth/me")).status_code == 401, value


def test_development_cookies_are_scoped_to_their_sub_site_prefix(tenant_a: TenantRef) -> None:
    import dataclasses

    from core.identity.sessions import session_cookie
    from tests.conftest import SETTINGS

    secure = SETTINGS.security
    insecure = dataclasses.replace(secure, insecure_cookies=True)
    prefixed = Site(tenant=tenant_a, root_path=f"/t/{tenant_a.slug}")
    assert session_cookie(secure, prefixed, "x", max_age=None).path == "/"  # __Host- needs it
    assert session_cookie(secure, prefixed, "x", max_age=None).secure is True
    dev = session_cookie(insecure, prefixed, "x", max_age=None)
    assert dev.path == f"/t/{tenant_a.slug}/" and dev.secure is False
    assert session_cookie(insecure, Site(tenant=None), "x", max_age=None).path == "/"


@pytest.mark.asyncio
async def test_the_sign_in_page_works_without_javascript(
    app: Litestar, tenant_a: TenantRef
) -> None:
    staff = await new_account(AccountKind.tenant_staff, tenant_a)
    async with client(app, tenant_a) as browser:
        page = await browser.get("/login")
        assert page.status_code == 200 and 'name="_csrf_token"' in page.text
        token = browser.cookies["__Host-csrftoken"]
        wrong = await browser.post(
            "/login", data={"login": staff.username, "password": "nope", "_csrf_token": token}
        )
        assert (
            wrong.status_code == 401
            and "用户名、口令或动态口令错误" in wrong.text
            and "wrong user name" not in wrong.text
        )
        signed = await browser.post(
            "/login", data={"login": staff.username, "password": PASSWORD, "_csrf_token": token}
        )
        # No page asked for: the workbench, which greets them once and shows who is signed in.
        assert signed.status_code == 303 and signed.headers["location"] == "/workbench"
        bench = await browser.get("/workbench", headers={"accept": "text/html"})
        assert "登录成功" in bench.text and staff.username in bench.text
        assert "登录成功" not in (await browser.get("/workbench")).text  # shown once
        assert (await browser.get("/api/auth/me")).json()["username"] == staff.username
        assert (await browser.get("/account/password")).status_code == 200
        wrong_current = await browser.post(
            "/account/password",
            data={"current_password": "nope", "new_password": "Whatever-1", "_csrf_token": token},
        )
        assert wrong_current.status_code == 400 and "当前口令不正确" in wrong_current.text
        changed = await browser.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": "Changed-Passw0rd",
                "_csrf_token": token,
            },
        )
        assert changed.status_code == 200 and "口令已修改，其他会话已退出" in changed.text
        assert (await browser.get("/account/totp/")).status_code == 200
        setup = await browser.post("/account/totp/setup", data={"_csrf_token": token})
        secret = re.search(r"<code>([A-Z2-7]+)</code>", setup.text)
        assert setup.status_code == 200 and secret
        confirmed = await browser.post(
            "/account/totp/", data={"code": pyotp.TOTP(secret[1]).now(), "_csrf_token": token}
        )
        assert confirmed.status_code == 200 and "已绑定" in confirmed.text
        out = await browser.post("/logout", data={"_csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert (await browser.get("/api/auth/me")).status_code == 401


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/console/announcements?state=draft", "/console/announcements?state=draft"),
        ("https://evil.example/", "/workbench"),
        ("//evil.example/", "/workbench"),
        ("/\\evil.example/", "/workbench"),
        ("/x\r\nSet-Cookie: a=b", "/workbench"),
        ("", "/workbench"),
    ],
)
async def test_sign_in_returns_to_the_page_asked_for_on_this_site_only(
    app: Litestar, tenant_a: TenantRef, asked: str, lands: str
) -> None:
    staff = await new_account(AccountKind.tenant_staff, tenant_a)
    async with client(app, tenant_a) as browser:
        await browser.get("/login")
        token = browser.cookies["__Host-csrftoken"]
        signed = await browser.post(
            "/login",
            data={
                "login": staff.username,
                "password": PASSWORD,
                "next": asked,
                "_csrf_token": token,
            },
        )
        assert signed.status_code == 303 and signed.headers["location"] == lands


@pytest.mark.asyncio
async def test_a_page_that_needs_sign_in_sends_there_and_back(
    app: Litestar, tenant_a: TenantRef
) -> None:
    async with client(app, tenant_a) as browser:
        page = await browser.get("/console/announcements?x=1", headers={"accept": "text/html"})
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fconsole%2Fannouncements%3Fx%3D1"
        form = await browser.get(page.headers["location"])
        assert 'name="next" value="/console/announcements?x=1"' in form.text
