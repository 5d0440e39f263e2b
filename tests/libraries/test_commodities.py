"""The commodity library: catalogue, reference-price history, suppliers, search."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar

from tests.libraries.helpers import credit_code, library_manager, registration
from tests.portal.helpers import close, new_site


@pytest.mark.asyncio
async def test_catalogue_prices_and_suppliers(app: Litestar) -> None:
    _, manager = await library_manager(app)
    site = await new_site(app, "商品库测试分平台")
    code = f"CG-{uuid.uuid4().hex[:8]}"
    item = {
        "code": code,
        "category": "办公设备/计算机/台式计算机",
        "name": f"台式计算机{code}",
        "unit": "台",
        "specification": "i5/16G/512G SSD/23.8 英寸",
    }
    try:
        created = await manager.post("/api/library/commodities", json=item)
        assert created.status_code == 201, created.text
        commodity_id = created.json()["id"]
        assert (await manager.post("/api/library/commodities", json=item)).status_code == 409
        bad = {**item, "code": "坏 编码"}
        assert (await manager.post("/api/library/commodities", json=bad)).status_code == 400
        assert (await site.client.post("/api/library/commodities", json=item)).status_code == 404

        prices = f"/api/library/commodities/{commodity_id}/prices"
        hq_price = {"price": "4999.00", "observed_on": "2026-10-01", "source": "市场调查"}
        assert (await manager.post(prices, json=hq_price)).status_code == 204
        deal = {"price": "4650.50", "observed_on": "2026-11-01", "source": "成交结果公告"}
        assert (await site.client.post(prices, json=deal)).status_code == 204
        for wrong in (
            {**deal, "price": "-1"},
            {**deal, "price": "NaN"},
            {**deal, "price": "1.001"},
            {**deal, "observed_on": "2999-01-01"},
        ):
            assert (await site.client.post(prices, json=wrong)).status_code == 400

        supplier = await manager.post("/api/library/suppliers", json=registration(credit_code()))
        link = {"subject_id": supplier.json()["id"]}
        linked = await manager.post(f"/api/library/commodities/{commodity_id}/suppliers", json=link)
        assert linked.status_code == 204

        view = (await site.client.get(f"/api/library/commodities/{commodity_id}")).json()
        assert [(p["price"], p["tenant_id"]) for p in view["prices"]] == [
            ("4650.50", site.tenant.id),
            ("4999.00", None),
        ]
        assert [s["subject_id"] for s in view["suppliers"]] == [supplier.json()["id"]]
        for params in ({"q": "台式计算机"}, {"q": code}, {"category": "办公设备/计算机"}):
            found = await site.client.get("/api/library/commodities", params=params)
            assert commodity_id in [c["id"] for c in found.json()["items"]], params
        assert (await site.public.get("/api/library/commodities")).status_code in (401, 403)
    finally:
        await manager.aclose()
        await close(site)
