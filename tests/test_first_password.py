"""A first password set by an administrator must be replaced; it has not "expired"."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar

from core.authz.policies import grant_first_admin
from core.identity.tables import Account, AccountKind
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, new_account, sign_in, unique_slug

FIRST = "首次登录请修改管理员设置的初始口令"
EXPIRED = "口令已过期"


@pytest.mark.asyncio
async def test_head_office_staff_by_default_with_a_first_password_to_replace(
    app: Litestar,
) -> None:
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, hq.account_id, command="test")
    username = unique_slug("hq-clerk")
    async with client_for(app, BASE_DOMAIN) as admin, client_for(app, BASE_DOMAIN) as newcomer:
        await sign_in(admin, hq.username)
        created = await admin.post("/api/staff/", json={"username": username, "password": PASSWORD})
        assert created.status_code == 201, created.text
        row = await Account.select(Account.kind, Account.tenant).where(
            Account.id == created.json()["account_id"]
        )
        assert row == [{"kind": "hq_staff", "tenant": None}]

        first = await sign_in(newcomer, username)
        assert first.json()["must_change_password"] is True
        assert first.json()["initial_password"] is True
        refused = await newcomer.get("/api/staff/")
        assert refused.status_code == 403
        assert FIRST in refused.text and EXPIRED not in refused.text
        page = await newcomer.get("/account/password")
        assert FIRST in page.text and EXPIRED not in page.text


@pytest.mark.asyncio
async def test_an_old_password_is_still_called_expired(app: Litestar) -> None:
    clerk = await new_account(AccountKind.hq_staff)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    await Account.update({Account.password_changed_at: long_ago}).where(
        Account.id == clerk.account_id
    )
    async with client_for(app, BASE_DOMAIN) as client:
        signed = await sign_in(client, clerk.username)
        assert signed.json()["must_change_password"] is True
        assert signed.json()["initial_password"] is False
        refused = await client.get("/api/staff/")
        assert refused.status_code == 403 and EXPIRED in refused.text
        page = await client.get("/account/password")
        assert EXPIRED in page.text and FIRST not in page.text
