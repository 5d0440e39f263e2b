"""Reinstatement gives back exactly what the penalties since the last reinstatement took."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.authz.model import subject, tenant_domain
from core.authz.policies import change_role, grant_role
from core.authz.tables import CasbinRule
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.tenancy.resolver import TENANT_CACHE
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import Site, close, new_site
from tests.tenants.helpers import PDF, hq_people, main_client_as


class Head:
    """Head office as the tests need it: a supervisor imposes, an hq_admin reinstates."""

    def __init__(
        self, people: dict[str, Principal], supervisor: httpx.AsyncClient, admin: httpx.AsyncClient
    ) -> None:
        self.people, self.supervisor, self.admin = people, supervisor, admin

    async def impose(self, site: Site, kind: str) -> None:
        done = await self.supervisor.post(
            f"/api/tenants/{site.tenant.id}/penalties",
            data={"kind": kind, "grounds": "2", "statement": f"测试{kind}"},
            files={"evidence": ("evidence.pdf", PDF, "application/pdf")},
        )
        assert done.status_code == 201, done.text

    async def reinstate(self, site: Site) -> None:
        done = await self.admin.post(
            f"/api/tenants/{site.tenant.id}/reinstatement", json={"statement": "整改完成"}
        )
        assert done.status_code == 201, done.text
        TENANT_CACHE.clear()  # this process's 5-second host cache, as another worker would

    async def state(self, site: Site) -> str:
        detail = await self.admin.get(f"/api/tenants/{site.tenant.id}")
        return str(detail.json()["tenant"]["state"])


@pytest_asyncio.fixture
async def head(app: Litestar) -> AsyncIterator[Head]:
    people = await hq_people(app)
    supervisor = await main_client_as(app, people["supervisor"])
    admin = await main_client_as(app, people["admin"])
    yield Head(people, supervisor, admin)
    await supervisor.aclose()
    await admin.aclose()


@pytest_asyncio.fixture
async def site(app: Litestar, head: Head) -> AsyncIterator[Site]:
    site = await new_site(app, "恢复测试分平台", hq=head.people["admin"])
    yield site
    await close(site)


async def admin_works(app: Litestar, site: Site) -> None:
    """The tenant admin signs in again and manages as before: branding and the console."""
    client = client_for(app, f"{site.tenant.slug}.{BASE_DOMAIN}")
    try:
        assert (await sign_in(client, site.admin.username)).status_code == 200
        assert (await client.get("/api/branding")).status_code == 200
        assert (await client.get("/console/branding")).status_code == 200
        assert (await client.get("/console/announcements")).status_code == 200
    finally:
        await client.aclose()


async def admin_grants(site: Site) -> list[str]:
    return list(
        await CasbinRule.select(CasbinRule.v0)
        .where(
            (CasbinRule.ptype == "g")
            & (CasbinRule.domain == tenant_domain(site.tenant.id))
            & (CasbinRule.v1 == "tenant_admin")
        )
        .output(as_list=True)
    )


@pytest.mark.asyncio
async def test_suspension_then_reinstatement_keeps_the_admin(
    app: Litestar, head: Head, site: Site
) -> None:
    await head.impose(site, "suspension")
    refused = await site.client.get("/api/branding")
    assert refused.status_code in (401, 403)
    await head.reinstate(site)
    await admin_works(app, site)
    assert await admin_grants(site) == [subject(site.admin.account_id)]
    assert await head.state(site) == "active"


@pytest.mark.asyncio
async def test_revocation_then_reinstatement_gives_the_rights_back(
    app: Litestar, head: Head, site: Site
) -> None:
    await head.impose(site, "revocation")
    assert (await site.client.get("/api/branding")).status_code == 403
    assert await admin_grants(site) == []
    await head.reinstate(site)
    await admin_works(app, site)
    assert await admin_grants(site) == [subject(site.admin.account_id)]


@pytest.mark.asyncio
async def test_revocation_and_suspension_then_reinstatement(
    app: Litestar, head: Head, site: Site
) -> None:
    await head.impose(site, "revocation")
    await head.impose(site, "suspension")
    await head.reinstate(site)
    await admin_works(app, site)
    assert await admin_grants(site) == [subject(site.admin.account_id)]  # once
    assert await head.state(site) == "active"


@pytest.mark.asyncio
async def test_a_warned_tenant_stays_warned_until_a_reinstatement_lifts_the_warning(
    app: Litestar, head: Head, site: Site
) -> None:
    await head.impose(site, "warning")
    await head.impose(site, "suspension")
    await head.reinstate(site)
    await admin_works(app, site)
    assert await head.state(site) == "warned"  # the warning was not what was lifted
    await head.reinstate(site)  # nothing heavier left: this one lifts the warning
    assert await head.state(site) == "active"


@pytest.mark.asyncio
async def test_a_second_cycle_gives_back_only_what_it_took(
    app: Litestar, head: Head, site: Site
) -> None:
    authorizer, hq_admin = app.state.authorizer, head.people["admin"]
    first = await new_account(AccountKind.tenant_staff, site.tenant)
    await grant_role(
        authorizer,
        hq_admin,
        account_id=first.account_id,
        role="tenant_admin",
        tenant_id=site.tenant.id,
    )
    await head.impose(site, "revocation")
    await head.reinstate(site)
    # Between the cycles head office takes the role from the first admin in the usual way,
    # and a second admin, made since, leaves the tenant (disabled).
    await change_role(
        authorizer,
        hq_admin,
        grant=False,
        account_id=first.account_id,
        role="tenant_admin",
        tenant_id=site.tenant.id,
    )
    leaver = await new_account(AccountKind.tenant_staff, site.tenant)
    await grant_role(
        authorizer,
        hq_admin,
        account_id=leaver.account_id,
        role="tenant_admin",
        tenant_id=site.tenant.id,
    )
    await head.impose(site, "revocation")
    await Account.update({Account.is_active: False}).where(Account.id == leaver.account_id)
    await head.impose(site, "suspension")
    await head.reinstate(site)
    await admin_works(app, site)
    # Not the first admin (the first cycle's revocation was already undone), not the leaver.
    assert await admin_grants(site) == [subject(site.admin.account_id)]
    # A suspension-only cycle takes nothing, so gives nothing back but the lifted deny.
    await head.impose(site, "suspension")
    await head.reinstate(site)
    await admin_works(app, site)
    assert await admin_grants(site) == [subject(site.admin.account_id)]
    assert await head.state(site) == "active"
