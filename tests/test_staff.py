"""Staff management: a tenant's admin manages its own staff only."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, new_account, sign_in


@pytest.mark.asyncio
async def test_tenant_admin_adds_and_disables_its_staff(app: Litestar, tenant_a: TenantRef) -> None:
    authorizer = app.state.authorizer
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, hq.account_id, command="test")
    admin = await new_account(AccountKind.tenant_staff, tenant_a)
    await grant_role(
        authorizer, hq, account_id=admin.account_id, role="tenant_admin", tenant_id=tenant_a.id
    )
    host = f"{tenant_a.slug}.{BASE_DOMAIN}"
    async with client_for(app, host) as c, client_for(app, host) as newcomer:
        await sign_in(c, admin.username)
        created = await c.post("/api/staff/", json={"username": "clerk-a1", "password": PASSWORD})
        assert created.status_code == 201, created.text
        clerk_id = created.json()["account_id"]
        hq_kind = await c.post(
            "/api/staff/", json={"username": "x-hq", "password": PASSWORD, "kind": "hq_staff"}
        )
        assert hq_kind.status_code == 400
        weak = await c.post("/api/staff/", json={"username": "clerk-a2", "password": "weak"})
        assert weak.status_code == 400 and weak.json()["detail"]["field"] == "password"
        # The first password must be replaced at first sign-in.
        first = await sign_in(newcomer, "clerk-a1")
        assert first.json()["must_change_password"] is True
        assert (await c.post(f"/api/staff/{admin.account_id}/disable")).status_code == 403
        assert (await c.post(f"/api/staff/{clerk_id}/disable")).status_code == 204
        assert (await newcomer.get("/api/auth/me")).status_code == 401
        listed = {s["username"]: s["is_active"] for s in (await c.get("/api/staff/")).json()}
        assert listed["clerk-a1"] is False and listed[admin.username] is True
        # A reset gives a new first password to be replaced at the next sign-in.
        assert (await c.post(f"/api/staff/{clerk_id}/enable")).status_code == 204
        reset = await c.post(f"/api/staff/{clerk_id}/password-reset", json={"password": "weak"})
        assert reset.status_code == 400 and reset.json()["detail"]["field"] == "password"
        reset = await c.post(
            f"/api/staff/{clerk_id}/password-reset", json={"password": "Reset-Pass-9"}
        )
        assert reset.status_code == 204
        again = await sign_in(newcomer, "clerk-a1", "Reset-Pass-9")
        assert again.json()["must_change_password"] is True


@pytest.mark.asyncio
async def test_staff_management_needs_the_role(app: Litestar, tenant_a: TenantRef) -> None:
    clerk = await new_account(AccountKind.tenant_staff, tenant_a)
    async with client_for(app, f"{tenant_a.slug}.{BASE_DOMAIN}") as c:
        await sign_in(c, clerk.username)
        assert (await c.get("/api/staff/")).status_code == 403
        assert (
            await c.post("/api/staff/", json={"username": "sneaky", "password": PASSWORD})
        ).status_code == 403
