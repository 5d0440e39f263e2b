"""Role assignment through the API, and the audit administrator's verification."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from core.authz.policies import grant_first_admin
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in


async def sign_in_hq_admin(app: Litestar, client: httpx.AsyncClient) -> Principal:
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, admin.account_id, command="test")
    assert (await sign_in(client, admin.username)).status_code == 200
    return admin


@pytest.mark.asyncio
async def test_unknown_role_or_region_is_400_naming_it(app: Litestar) -> None:
    regulator = await new_account(AccountKind.regulator)
    async with client_for(app, BASE_DOMAIN) as client:
        await sign_in_hq_admin(app, client)
        r = await client.post(
            "/api/roles/grants", json={"account_id": regulator.account_id, "role": "superuser"}
        )
        assert r.status_code == 400 and "superuser" in r.json()["error"]
        r = await client.post(
            "/api/roles/grants",
            json={"account_id": regulator.account_id, "role": "regulator", "region_code": "999900"},
        )
        assert r.status_code == 400 and "999900" in r.json()["error"]
        r = await client.post(
            "/api/roles/grants",
            json={"account_id": regulator.account_id, "role": "regulator", "region_code": "370000"},
        )
        assert r.status_code == 204
        again = {"account_id": regulator.account_id, "role": "regulator", "region_code": "370200"}
        assert (await client.post("/api/roles/grants", json=again)).status_code == 204
        assert (await client.post("/api/roles/grants", json=again)).status_code == 204  # retry
        grants = (await client.get("/api/roles/grants")).json()
        mine = [g for g in grants if g["account_id"] == regulator.account_id]
        assert [(g["username"], g["role"], g["scope"]) for g in mine] == [
            (regulator.username, "regulator", "region:370000"),
            (regulator.username, "regulator", "region:370200"),
        ]


@pytest.mark.asyncio
async def test_system_security_and_audit_administration_stay_apart(app: Litestar) -> None:
    staff = await new_account(AccountKind.hq_staff)
    async with client_for(app, BASE_DOMAIN) as client:
        await sign_in_hq_admin(app, client)
        assert (
            await client.post(
                "/api/roles/grants", json={"account_id": staff.account_id, "role": "hq_auditor"}
            )
        ).status_code == 204
        clash = await client.post(
            "/api/roles/grants", json={"account_id": staff.account_id, "role": "hq_ops"}
        )
        assert clash.status_code == 400 and "hq_auditor" in clash.json()["error"]
        wrong_kind = await client.post(
            "/api/roles/grants",
            json={
                "account_id": (await new_account(AccountKind.supplier)).account_id,
                "role": "hq_reviewer",
            },
        )
        assert wrong_kind.status_code == 400


@pytest.mark.asyncio
async def test_only_the_audit_administrator_verifies_the_chain(app: Litestar) -> None:
    auditor = await new_account(AccountKind.hq_staff)
    async with client_for(app, BASE_DOMAIN) as client:
        await sign_in_hq_admin(app, client)
        assert (
            await client.post(
                "/api/roles/grants", json={"account_id": auditor.account_id, "role": "hq_auditor"}
            )
        ).status_code == 204
        assert (await client.get("/api/audit/verify")).status_code == 403
    async with client_for(app, BASE_DOMAIN) as c:
        assert (await c.get("/api/audit/verify")).status_code == 401
        await sign_in(c, auditor.username)
        result = await c.get("/api/audit/verify")
        assert result.status_code == 200 and result.json()["intact"] is True
