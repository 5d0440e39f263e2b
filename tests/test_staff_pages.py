"""Staff management as pages, on a sub-site and on the main portal: create, disable, enable,
reset; bad input answered in Chinese with nothing created; no page or link without the role."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import Account, AccountKind
from core.tenancy.registry import TenantRef
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, new_account, sign_in, unique_slug
from tests.test_console_pages import raw_values


async def _tenant_admin(app: Litestar, tenant: TenantRef):  # type: ignore[no-untyped-def]
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, hq.account_id, command="test")
    admin = await new_account(AccountKind.tenant_staff, tenant)
    await grant_role(
        app.state.authorizer, hq, account_id=admin.account_id, role="tenant_admin",
        tenant_id=tenant.id,
    )  # fmt: skip
    return hq, admin


@pytest.mark.asyncio
async def test_a_tenant_admin_manages_its_staff_through_the_page(
    app: Litestar, tenant_a: TenantRef
) -> None:
    _, admin = await _tenant_admin(app, tenant_a)
    host = f"{tenant_a.slug}.{BASE_DOMAIN}"
    async with client_for(app, host) as c, client_for(app, host) as clerk_client:
        await sign_in(c, admin.username)
        page = await c.get("/staff/")
        assert page.status_code == 200 and raw_values(page.text) == []
        assert 'href="/staff"' in (await c.get("/workbench")).text  # in the navigation
        username = unique_slug("clerk")
        good = {"display_name": "王五", "username": username, "password": PASSWORD}
        before = await Account.count()
        for change, message in (
            ({"username": "No Good"}, "用户名为 3–64 位小写字母"),
            ({"password": "weak"}, "口令至少 8 位"),
            ({"email": "not-an-address"}, "「电子邮箱」填写不正确"),
            ({"username": ""}, "请填写「用户名」"),
        ):
            refused = await c.post("/staff/", data={**good, **change})
            assert refused.status_code == 400 and message in refused.text, refused.text[-500:]
            assert "/ the" not in refused.text  # the Chinese half only
        assert await Account.count() == before
        created = await c.post("/staff/", data=good)
        assert created.status_code == 303
        page = await c.get("/staff/")
        assert "账号已创建" in page.text and "王五" in page.text and "待首次登录" in page.text
        row = await Account.select(Account.id).where(Account.username == username).first()
        clerk_id = row["id"]
        assert f"/staff/{clerk_id}/disable" in page.text
        first = await sign_in(clerk_client, username)
        assert first.json()["must_change_password"] is True
        assert (await c.post(f"/staff/{clerk_id}/disable")).status_code == 303
        assert (await clerk_client.get("/api/auth/me")).status_code == 401
        assert "已停用" in (await c.get("/staff/")).text
        assert (await c.post(f"/staff/{clerk_id}/enable")).status_code == 303
        weak = await c.post(f"/staff/{clerk_id}/reset", data={"password": "weak"})
        assert weak.status_code == 400 and "口令至少 8 位" in weak.text
        await sign_in(clerk_client, username)
        assert (await clerk_client.get("/api/auth/me")).status_code == 200
        reset = await c.post(f"/staff/{clerk_id}/reset", data={"password": "Reset-Pass-9"})
        assert reset.status_code == 303
        assert (await clerk_client.get("/api/auth/me")).status_code == 401  # its session ended
        again = await sign_in(clerk_client, username, "Reset-Pass-9")
        assert again.json()["must_change_password"] is True
        yourself = await c.post(f"/staff/{admin.account_id}/disable")
        assert yourself.status_code == 400 and "不能停用自己的账号" in yourself.text
        assert (await c.post(f"/staff/{clerk_id}/promote")).status_code == 404


@pytest.mark.asyncio
async def test_head_office_creates_a_regulator_and_plain_staff_see_no_staff_page(
    app: Litestar, tenant_a: TenantRef
) -> None:
    hq, _ = await _tenant_admin(app, tenant_a)
    async with client_for(app, BASE_DOMAIN) as c:
        await sign_in(c, hq.username)
        page = await c.get("/staff/")
        assert page.status_code == 200 and "监管部门" in page.text
        username = unique_slug("regulator")
        done = await c.post(
            "/staff/",
            data={"display_name": "市财政局", "username": username, "password": PASSWORD,
                  "kind": "regulator"},
        )  # fmt: skip
        assert done.status_code == 303
        kind = await Account.select(Account.kind).where(Account.username == username).first()
        assert kind == {"kind": "regulator"}
        wrong = await c.post(
            "/staff/", data={"username": unique_slug("x"), "password": PASSWORD, "kind": "supplier"}
        )
        assert wrong.status_code == 400
    clerk = await new_account(AccountKind.tenant_staff, tenant_a)
    async with client_for(app, f"{tenant_a.slug}.{BASE_DOMAIN}") as c:
        await sign_in(c, clerk.username)
        assert (await c.get("/staff/")).status_code == 403
        assert 'href="/staff"' not in (await c.get("/workbench")).text
