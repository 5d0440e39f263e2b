"""Every registered route has an entry here, or the suite fails (see test_isolation_matrix).

* :class:`CrossTenant` — the route serves tenant data: its check acts on tenant A's data
  from tenant B's host (and as B's users, once there are users) and asserts nothing of A's
  comes back.
* :class:`NotTenantScoped` — the route holds no tenant data; the reason says why.

A new route adds its entry in the same change.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from litestar import Litestar

from core.audit.chain import RequestContext
from core.authz.policies import grant_first_admin, grant_role
from core.data.engine import write_transaction
from core.identity.invitations import invite
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.storage import ObjectKey
from core.storage.local import LocalStorage
from core.tenancy.registry import TenantRef
from tenants import penalties
from tenants.tables import PenaltyKind
from tests.conftest import (
    BASE_DOMAIN,
    PASSWORD,
    client_for,
    new_account,
    sign_in,
    unique_slug,
    with_csrf,
)

SESSION_COOKIE = "__Host-sunshine_session"


@dataclass(frozen=True)
class World:
    """Two provisioned tenants and a client bound to each host."""

    app: Litestar
    tenant_a: TenantRef
    tenant_b: TenantRef
    client_a: httpx.AsyncClient  # signed in as staff_a
    client_b: httpx.AsyncClient
    main: httpx.AsyncClient
    staff_a: Principal

    def assert_nothing_of(self, owner: TenantRef, response: httpx.Response) -> None:
        """The response names nothing that identifies ``owner``."""
        for marker in (owner.slug, owner.name, owner.custom_domain):
            if marker:
                assert marker not in response.text, f"{marker!r} leaked into {response.url}"


Check = Callable[[World], Awaitable[None]]


@dataclass(frozen=True)
class CrossTenant:
    check: Check


@dataclass(frozen=True)
class NotTenantScoped:
    reason: str


async def _site_json(world: World) -> None:
    for client, own, other in (
        (world.client_a, world.tenant_a, world.tenant_b),
        (world.client_b, world.tenant_b, world.tenant_a),
    ):
        response = await client.get("/api/site")
        assert response.status_code == 200
        assert response.json()["slug"] == own.slug
        world.assert_nothing_of(other, response)


async def _home_page(world: World) -> None:
    response = await world.client_b.get("/")
    assert response.status_code == 200 and world.tenant_b.name in response.text
    world.assert_nothing_of(world.tenant_a, response)
    # A's page reached through B's host by the development prefix is not B's page mixed with A's.
    response = await world.client_b.get(f"/t/{world.tenant_a.slug}/")
    assert response.status_code == 404


async def _signed_download(world: World) -> None:
    storage = world.app.state.object_storage
    if not isinstance(storage, LocalStorage):  # S3 URLs never pass through this route
        response = await world.client_b.get("/files/tenants/1/x.pdf?expires=9999999999&signature=0")
        assert response.status_code == 404
        return
    key = ObjectKey.for_tenant(world.tenant_a.id, "isolation.pdf")
    await storage.put(key, b"A's file", "application/pdf")
    url = await storage.presigned_url(key)
    assert (await world.client_a.get(url)).content == b"A's file"
    # A valid signature for A's object does not open it on B's host.
    assert (await world.client_b.get(url)).status_code == 404


def _session_refused_on_b(
    method: str, path: str, *, json: object = None, form: dict[str, str] | None = None
) -> Check:
    """A's session cookie replayed on B's host is no session at all; A's stays as it was."""

    async def check(world: World) -> None:
        b = await with_csrf(world.client_b)
        b.cookies.set(
            SESSION_COOKIE, world.client_a.cookies[SESSION_COOKIE], domain=str(b.base_url.host)
        )
        response = await b.request(method, path, json=json, data=form)
        if response.status_code == 303:
            assert response.headers["location"].split("?")[0].endswith("/login")
        else:
            assert response.status_code == 401, (path, response.status_code, response.text)
        world.assert_nothing_of(world.tenant_a, response)
        me = await world.client_a.get("/api/auth/me")
        assert me.status_code == 200 and me.json()["account_id"] == world.staff_a.account_id

    return check


