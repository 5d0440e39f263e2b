"""A regulator or supervisor sees the tenants of its region and below, and no others."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from core.tenancy.registry import register_tenant
from core.tenancy.tables import TenantKind
from tests.conftest import new_account, unique_slug
from tests.tenants.helpers import PDF, hq_people, main_client_as


@pytest.mark.asyncio
async def test_region_grants_bound_what_is_seen(app: Litestar) -> None:
    jinan = await register_tenant(
        slug=unique_slug("jn"), name="济南分平台", kind=TenantKind.city, region_code="370102"
    )
    qingdao = await register_tenant(
        slug=unique_slug("qd"), name="青岛分平台", kind=TenantKind.city, region_code="370200"
    )
    hq = await hq_people(app)
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        app.state.authorizer,
        hq["admin"],
        account_id=regulator.account_id,
        role="regulator",
        region_code="370100",
    )
    client = await main_client_as(app, regulator)
    nobody = await main_client_as(app, await new_account(AccountKind.hq_staff))
    try:
        seen = {t["slug"] for t in (await client.get("/api/tenants/")).json()}
        assert jinan.slug in seen and qingdao.slug not in seen
        assert (await client.get(f"/api/tenants/{jinan.id}")).status_code == 200
        assert (await client.get(f"/api/tenants/{qingdao.id}")).status_code == 404
        assert (await client.get("/api/tenants/999999")).status_code == 404
        # Read only: a regulator imposes nothing.
        refused = await client.post(
            f"/api/tenants/{jinan.id}/reinstatement", json={"statement": "x"}
        )
        assert refused.status_code == 403
        assert (await nobody.get("/api/tenants/")).status_code == 403
    finally:
        await client.aclose()
        await nobody.aclose()


@pytest.mark.asyncio
async def test_a_penalty_without_grounds_statement_or_evidence_is_refused(app: Litestar) -> None:
    tenant = await register_tenant(
        slug=unique_slug("pen"), name="处罚对象", kind=TenantKind.city, region_code="370100"
    )
    supervisor = await main_client_as(app, (await hq_people(app))["supervisor"])
    evidence = {"evidence": ("e.pdf", PDF, "application/pdf")}
    try:
        for data, files in (
            ({"kind": "warning", "grounds": "", "statement": "x"}, evidence),
            ({"kind": "warning", "grounds": "9", "statement": "x"}, evidence),
            ({"kind": "warning", "grounds": "1", "statement": ""}, evidence),
            ({"kind": "demolish", "grounds": "1", "statement": "x"}, evidence),
            (
                {"kind": "warning", "grounds": "1", "statement": "x"},
                {"evidence": ("e.pdf", b"MZ not a pdf", "application/pdf")},
            ),
        ):
            response = await supervisor.post(
                f"/api/tenants/{tenant.id}/penalties", data=data, files=files
            )
            assert response.status_code == 400, (data, response.text)
        detail = (await supervisor.get(f"/api/tenants/{tenant.id}")).json()
        assert detail["penalties"] == [] and detail["tenant"]["state"] == "active"
    finally:
        await supervisor.aclose()
