"""Head office's push of every sub-platform (全平台数据上报): one sub-platform with a bad record
pushes nothing and its report names the record, the clean one pushes all of its records; a
retry sends nothing twice; each push is audited under the head-office admin; nobody else may
run it; the page (Chinese) and the JSON route say the same."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import Forbidden
from tenants.opendata import push
from tenants.opendata.tables import Push, Release
from tests.conftest import BASE_DOMAIN, client_for, sign_in
from tests.opendata.helpers import CONTEXT, SERVICE_PLATFORM, contracted_project, with_operator
from tests.portal.helpers import close, new_site
from tests.tenants.helpers import hq_people


async def _signed_before_the_award(tenant_id: int) -> str:
    """The tenant's contract as if signed before its award: the dates are not coherent."""
    contract = (
        await Release.select()
        .where((Release.tenant == tenant_id) & (Release.tag == "contract"))
        .first()
    )
    payload = json.loads(contract["payload"])
    payload["contracts"][0]["dateSigned"] = "2000-01-01T00:00:00+08:00"
    await Release.update({Release.payload: json.dumps(payload)}).where(Release.id == contract["id"])
    return contract["release_id"]


async def _pending(tenant_id: int) -> int:
    return await Release.count().where((Release.tenant == tenant_id) & Release.pushed_in.is_null())


def _of(done: list[push.TenantPush], tenant_id: int) -> push.TenantPush:
    (found,) = [d for d in done if d.tenant_id == tenant_id]
    return found


@pytest.mark.asyncio
async def test_one_tenant_bad_one_clean_and_a_retry(app: Litestar) -> None:
    people = await hq_people(app)
    bad, clean = (
        await new_site(app, "全平台上报有误分平台"),
        await new_site(app, "全平台上报无误分平台"),
    )
    _, bad_buyer = await contracted_project(app, bad)
    _, clean_buyer = await contracted_project(app, clean)
    try:
        await with_operator(bad)
        await with_operator(clean)
        broken = await _signed_before_the_award(bad.tenant.id)

        async def run(principal=people["admin"]):  # type: ignore[no-untyped-def]
            return await push.push_every_tenant(
                app.state.authorizer,
                principal,
                app.state.object_storage,
                SERVICE_PLATFORM,
                CONTEXT,
            )

        for refused in (bad.admin, people["supervisor"]):  # a tenant's admin, another hq role
            with pytest.raises(Forbidden):
                await run(refused)
        assert await Push.count().where(Push.tenant.is_in([bad.tenant.id, clean.tenant.id])) == 0

        done = await run()
        rejected = _of(done, bad.tenant.id)
        assert rejected.tenant_name == "全平台上报有误分平台" and rejected.error is None
        assert rejected.report.state == "rejected" and rejected.report.records == 3
        (named,) = rejected.report.rejected
        assert named.release_id == broken
        assert any(r.startswith("合同签订日期早于定标日期") for r in named.reasons)
        assert await _pending(bad.tenant.id) == 3  # that tenant: nothing at all
        pushed = _of(done, clean.tenant.id)
        assert pushed.report.state == "pushed" and pushed.report.records == 3
        assert pushed.report.rejected == []
        assert await _pending(clean.tenant.id) == 0
        entries = await AuditEntry.select().where(
            AuditEntry.object.is_in(
                [f"opendata_push:{d.report.push_id}" for d in (rejected, pushed)]
            )
        )
        assert {(e["tenant_id"], e["outcome"]) for e in entries} == {
            (bad.tenant.id, "failure"),
            (clean.tenant.id, "success"),
        }
        assert {e["actor_id"] for e in entries} == {people["admin"].account_id}

        # The retry: the clean tenant has nothing left to send; the bad one is checked again.
        again = await run()
        assert _of(again, clean.tenant.id).report == push.PushReport(None, None, 0, [])
        assert _of(again, bad.tenant.id).report.state == "rejected"
        sent = await Push.select().where(Push.tenant == clean.tenant.id)
        assert [p["state"] for p in sent] == ["pushed"] and sent[0]["object_key"]
        assert await Release.count().where(Release.pushed_in == sent[0]["id"]) == 3

        # Over HTTP on the main portal: the page names both, the failing record and its reason.
        portal = client_for(app, BASE_DOMAIN)
        try:
            assert (await sign_in(portal, people["admin"].username)).status_code == 200
            page = await portal.get("/admin/opendata/")
            assert page.status_code == 200, page.text
            assert "全平台数据上报" in page.text and "全平台上报无误分平台" in page.text
            assert "未上报（有数据未通过核对）" in page.text and broken in page.text
            assert "合同签订日期早于定标日期" in page.text and "已全部上报" in page.text
            ran = await portal.post("/admin/opendata/pushes")
            assert ran.status_code == 303 and ran.headers["location"] == "/admin/opendata/"
            answer = await portal.post("/api/admin/opendata/pushes")
            assert answer.status_code == 201, answer.text
            by_tenant = {d["tenant_id"]: d for d in answer.json()}
            assert by_tenant[clean.tenant.id]["report"]["push_id"] is None
            assert by_tenant[bad.tenant.id]["report"]["state"] == "rejected"
        finally:
            await portal.aclose()
        assert await Push.count().where(Push.tenant == clean.tenant.id) == 1
    finally:
        await bad_buyer.client.aclose()
        await clean_buyer.client.aclose()
        await close(bad, clean)


@pytest.mark.asyncio
async def test_only_head_office_reaches_it(app: Litestar) -> None:
    """On a sub-site the routes do not exist; on the main portal another hq role is refused."""
    site = await new_site(app, "全平台上报拒绝测试分平台")
    supervisor = (await hq_people(app))["supervisor"]
    portal = client_for(app, BASE_DOMAIN)
    try:
        for path in ("/admin/opendata/", "/api/admin/opendata/pushes"):
            method = "GET" if path.endswith("/") else "POST"
            assert (await site.client.request(method, path)).status_code == 404
        assert (await sign_in(portal, supervisor.username)).status_code == 200
        assert (await portal.get("/admin/opendata/")).status_code == 403
        assert (await portal.post("/api/admin/opendata/pushes")).status_code == 403
        assert (await portal.post("/admin/opendata/pushes")).status_code == 403
    finally:
        await portal.aclose()
        await close(site)