async def _workbench(world: World) -> None:
    """A's session is none on B; B's own staff see B's workbench, naming nothing of A."""
    await _session_refused_on_b("GET", "/workbench")(world)
    staff_b = await new_account(AccountKind.tenant_staff, world.tenant_b)
    await sign_in(world.client_b, staff_b.username)
    page = await world.client_b.get("/workbench")
    assert page.status_code == 200 and staff_b.username in page.text
    world.assert_nothing_of(world.tenant_a, page)


def _sign_in_refused_on_b(path: str, *, as_form: bool) -> Check:
    """Staff of A cannot sign in on B's host, with the same answer as a wrong password."""

    async def check(world: World) -> None:
        b = await with_csrf(world.client_b)
        fields = {"login": world.staff_a.username, "password": PASSWORD}
        response = await (b.post(path, data=fields) if as_form else b.post(path, json=fields))
        assert response.status_code == 401
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
        world.assert_nothing_of(world.tenant_a, response)

    return check


async def _login_page(world: World) -> None:
    response = await world.client_b.get("/login")
    assert response.status_code == 200 and world.tenant_b.name in response.text
    world.assert_nothing_of(world.tenant_a, response)


async def tenant_admin_of(world: World, tenant: TenantRef) -> tuple[Principal, httpx.AsyncClient]:
    """A signed-in management account of ``tenant``, appointed by a head-office admin."""
    authorizer = world.app.state.authorizer
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, hq.account_id, command="isolation-test")
    admin = await new_account(AccountKind.tenant_staff, tenant)
    await grant_role(
        authorizer, hq, account_id=admin.account_id, role="tenant_admin", tenant_id=tenant.id
    )
    client = client_for(world.app, f"{tenant.slug}.{BASE_DOMAIN}")
    assert (await sign_in(client, admin.username)).status_code == 200
    return admin, client


async def _grants_of_own_tenant_only(world: World, path: str) -> None:
    admin_a, client_a = await tenant_admin_of(world, world.tenant_a)
    admin_b, client_b = await tenant_admin_of(world, world.tenant_b)
    try:
        response = await client_b.get(path)
        assert response.status_code == 200 and admin_b.username in response.text
        assert admin_a.username not in response.text
        world.assert_nothing_of(world.tenant_a, response)
    finally:
        await client_a.aclose()
        await client_b.aclose()


async def _role_change_of_other_tenants_account(world: World, path: str, form: bool) -> None:
    admin_a, client_a = await tenant_admin_of(world, world.tenant_a)
    _, client_b = await tenant_admin_of(world, world.tenant_b)
    try:
        granted = await client_a.post(
            "/api/roles/grants",
            json={"account_id": world.staff_a.account_id, "role": "tenant_staff"},
        )
        assert granted.status_code == 204, granted.text
        for action in ("grant", "revoke"):
            role, account = "tenant_staff", world.staff_a
            fields = {"account_id": account.account_id, "role": role}
            if form:
                response = await client_b.post(path, data={**fields, "action": action})
                assert response.status_code == 400, response.text
                assert "账号不存在" in response.text  # the page shows the reader's half
            else:
                api = path if action == "grant" else "/api/roles/revocations"
                response = await client_b.post(api, json=fields)
                assert response.status_code == 404, response.text
        # A's grants are as A made them.
        grants = (await client_a.get("/api/roles/grants")).json()
        assert admin_a.username in [g["username"] for g in grants if g["role"] == "tenant_admin"]
        assert [g["role"] for g in grants if g["account_id"] == world.staff_a.account_id] == [
            "tenant_staff"
        ]
    finally:
        await client_a.aclose()
        await client_b.aclose()


async def _staff_of_own_tenant_only(world: World) -> None:
    admin_a, client_a = await tenant_admin_of(world, world.tenant_a)
    admin_b, client_b = await tenant_admin_of(world, world.tenant_b)
    try:
        listed = await client_b.get("/api/staff/")
        assert listed.status_code == 200 and admin_b.username in listed.text
        assert admin_a.username not in listed.text and world.staff_a.username not in listed.text
        for action in ("disable", "enable", "password-reset"):
            response = await client_b.post(
                f"/api/staff/{world.staff_a.account_id}/{action}", json={"password": PASSWORD}
            )
            assert response.status_code == 404, response.text
        created = await client_b.post(
            "/api/staff/", json={"username": unique_slug("b-clerk"), "password": PASSWORD}
        )
        assert created.status_code == 201
        assert (await client_a.get("/api/auth/me")).status_code == 200
        mine = {s["account_id"]: s["is_active"] for s in (await client_a.get("/api/staff/")).json()}
        assert mine[world.staff_a.account_id] is True  # B changed nothing of A's
        assert created.json()["account_id"] not in mine
    finally:
        await client_a.aclose()
        await client_b.aclose()


