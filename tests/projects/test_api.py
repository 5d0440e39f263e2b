"""Project registration as JSON mirrors the pages: the same rules, refusals with their field,
and every operation in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from tenants.projects.tables import Project
from tests.libraries.helpers import credit_code, registered_supplier
from tests.portal.helpers import Site, close, new_site
from tests.projects.helpers import PDF, purchaser_of, tendering_project

DRAFT = {
    "title": "区政务中心网络设备采购",
    "track": "government",
    "method": "single_source",
    "category": "goods",
    "budget_fen": 9_900_000,
    "lots": [],
}


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "项目接口测试分平台")
    yield made
    await close(made)


@pytest.mark.asyncio
async def test_the_api_registers_a_project_as_the_pages_do(app: Litestar, site: Site) -> None:
    bad = await site.client.post(
        "/api/purchasers", json={"credit_code": "9" * 18, "name": "某单位", "region_code": "370102"}
    )
    assert bad.status_code == 400 and "credit_code" in bad.text
    made = await site.client.post(
        "/api/purchasers",
        json={"credit_code": credit_code(), "name": "区政务服务中心", "region_code": "370102"},
    )
    assert made.status_code == 201, made.text
    units = (await site.client.get("/api/purchasers")).json()
    assert any(u["name"] == "区政务服务中心" for u in units)

    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    try:
        created = await buyer.client.post("/api/projects", json=DRAFT)
        assert created.status_code == 201, created.text
        project_id = created.json()["id"]
        detail = (await buyer.client.get(f"/api/projects/{project_id}")).json()
        items = [m["item"] for m in detail["materials"] if m["required"]]
        assert items == ["plan", "requirements", "documents", "justification"]
        assert [lot["title"] for lot in detail["lots"]] == [DRAFT["title"]]  # always one lot

        submission = f"/api/projects/{project_id}/submission"
        missing = await buyer.client.post(submission)
        assert missing.status_code == 400 and "justification" in missing.text
        for item in items:
            files = {"file": (f"{item}.pdf", PDF, "application/pdf")}
            sent = await buyer.client.post(
                f"/api/projects/{project_id}/materials/{item}", files=files
            )
            assert sent.status_code == 204, sent.text
        assert (
            await buyer.client.post(f"/api/projects/{project_id}/submission")
        ).status_code == 204

        path = f"/api/projects/{project_id}/decision"
        empty = await site.client.post(path, json={"decision": "return"})
        assert empty.status_code == 400
        returned = await site.client.post(
            path,
            json={
                "decision": "return",
                "deficiencies": [{"item": "justification", "problem": "论证意见未附专家签字"}],
            },
        )
        assert returned.status_code == 200 and returned.json() == {"state": "returned"}
        seen = (await buyer.client.get(f"/api/projects/{project_id}")).json()
        assert seen["deficiencies"] == [
            {"item": "justification", "problem": "论证意见未附专家签字"}
        ]
        assert (
            await buyer.client.post(f"/api/projects/{project_id}/submission")
        ).status_code == 204
        approved = await site.client.post(path, json={"decision": "approve"})
        assert approved.json() == {"state": "registered"}
        listed = (await buyer.client.get("/api/projects")).json()
        assert [p["state"] for p in listed if p["id"] == project_id] == ["registered"]
        assert (await buyer.client.post(path, json={"decision": "approve"})).status_code == 403
    finally:
        await buyer.client.aclose()


@pytest.mark.asyncio
async def test_every_project_operation_is_in_the_schema(app: Litestar, site: Site) -> None:
    schema = (await site.public.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"] for methods in schema["paths"].values() for op in methods.values()
    }
    assert {
        "listPurchasers",
        "createPurchaser",
        "addPurchaserMember",
        "listProjects",
        "createProject",
        "getProject",
        "uploadProjectMaterial",
        "submitProject",
        "acceptProject",
        "decideProject",
        "listOwnBids",
        "submitBid",
        "withdrawBid",
        "openLot",
        "listOpenings",
    } <= operations


@pytest.mark.asyncio
async def test_bids_and_the_opening_as_json(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    _, _, supplier = await registered_supplier(app, site)
    try:
        project_id = await tendering_project(site.client, buyer)
        files = {"file": ("bid.pdf", PDF, "application/pdf")}
        sent = await supplier.post(
            f"/api/projects/{project_id}/bids",
            data={"lot": "1", "price_fen": "123456"},
            files=files,
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["digest"] == hashlib.sha256(PDF).hexdigest()
        bad = await supplier.post(
            f"/api/projects/{project_id}/bids", data={"lot": "1", "price_fen": "-1"}, files=files
        )
        assert bad.status_code == 400
        mine = (await supplier.get(f"/api/projects/{project_id}/bids")).json()
        assert [b["state"] for b in mine] == ["current"]
        early = await site.client.post(f"/api/projects/{project_id}/lots/1/opening")
        assert early.status_code == 400
        assert (
            await supplier.post(f"/api/projects/{project_id}/lots/1/opening")
        ).status_code == 403
        await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
            Project.id == project_id
        )
        opened = await site.client.post(f"/api/projects/{project_id}/lots/1/opening")
        assert opened.status_code == 200 and opened.json()["state"] == "failed"  # 1 of 3
        assert opened.json()["entries"] == []
        seen = (await supplier.get(f"/api/projects/{project_id}/openings")).json()
        assert [o["state"] for o in seen] == ["failed"]
    finally:
        await buyer.client.aclose()
        await supplier.aclose()
