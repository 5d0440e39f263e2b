"""Writing, publishing, correcting and finding announcements (service standard §6.4.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.identity.tables import AccountKind
from core.tenancy.resolver import TENANT_CACHE
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import Site, close, draft, new_site, published
from tests.tenants.helpers import PDF


@pytest_asyncio.fixture
async def sites(app: Litestar) -> AsyncIterator[tuple[Site, Site]]:
    a = await new_site(app, "甲公告测试分平台")
    b = await new_site(app, "乙公告测试分平台")
    yield a, b
    await close(a, b)


@pytest.mark.asyncio
async def test_a_draft_is_private_until_published_and_then_public_everywhere(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    created = await a.client.post(
        "/api/console/announcements", json=draft(title="草稿阶段的招标公告")
    )
    assert created.status_code == 201, created.text
    announcement_id = created.json()["id"]
    assert (await a.public.get(f"/announcements/{announcement_id}")).status_code == 404
    assert (await a.public.get(f"/api/announcements/{announcement_id}")).status_code == 404
    assert "草稿阶段的招标公告" not in (await a.public.get("/announcements")).text

    done = await a.client.post(f"/api/console/announcements/{announcement_id}/publish")
    assert done.status_code == 200
    again = await a.client.post(f"/api/console/announcements/{announcement_id}/publish")
    assert again.json() == done.json()  # a retried publication changes nothing

    page = await a.public.get(f"/announcements/{announcement_id}")
    assert page.status_code == 200 and "草稿阶段的招标公告" in page.text
    assert "SD-2026-001" in page.text and "济南市" in page.text  # project and region name
    async with client_for(app, BASE_DOMAIN) as main:
        listed = await main.get("/announcements")
        assert "草稿阶段的招标公告" in listed.text and a.tenant.name in listed.text
        assert (await main.get(f"/announcements/{announcement_id}")).status_code == 200
    printable = await a.public.get(f"/announcements/{announcement_id}/print")
    assert printable.status_code == 200 and "<nav" not in printable.text
    entries = await AuditEntry.select(AuditEntry.action).where(
        AuditEntry.object == f"announcement:{announcement_id}"
    )
    assert [e["action"] for e in entries] == ["announcement.create", "announcement.publish"]


@pytest.mark.asyncio
async def test_a_published_announcement_is_never_edited_but_corrected(
    sites: tuple[Site, Site],
) -> None:
    a, _ = sites
    original = await published(a, title="原始招标公告（待更正）")
    edit = await a.client.put(
        f"/api/console/announcements/{original}", json=draft(title="悄悄修改的标题")
    )
    assert edit.status_code == 400 and "更正" in edit.json()["error"]

    no_target = await a.client.post("/api/console/announcements", json=draft(type="correction"))
    assert no_target.status_code == 400 and no_target.json()["detail"]["field"] == "corrects"
    not_a_correction = await a.client.post(
        "/api/console/announcements", json=draft(corrects=original)
    )
    assert not_a_correction.status_code == 400

    correction = await published(
        a, type="correction", title="关于原始招标公告的更正公告", corrects=original
    )
    first = await a.public.get(f"/announcements/{original}")
    assert "原始招标公告（待更正）" in first.text  # still visible, as published
    assert f"/announcements/{correction}" in first.text and "已被更正" in first.text
    second = await a.public.get(f"/announcements/{correction}")
    assert f"/announcements/{original}" in second.text
    detail = (await a.public.get(f"/api/announcements/{original}")).json()
    assert [c["id"] for c in detail["corrected_by"]] == [correction]


@pytest.mark.asyncio
async def test_a_correction_cannot_name_a_draft_or_another_tenants_announcement(
    sites: tuple[Site, Site],
) -> None:
    a, b = sites
    draft_id = (await a.client.post("/api/console/announcements", json=draft())).json()["id"]
    of_draft = await a.client.post(
        "/api/console/announcements", json=draft(type="correction", corrects=draft_id)
    )
    assert of_draft.status_code == 400
    of_a = await published(a)
    from_b = await b.client.post(
        "/api/console/announcements", json=draft(type="correction", corrects=of_a)
    )
    assert from_b.status_code == 404  # the same answer as for a missing announcement
    missing = await b.client.post(
        "/api/console/announcements", json=draft(type="correction", corrects=10**9)
    )
    assert missing.status_code == 404 and missing.json()["error"] == from_b.json()["error"]


@pytest.mark.asyncio
async def test_script_in_rich_text_is_removed(sites: tuple[Site, Site]) -> None:
    a, _ = sites
    body = (
        '<p onclick="steal()">正文<script>alert(1)</script>'
        '<a href="javascript:alert(2)">链接</a><img src=x onerror=alert(3)></p>'
        "<style>body{display:none}</style><iframe src=//evil.example></iframe>"
    )
    announcement_id = await published(a, body_html=body)
    for path in (f"/announcements/{announcement_id}", f"/api/announcements/{announcement_id}"):
        text = (await a.public.get(path)).text
        for bad in (
            "<script",
            "alert(",
            "onclick",
            "onerror",
            "javascript:",
            "<iframe",
            "<style>body",
        ):
            assert bad not in text, (path, bad)
        assert "正文" in text
    only_script = await a.client.post(
        "/api/console/announcements", json=draft(body_html="<script>x()</script>")
    )
    assert only_script.status_code == 400 and only_script.json()["detail"]["field"] == "body_html"


@pytest.mark.asyncio
async def test_bad_input_is_refused_with_its_reason(sites: tuple[Site, Site]) -> None:
    a, _ = sites
    cases = {
        "type": draft(type="lottery"),
        "region_code": draft(region_code="999999"),
        "deadline_at": draft(
            deadline_at=(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
        ),
        "project_code": draft(project_code="x"),
        "title": draft(title=""),
    }
    for field, body in cases.items():
        response = await a.client.post("/api/console/announcements", json=body)
        assert response.status_code == 400, (field, response.text)
        assert field in response.text, (field, response.text)
    listed = (await a.client.get("/api/console/announcements")).json()
    assert listed == []  # nothing half-written


@pytest.mark.asyncio
async def test_staff_without_the_role_cannot_write(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, _ = sites
    clerk = await new_account(AccountKind.tenant_staff, a.tenant)  # no role granted
    async with client_for(app, f"{a.tenant.slug}.{BASE_DOMAIN}") as client:
        assert (await sign_in(client, clerk.username)).status_code == 200
        response = await client.post("/api/console/announcements", json=draft())
        assert response.status_code == 403
    assert (await a.public.post("/api/console/announcements", json=draft())).status_code in (
        401,
        403,
    )


@pytest.mark.asyncio
async def test_attachments_belong_to_drafts_and_are_served_once_published(
    sites: tuple[Site, Site],
) -> None:
    a, b = sites
    announcement_id = (await a.client.post("/api/console/announcements", json=draft())).json()["id"]
    url = f"/api/console/announcements/{announcement_id}/attachments"
    not_pdf = await a.client.post(
        url, files={"file": ("招标文件.pdf", b"MZ\x90", "application/pdf")}
    )
    assert not_pdf.status_code == 400
    uploaded = await a.client.post(url, files={"file": ("招标文件.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    attachment_id = uploaded.json()["id"]
    path = f"/announcements/{announcement_id}/attachments/{attachment_id}"
    assert (await a.public.get(path)).status_code == 404  # not before publication
    await a.client.post(f"/api/console/announcements/{announcement_id}/publish")
    served = await a.public.get(path)
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-disposition"].startswith("attachment")
    assert (await b.public.get(path)).status_code == 404
    late = await a.client.post(url, files={"file": ("补充.pdf", PDF, "application/pdf")})
    assert late.status_code == 400


@pytest.mark.asyncio
async def test_list_filters_and_pages(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, b = sites
    await published(a, title="甲方货物招标公告一号", category="goods")
    await published(a, type="procurement_notice", title="甲方服务采购公告二号", category="services")
    await published(b, title="乙方工程招标公告三号", category="works", project_code="YI-2026-3")
    for n in range(21):
        await published(a, type="deal_notice", title=f"甲方成交公告第{n:02d}号")

    own = await a.public.get("/api/announcements", params={"type": "tender_notice"})
    assert [i["title"] for i in own.json()["items"]] == ["甲方货物招标公告一号"]
    services = await a.public.get("/api/announcements", params={"category": "services"})
    assert [i["title"] for i in services.json()["items"]] == ["甲方服务采购公告二号"]
    first = (await a.public.get("/api/announcements", params={"type": "deal_notice"})).json()
    second = (
        await a.public.get("/api/announcements", params={"type": "deal_notice", "page": 2})
    ).json()
    assert len(first["items"]) == 20 and first["has_next"] is True
    assert len(second["items"]) == 1 and second["has_next"] is False
    assert second["items"][0]["title"] == "甲方成交公告第00号"  # newest first
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    later = await a.public.get("/api/announcements", params={"published_from": tomorrow})
    assert later.json()["items"] == []
    page = await a.public.get("/announcements", params={"keyword": "服务采购", "type": ""})
    assert "甲方服务采购公告二号" in page.text and "甲方货物招标公告一号" not in page.text
    bad = await a.public.get("/announcements", params={"published_from": "yesterday"})
    assert bad.status_code == 400

    async with client_for(app, BASE_DOMAIN) as main:
        everywhere = await main.get("/api/announcements", params={"keyword": "招标公告"})
        sources = {i["tenant_name"] for i in everywhere.json()["items"]}
        assert {a.tenant.name, b.tenant.name} <= sources
        by_code = await main.get("/announcements", params={"keyword": "YI-2026"})
        assert "乙方工程招标公告三号" in by_code.text and b.tenant.name in by_code.text
        only_b = await main.get(
            "/api/announcements", params={"tenant": b.tenant.slug, "keyword": "公告"}
        )
        assert {i["tenant_slug"] for i in only_b.json()["items"]} == {b.tenant.slug}
        nobody = await main.get("/api/announcements", params={"tenant": "no-such-platform"})
        assert nobody.status_code == 200 and nobody.json()["items"] == []
        odd = await main.get("/api/announcements", params={"tenant": "Not a slug!"})
        assert odd.status_code == 200 and odd.json()["items"] == []
        assert "slug:Not a slug!" not in TENANT_CACHE._entries  # no miss kept for it


@pytest.mark.asyncio
async def test_browsers_get_error_pages_in_the_theme_and_the_api_json(
    sites: tuple[Site, Site],
) -> None:
    a, _ = sites
    html = {"accept": "text/html,application/xhtml+xml"}
    for path in ("/announcements/999999999", "/no-such-page", "/calendar"):
        page = await a.public.get(path, headers=html)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert a.tenant.name in page.text and "site-header" in page.text, path
    api = await a.public.get("/api/announcements/999999999", headers=html)
    assert api.status_code == 404 and api.json()["error"].startswith("公告不存在")