def _absent_on_sub_sites(method: str, path: str) -> Check:
    """Head-office routes do not exist on a sub-site, not even for its own admin."""

    async def check(world: World) -> None:
        _, client_b = await tenant_admin_of(world, world.tenant_b)
        try:
            target = path.format(a=world.tenant_a.id)
            response = await client_b.request(method, target, json={})
            assert response.status_code == 404, (target, response.status_code, response.text)
            world.assert_nothing_of(world.tenant_a, response)
        finally:
            await client_b.aclose()

    return check


async def _invitation_of_a_on_b(world: World) -> None:
    account = await new_account(AccountKind.tenant_staff, world.tenant_a)
    async with write_transaction():
        token = await invite(account.account_id)
    b = await with_csrf(world.client_b)
    body = {"password": "Taken-Over-1"}
    assert (await b.post(f"/api/operator/invitations/{token}", json=body)).status_code == 404
    # Not spent by the attempt: A's own host still takes it.
    a = await with_csrf(world.client_a)
    accepted = await a.post(f"/api/operator/invitations/{token}", json={"password": PASSWORD})
    assert accepted.status_code == 200 and accepted.json()["username"] == account.username


async def _history_and_notices_of_own_tenant_only(world: World) -> None:
    _, client_a = await tenant_admin_of(world, world.tenant_a)
    _, client_b = await tenant_admin_of(world, world.tenant_b)
    statement = f"提醒甲 {uuid.uuid4().hex}"
    supervisor = await new_account(AccountKind.hq_staff)
    hq = await new_account(AccountKind.hq_staff)
    authorizer = world.app.state.authorizer
    await grant_first_admin(authorizer, hq.account_id, command="isolation-test")
    await grant_role(
        authorizer, hq, account_id=supervisor.account_id, role="hq_supervisor", region_code="000000"
    )
    await penalties.impose(
        authorizer,
        supervisor,
        world.app.state.object_storage,
        world.tenant_a.id,
        penalties.PenaltyForm(kind=PenaltyKind.reminder, grounds=[2], statement=statement),
        [penalties.Evidence("e.pdf", b"%PDF-1.7 evidence")],
        RequestContext(),
    )
    try:
        for path in ("/api/operator/penalties", "/api/notices/"):
            own = await client_a.get(path)
            assert own.status_code == 200 and statement in own.text, path
            other = await client_b.get(path)
            assert other.status_code == 200 and statement not in other.text, path
        notice_id = next(
            n["id"] for n in (await client_a.get("/api/notices/")).json() if statement in n["body"]
        )
        assert (await client_b.post(f"/api/notices/{notice_id}/read")).status_code == 404
        unread = [n for n in (await client_a.get("/api/notices/")).json() if n["id"] == notice_id]
        assert unread[0]["read"] is False
    finally:
        await client_a.aclose()
        await client_b.aclose()


async def _invitation_page_of_a_on_b(world: World) -> None:
    account = await new_account(AccountKind.tenant_staff, world.tenant_a)
    async with write_transaction():
        token = await invite(account.account_id)
    b = await with_csrf(world.client_b)
    page = await b.get(f"/invitations/{token}")
    assert page.status_code == 200 and world.tenant_b.name in page.text
    world.assert_nothing_of(world.tenant_a, page)
    taken = await b.post(f"/invitations/{token}", data={"password": "Taken-Over-1"})
    assert taken.status_code == 404
    a = await with_csrf(world.client_a)
    assert (await a.post(f"/invitations/{token}", data={"password": PASSWORD})).status_code == 303


