"""统计分析 as head office and a regulator read it: within their reach only (a tenant outside it
answers as one that does not exist), refused to others, absent on sub-sites; bad periods are
answered clearly; the page has its charts, and its CSV and XLSX files hold its figures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest
from litestar import Litestar
from openpyxl import load_workbook

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from core.statistics import rollups
from core.statistics.service import figures, period_of
from core.tenancy.registry import TenantRef, register_tenant
from core.tenancy.tables import TenantKind
from tenants.announcements.tables import Announcement
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, unique_slug
from tests.portal.helpers import Site, close, new_site, published
from tests.tenants.helpers import hq_people, main_client_as
from themes.i18n import BEIJING

YEAR = dt.datetime.now(BEIJING).year


async def _far_tenant() -> TenantRef:
    """A sub-platform of Qingdao (370200) with two published announcements."""
    far = await register_tenant(
        slug=unique_slug("far"), name="青岛统计测试分平台", kind=TenantKind.city,
        region_code="370200",
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    for n in range(2):
        await Announcement.insert(
            Announcement(
                tenant=far.id, type="award_notice", title=f"青岛公告{n}", project_code="QD-1",
                category="works", method="open_tender", region_code="370200",
                body_html="<p>x</p>", state="published", created_by=1, published_at=now,
            )
        )  # fmt: skip
    return far


async def _regulator_of(app: Litestar, region_code: str) -> httpx.AsyncClient:
    people = await hq_people(app)
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        app.state.authorizer, people["admin"], account_id=regulator.account_id,
        role="regulator", region_code=region_code,
    )  # fmt: skip
    client = client_for(app, BASE_DOMAIN)
    assert (await sign_in(client, regulator.username)).status_code == 200
    return client


async def _world(app: Litestar) -> tuple[Site, TenantRef, httpx.AsyncClient]:
    near = await new_site(app, "济南统计测试分平台")  # region 370100
    await published(near, type="tender_notice", category="goods")
    far = await _far_tenant()
    await rollups.refresh()
    hq = await main_client_as(app, (await hq_people(app))["admin"])
    return near, far, hq


@pytest.mark.asyncio
async def test_each_reader_sees_the_tenants_within_reach(app: Litestar) -> None:
    near, far, hq = await _world(app)
    qingdao = await _regulator_of(app, "370200")
    try:
        everything = await hq.get("/api/statistics", params={"year": YEAR})
        assert everything.status_code == 200, everything.text
        seen = {f["tenant_id"] for f in everything.json()["by_tenant"]}
        assert {near.tenant.id, far.id} <= seen

        own = await qingdao.get("/api/statistics", params={"year": YEAR})
        assert own.status_code == 200, own.text
        body = own.json()
        seen = {f["tenant_id"] for f in body["by_tenant"]}  # other tests' Qingdao ones too
        assert far.id in seen and near.tenant.id not in seen
        one = await qingdao.get("/api/statistics", params={"year": YEAR, "tenant_id": far.id})
        assert one.json()["summary"]["announcements"] == 2

        # Another region's tenant answers as one that does not exist, by the API and the pages.
        for path in ("/api/statistics", "/admin/statistics/", "/admin/statistics/export"):
            hidden = await qingdao.get(path, params={"year": YEAR, "tenant_id": near.tenant.id})
            missing = await qingdao.get(path, params={"year": YEAR, "tenant_id": 99_999_999})
            assert hidden.status_code == missing.status_code == 404, (path, hidden.text)
            assert hidden.text == missing.text
            assert near.tenant.name not in hidden.text
        page = await qingdao.get("/admin/statistics/", params={"year": YEAR})
        assert page.status_code == 200
        assert far.name in page.text and near.tenant.name not in page.text
        report = await qingdao.get("/admin/statistics/report", params={"year": YEAR, "quarter": 1})
        assert report.status_code == 200 and near.tenant.name not in report.text
        assert "/admin/statistics" in (await qingdao.get("/workbench")).text

        # A reach of one tenant, or that tenant asked for: the same sums, not the same answer.
        year = period_of(YEAR)
        assert (await figures(frozenset({far.id}), year)).tenant_id is None
        assert (await figures(frozenset({far.id}), year, far.id)).tenant_id == far.id

        # Head office may pick any tenant.
        picked = await hq.get("/api/statistics", params={"year": YEAR, "tenant_id": near.tenant.id})
        assert picked.json()["summary"]["announcements"] == 1
        assert {f["tenant_id"] for f in picked.json()["by_tenant"]} == {near.tenant.id}
    finally:
        await qingdao.aclose()
        await hq.aclose()
        await close(near)


@pytest.mark.asyncio
async def test_others_are_refused_and_sub_sites_have_none(app: Litestar) -> None:
    near, _, hq = await _world(app)
    await hq.aclose()
    supplier = await new_account(AccountKind.supplier)
    staff = await new_account(AccountKind.hq_staff)  # head-office staff with no role
    try:
        async with client_for(app, BASE_DOMAIN) as anonymous:
            response = await anonymous.get("/api/statistics", params={"year": YEAR})
            assert response.status_code == 401
            page = await anonymous.get("/admin/statistics/")
            assert page.status_code in (302, 303, 401) and near.tenant.name not in page.text
        for account in (supplier, staff):
            async with client_for(app, BASE_DOMAIN) as portal:
                assert (await sign_in(portal, account.username)).status_code == 200
                for path in ("/api/statistics", "/admin/statistics/", "/admin/statistics/export"):
                    refused = await portal.get(path, params={"year": YEAR})
                    assert refused.status_code == 403, (path, refused.text)
                    assert near.tenant.name not in refused.text
                assert "/admin/statistics" not in (await portal.get("/workbench")).text
        # Main portal only: the tenant's own admin finds nothing on its sub-site.
        for path in ("/api/statistics", "/admin/statistics/", "/admin/statistics/report"):
            assert (await near.client.get(path, params={"year": YEAR})).status_code == 404
    finally:
        await close(near)


@pytest.mark.asyncio
async def test_bad_periods_are_answered_clearly(app: Litestar) -> None:
    hq = await main_client_as(app, (await hq_people(app))["admin"])
    try:
        for params, words in (
            ({"year": "abc"}, None),
            ({"year": 1999}, None),
            ({"year": YEAR, "period": "q5"}, "统计期间不正确"),
            ({"year": YEAR, "tenant_id": 0}, None),
        ):
            refused = await hq.get("/api/statistics", params=params)
            assert refused.status_code == 400, (params, refused.text)
            assert words is None or words in refused.text
        for params, words in (
            ({"year": "abc"}, "统计年份不正确"),
            ({"year": "1999"}, "统计年份不正确"),
            ({"year": YEAR, "period": "h3"}, "统计期间不正确"),
            ({"year": YEAR, "tenant_id": "x"}, "请从列表中选择分平台"),
        ):
            page = await hq.get("/admin/statistics/", params=params)
            assert page.status_code == 400 and words in page.text, (params, page.text[:200])
            assert "<svg" not in page.text  # the form again, without figures
        report = await hq.get("/admin/statistics/report", params={"year": YEAR, "quarter": 5})
        assert report.status_code == 400 and "季度应为 1 至 4" in report.text
        wrong = await hq.get("/admin/statistics/export", params={"year": YEAR, "format": "pdf"})
        assert wrong.status_code == 400 and "csv 或 xlsx" in wrong.text
    finally:
        await hq.aclose()


@pytest.mark.asyncio
async def test_the_page_has_its_charts_and_the_files_its_figures(app: Litestar) -> None:
    near, far, hq = await _world(app)
    try:
        params = {"year": YEAR, "period": "year", "tenant_id": far.id}
        page = await hq.get("/admin/statistics/", params=params)
        assert page.status_code == 200, page.text
        assert page.text.count("<svg") >= 2 and "<script" not in page.text
        assert "按月：公告、登记项目与定标标段" in page.text and "中标结果公告" in page.text
        assert "award_notice" not in page.text.split("<svg")[0]  # labels, not keys
        figures = (await hq.get("/api/statistics", params=params)).json()
        assert figures["summary"]["announcements"] == 2

        as_csv = await hq.get("/admin/statistics/export", params={**params, "format": "csv"})
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        header = rows.index(["概况"]) + 1
        summary = dict(zip(rows[header], rows[header + 1], strict=True))
        assert summary["发布公告"] == "2" and summary["节资率"] == ""
        types = rows.index(["公告按类型"]) + 1
        assert rows[types + 1] == ["中标结果公告", "2"]

        as_xlsx = await hq.get("/admin/statistics/export", params={**params, "format": "xlsx"})
        assert as_xlsx.status_code == 200
        book = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
        sheet = [list(r) for r in book["概况"].iter_rows(values_only=True)]
        assert "导出" in sheet[0][0]  # who took it and when
        assert dict(zip(sheet[1], sheet[2], strict=True))["发布公告"] == 2
        by_type = [list(r) for r in book["公告按类型"].iter_rows(values_only=True)]
        assert by_type[2] == ["中标结果公告", 2]
        monthly = [list(r) for r in book["按月统计"].iter_rows(values_only=True)]
        assert len(monthly) == 2 + 12 and sum(r[1] for r in monthly[2:]) == 2

        report = await hq.get("/admin/statistics/report", params={"year": YEAR, "quarter": 1})
        assert report.status_code == 200 and f"{YEAR}年第一季度统计报告" in report.text
    finally:
        await hq.aclose()
        await close(near)
