"""Head office sets and removes a sub-platform's custom domain; it resolves at once."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef, find_tenant_by_id, register_tenant
from core.tenancy.tables import TenantKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, unique_slug

HTML = {"accept": "text/html"}


async def _head_office(app: Litestar, *roles: str):  # type: ignore[no-untyped-def]
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, admin.account_id, command="domain-test")
    if not roles:
        return admin
    other = await new_account(AccountKind.hq_staff)
    for role in roles:
        await grant_role(app.state.authorizer, admin, account_id=other.account_id, role=role)
    return other


async def _tenant() -> TenantRef:
    return await register_tenant(
        slug=unique_slug("dom"), name="域名测试分平台", kind=TenantKind.city, region_code="370100"
    )


@pytest.mark.asyncio
async def test_a_custom_domain_resolves_at_once_and_stops_when_removed(app: Litestar) -> None:
    admin = await _head_office(app)
    tenant = await _tenant()
    domain = f"{tenant.slug}.ggzy.example.cn"
    async with client_for(app, domain) as visitor:
        assert (await visitor.get("/api/site")).status_code == 404  # resolved (a miss), cached
        async with client_for(app, BASE_DOMAIN) as hq:
            await sign_in(hq, admin.username)
            put = await hq.put(
                f"/api/tenants/{tenant.id}/custom-domain", json={"domain": domain.upper() + "."}
            )
            assert put.status_code == 200 and put.json()["custom_domain"] == domain
            site = await visitor.get("/api/site")
            assert site.status_code == 200 and site.json()["slug"] == tenant.slug
            again = await hq.put(f"/api/tenants/{tenant.id}/custom-domain", json={"domain": domain})
            assert again.status_code == 200  # a retry changes nothing
            removed = await hq.delete(f"/api/tenants/{tenant.id}/custom-domain")
            assert removed.status_code == 200 and removed.json()["custom_domain"] is None
        assert (await visitor.get("/api/site")).status_code == 404
    actions = await AuditEntry.select(AuditEntry.action).where(
        AuditEntry.object.like(f"tenant:{tenant.id}:%")
    )
    assert [a["action"] for a in actions] == [
        "tenant.custom_domain.set",
        "tenant.custom_domain.removed",
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("domain", "why"),
    [
        (BASE_DOMAIN, "本平台域名"),
        (f"x.{BASE_DOMAIN}", "本平台域名"),
        ("10.0.0.1", "IP 地址"),
        ("not a domain", "格式不正确"),
        ("-bad-.example.cn", "格式不正确"),
    ],
)
async def test_a_bad_custom_domain_is_refused_and_nothing_changes(
    app: Litestar, domain: str, why: str
) -> None:
    admin = await _head_office(app)
    tenant = await _tenant()
    async with client_for(app, BASE_DOMAIN) as hq:
        await sign_in(hq, admin.username)
        refused = await hq.put(f"/api/tenants/{tenant.id}/custom-domain", json={"domain": domain})
        assert refused.status_code == 400 and why in refused.json()["error"]
        page = await hq.post(
            f"/admin/tenants/{tenant.id}/custom-domain/", data={"domain": domain}, headers=HTML
        )
        assert page.status_code == 400 and why in page.text and 'id="domain"' in page.text
    assert (await find_tenant_by_id(tenant.id)).custom_domain is None  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_another_tenants_domain_is_taken(app: Litestar) -> None:
    admin = await _head_office(app)
    first, second = await _tenant(), await _tenant()
    domain = f"{first.slug}.ggzy.example.cn"
    async with client_for(app, BASE_DOMAIN) as hq:
        await sign_in(hq, admin.username)
        path = "/api/tenants/{}/custom-domain"
        assert (await hq.put(path.format(first.id), json={"domain": domain})).status_code == 200
        taken = await hq.put(path.format(second.id), json={"domain": domain})
        assert taken.status_code == 409 and "已被其他分平台使用" in taken.json()["error"]


@pytest.mark.asyncio
async def test_only_head_office_administrators_set_domains(app: Litestar) -> None:
    supervisor = await _head_office(app, "hq_supervisor")
    tenant = await _tenant()
    async with client_for(app, BASE_DOMAIN) as hq:
        await sign_in(hq, supervisor.username)
        refused = await hq.put(
            f"/api/tenants/{tenant.id}/custom-domain", json={"domain": "ggzy.example.cn"}
        )
        assert refused.status_code == 403
        assert (await hq.get(f"/admin/tenants/{tenant.id}/custom-domain/")).status_code == 403
    assert (await find_tenant_by_id(tenant.id)).custom_domain is None  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_the_page_sets_and_removes_it(app: Litestar) -> None:
    admin = await _head_office(app)
    tenant = await _tenant()
    domain = f"{tenant.slug}.page.example.cn"
    async with client_for(app, BASE_DOMAIN) as hq:
        await sign_in(hq, admin.username)
        path = f"/admin/tenants/{tenant.id}/custom-domain/"
        set_ = await hq.post(path, data={"domain": domain}, headers=HTML)
        assert set_.status_code == 303
        shown = await hq.get(set_.headers["location"], headers=HTML)
        assert domain in shown.text and "已保存" in shown.text
        gone = await hq.post(path, data={"remove": "1"}, headers=HTML)
        assert gone.status_code == 303
        assert domain not in (await hq.get(path, headers=HTML)).text


@pytest.mark.asyncio
async def test_the_tls_proxy_is_told_only_our_hosts(app: Litestar) -> None:
    admin = await _head_office(app)
    tenant = await _tenant()
    domain = f"{tenant.slug}.tls.example.cn"
    async with client_for(app, BASE_DOMAIN) as hq:
        await sign_in(hq, admin.username)
        await hq.put(f"/api/tenants/{tenant.id}/custom-domain", json={"domain": domain})
    async with client_for(app, "10.1.2.3") as proxy:  # asks by IP, like a probe
        for host, status in (
            (domain, 200),
            (f"{tenant.slug}.{BASE_DOMAIN}", 200),
            (BASE_DOMAIN, 200),
            (f"www.{BASE_DOMAIN}", 200),  # the main portal's other name
            ("elsewhere.example.cn", 404),
            (f"nobody-{tenant.slug}.{BASE_DOMAIN}", 404),
            ("", 404),
        ):
            answer = await proxy.get("/tls/ask", params={"domain": host})
            assert answer.status_code == status, host