def _pages_absent_on_sub_sites(*paths: tuple[str, str]) -> dict[tuple[str, str], CrossTenant]:
    return {
        (method, template): CrossTenant(_absent_on_sub_sites(method, concrete))
        for method, template, concrete in (
            (
                m,
                t,
                t.replace("{request_id:int}", "1")
                .replace("{tenant_id:int}", "{a}")
                .replace("{application_id:int}", "1")
                .replace("{item:str}", "audit"),
            )
            for m, t in paths
        )
    }


SCHEMA = NotTenantScoped("OpenAPI document of the whole application; no data")

MATRIX: dict[tuple[str, str], CrossTenant | NotTenantScoped] = {
    ("GET", "/healthz"): NotTenantScoped("liveness of the process"),
    ("GET", "/readyz"): NotTenantScoped("readiness of the shared services"),
    ("GET", "/metrics"): NotTenantScoped(
        "process metrics, for the scraper's token only, labelled by route template, no host"
    ),
    ("GET", "/api/site"): CrossTenant(_site_json),
    ("GET", "/"): CrossTenant(_home_page),
    ("GET", "/files/{key:path}"): CrossTenant(_signed_download),
    ("GET", "/login"): CrossTenant(_login_page),
    ("POST", "/login"): CrossTenant(_sign_in_refused_on_b("/login", as_form=True)),
    ("POST", "/api/auth/login"): CrossTenant(
        _sign_in_refused_on_b("/api/auth/login", as_form=False)
    ),
    ("POST", "/logout"): CrossTenant(_session_refused_on_b("POST", "/logout")),
    ("POST", "/api/auth/logout"): CrossTenant(_session_refused_on_b("POST", "/api/auth/logout")),
    ("GET", "/api/auth/me"): CrossTenant(_session_refused_on_b("GET", "/api/auth/me")),
    ("POST", "/api/auth/password"): CrossTenant(
        _session_refused_on_b(
            "POST",
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "Taken-Over-1"},
        )
    ),
    ("POST", "/api/auth/totp/setup"): CrossTenant(
        _session_refused_on_b("POST", "/api/auth/totp/setup")
    ),
    ("POST", "/api/auth/totp/confirm"): CrossTenant(
        _session_refused_on_b("POST", "/api/auth/totp/confirm", json={"code": "123456"})
    ),
    ("GET", "/account/password"): CrossTenant(_session_refused_on_b("GET", "/account/password")),
    ("GET", "/workbench"): CrossTenant(_workbench),
    ("POST", "/account/password"): CrossTenant(
        _session_refused_on_b(
            "POST",
            "/account/password",
            form={"current_password": PASSWORD, "new_password": "Taken-Over-1"},
        )
    ),
    ("GET", "/account/totp"): CrossTenant(_session_refused_on_b("GET", "/account/totp")),
    ("POST", "/account/totp"): CrossTenant(
        _session_refused_on_b("POST", "/account/totp", form={"code": "123456"})
    ),
    ("GET", "/api/audit/verify"): CrossTenant(_session_refused_on_b("GET", "/api/audit/verify")),
    ("GET", "/api/roles/grants"): CrossTenant(
        lambda w: _grants_of_own_tenant_only(w, "/api/roles/grants")
    ),
    ("GET", "/roles"): CrossTenant(lambda w: _grants_of_own_tenant_only(w, "/roles")),
    ("POST", "/api/roles/grants"): CrossTenant(
        lambda w: _role_change_of_other_tenants_account(w, "/api/roles/grants", form=False)
    ),
    ("POST", "/api/roles/revocations"): CrossTenant(
        lambda w: _role_change_of_other_tenants_account(w, "/api/roles/grants", form=False)
    ),
    ("POST", "/roles"): CrossTenant(
        lambda w: _role_change_of_other_tenants_account(w, "/roles/", form=True)
    ),
    ("GET", "/api/staff"): CrossTenant(_staff_of_own_tenant_only),
    ("POST", "/api/staff"): CrossTenant(_staff_of_own_tenant_only),
    ("POST", "/api/staff/{account_id:int}/disable"): CrossTenant(_staff_of_own_tenant_only),
    ("POST", "/api/staff/{account_id:int}/enable"): CrossTenant(_staff_of_own_tenant_only),
    ("POST", "/api/staff/{account_id:int}/password-reset"): CrossTenant(_staff_of_own_tenant_only),
    ("GET", "/api/applications"): CrossTenant(_absent_on_sub_sites("GET", "/api/applications")),
    ("POST", "/api/applications"): CrossTenant(_absent_on_sub_sites("POST", "/api/applications")),
    ("POST", "/api/applicants"): CrossTenant(_absent_on_sub_sites("POST", "/api/applicants")),
    ("GET", "/api/applications/{application_id:int}"): CrossTenant(
        _absent_on_sub_sites("GET", "/api/applications/1")
    ),
    ("PUT", "/api/applications/{application_id:int}"): CrossTenant(
        _absent_on_sub_sites("PUT", "/api/applications/1")
    ),
    ("POST", "/api/applications/{application_id:int}/materials/{item:str}"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/applications/1/materials/application")
    ),
    ("POST", "/api/applications/{application_id:int}/submit"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/applications/1/submit")
    ),
    ("GET", "/api/approvals"): CrossTenant(_absent_on_sub_sites("GET", "/api/approvals")),
    ("GET", "/api/approvals/{request_id:int}"): CrossTenant(
        _absent_on_sub_sites("GET", "/api/approvals/1")
    ),
    ("POST", "/api/approvals/{request_id:int}/decision"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/approvals/1/decision")
    ),
    ("GET", "/api/tenants"): CrossTenant(_absent_on_sub_sites("GET", "/api/tenants")),
    ("GET", "/api/tenants/{tenant_id:int}"): CrossTenant(
        _absent_on_sub_sites("GET", "/api/tenants/{a}")
    ),
    ("POST", "/api/tenants/{tenant_id:int}/penalties"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/tenants/{a}/penalties")
    ),
    ("POST", "/api/tenants/{tenant_id:int}/reinstatement"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/tenants/{a}/reinstatement")
    ),
    ("POST", "/api/operator/invitations/{token:str}"): CrossTenant(_invitation_of_a_on_b),
    ("POST", "/api/operator/confirm"): CrossTenant(
        _session_refused_on_b("POST", "/api/operator/confirm")
    ),
    ("GET", "/api/operator/penalties"): CrossTenant(_history_and_notices_of_own_tenant_only),
    ("GET", "/api/notices"): CrossTenant(_history_and_notices_of_own_tenant_only),
    ("POST", "/api/notices/{notice_id:int}/read"): CrossTenant(
        _history_and_notices_of_own_tenant_only
    ),
    **_pages_absent_on_sub_sites(
        ("GET", "/admin/applications"),
        ("GET", "/admin/applications/{request_id:int}"),
        ("POST", "/admin/applications/{request_id:int}/decision"),
        ("GET", "/admin/tenants"),
        ("GET", "/admin/tenants/{tenant_id:int}"),
        ("POST", "/admin/tenants/{tenant_id:int}/penalties"),
        ("POST", "/admin/tenants/{tenant_id:int}/reinstatement"),
        ("GET", "/apply"),
        ("POST", "/apply"),
        ("GET", "/apply/register"),
        ("POST", "/apply/register"),
        ("GET", "/apply/{application_id:int}"),
        ("POST", "/apply/{application_id:int}/materials/{item:str}"),
        ("POST", "/apply/{application_id:int}/submit"),
    ),
    ("GET", "/invitations/{token:str}"): CrossTenant(_invitation_page_of_a_on_b),
    ("POST", "/invitations/{token:str}"): CrossTenant(_invitation_page_of_a_on_b),
    ("GET", "/operator"): CrossTenant(_session_refused_on_b("GET", "/operator")),
    ("POST", "/operator/confirm"): CrossTenant(_session_refused_on_b("POST", "/operator/confirm")),
    ("POST", "/account/totp/setup"): CrossTenant(
        _session_refused_on_b("POST", "/account/totp/setup")
    ),
    ("GET", "/schema"): SCHEMA,
    ("GET", "/schema/openapi.json"): SCHEMA,
    ("GET", "/schema/openapi.yaml"): SCHEMA,
    ("GET", "/schema/openapi.yml"): SCHEMA,
    ("GET", "/schema/{path:str}"): SCHEMA,
    **{
        ("GET", f"/schema/{page}"): SCHEMA
        for page in ("elements", "oauth2-redirect.html", "rapidoc", "redoc", "swagger")
    },
}
