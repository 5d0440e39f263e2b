"""Open data over HTTP: the sub-site's feed as an OCDS release package whose next link goes
on from the cursor, the record package, the page; the console's push with its report on the
page, every rejected record named with its reasons; refusals in words."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tenants.opendata.tables import Push
from tests.conftest import BASE_DOMAIN, client_for
from tests.opendata.helpers import contracted_project, schema_errors
from tests.portal.helpers import close, new_site


@pytest.mark.asyncio
async def test_feed_record_page_and_push_over_http(app: Litestar) -> None:
    site = await new_site(app, "开放数据接口测试分平台")
    _, buyer = await contracted_project(app, site)
    try:
        first = await site.public.get("/api/opendata/releases?limit=2")
        assert first.status_code == 200, first.text
        package = first.json()
        assert package["version"] == "1.1" and package["publisher"]["name"]
        assert [r["tag"] for r in package["releases"]] == [["tender"], ["award"]]
        rest = (await site.public.get(package["links"]["next"])).json()
        assert [r["tag"] for r in rest["releases"]] == [["contract"]]
        idle = (await site.public.get(rest["links"]["next"])).json()
        assert idle["releases"] == [] and idle["links"]["next"] == rest["links"]["next"]
        for release in package["releases"] + rest["releases"]:
            assert schema_errors(release) == []
        ocid = package["releases"][0]["ocid"]
        records = (await site.public.get(f"/api/opendata/records/{ocid}")).json()["records"]
        assert len(records[0]["releases"]) == 3
        page = await site.public.get("/opendata/")
        assert page.status_code == 200 and "定标结果" in page.text and ocid in page.text
        main = client_for(app, BASE_DOMAIN)  # the main portal publishes every tenant's
        try:
            everywhere = await main.get(f"/api/opendata/records/{ocid}")
            assert everywhere.status_code == 200 and len(everywhere.json()["records"]) == 1
        finally:
            await main.aclose()
        bad = await site.public.get("/api/opendata/releases?cursor=abc")
        assert bad.status_code == 400 and "游标无效" in bad.text

        # No operator's credit code and no public service platform configured: nothing goes.
        pushed = await site.client.post("/console/opendata/pushes")
        assert pushed.status_code == 303, pushed.text
        console = await site.client.get("/console/opendata/")
        assert "未上报（有数据未通过核对）" in console.text and "PLATFORM_CODE" in console.text
        assert "待上报 3 条" in console.text
        reports = (await site.client.get("/api/console/opendata/pushes")).json()
        assert reports[0]["state"] == "rejected" and len(reports[0]["rejected"]) == 3
        national = (await site.client.get("/api/console/opendata/national")).json()
        assert [r["DATA_TYPE"] for r in national] == ["tender", "award", "contract"]
        again = await site.client.post("/api/console/opendata/pushes")
        assert again.status_code == 201 and again.json()["state"] == "rejected"
        assert await Push.count().where(Push.tenant == site.tenant.id) == 2
        refused = await site.public.post("/api/console/opendata/pushes")
        assert refused.status_code == 401
    finally:
        await buyer.client.aclose()
        await close(site)
