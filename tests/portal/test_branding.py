"""Branding tokens, images, change requests; the theme's palette and languages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.identity.tables import AccountKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import Site, close, image, new_site
from tests.tenants.helpers import PDF, hq_people, main_client_as
from themes.palette import PALETTE, contrast_with_white

TOKENS = {
    "display_name": "甲市阳光采购门户",
    "accent": "jade",
    "contact": {"address": "甲市人民路 1 号", "phone": "0531-1234567", "email": "a@example.cn"},
    "footer_text": "甲市公共资源交易中心主办",
    "filing_number": "鲁ICP备12345678号",
}


@pytest_asyncio.fixture
async def sites(app: Litestar) -> AsyncIterator[tuple[Site, Site]]:
    a = await new_site(app, "甲品牌测试分平台")
    b = await new_site(app, "乙品牌测试分平台")
    yield a, b
    await close(a, b)


def test_every_accent_carries_white_text_at_wcag_aa() -> None:
    for name, colour in PALETTE.items():
        assert contrast_with_white(colour) >= 4.5, name


@pytest.mark.asyncio
async def test_tokens_show_on_own_site_only(sites: tuple[Site, Site]) -> None:
    a, b = sites
    assert (await a.client.put("/api/branding", json=TOKENS)).status_code == 204
    page = (await a.public.get("/")).text
    for value in ("甲市阳光采购门户", PALETTE["jade"], "甲市人民路 1 号", "鲁ICP备12345678号"):
        assert value in page
    contact = (await a.public.get("/contact")).text
    assert "a@example.cn" in contact
    other = (await b.public.get("/")).text
    for value in ("甲市阳光采购门户", PALETTE["jade"], "甲市人民路 1 号", "鲁ICP备12345678号"):
        assert value not in other


@pytest.mark.asyncio
async def test_bad_tokens_are_refused_and_nothing_changes(sites: tuple[Site, Site]) -> None:
    a, _ = sites
    assert (await a.client.put("/api/branding", json=TOKENS)).status_code == 204
    refused = {
        "accent": {**TOKENS, "accent": "#ff00ff"},
        "display_name": {**TOKENS, "display_name": "甲"},
        "layout": {**TOKENS, "layout": "three_columns"},  # not a token: a change request
        "phone": {**TOKENS, "contact": {"phone": "<script>"}},
        "filing_number": {**TOKENS, "filing_number": "<b>x</b>"},
    }
    for field, body in refused.items():
        response = await a.client.put("/api/branding", json=body)
        assert response.status_code == 400, (field, response.text)
        assert field in response.text, (field, response.text)
    assert (await a.client.get("/api/branding")).json()["tokens"]["accent"] == "jade"


@pytest.mark.asyncio
async def test_images_are_checked_by_content_size_and_dimensions(sites: tuple[Site, Site]) -> None:
    a, b = sites

    async def put(kind: str, data: bytes, name: str = "logo.png") -> int:
        files = {"file": (name, data, "image/png")}
        return (await a.client.put(f"/api/branding/{kind}", files=files)).status_code

    assert await put("logo", PDF) == 400  # not an image, whatever its name says
    assert await put("logo", b"\x89PNG\r\n\x1a\n" + b"\0" * 64) == 400  # a forged header
    assert await put("logo", image(size=(10, 10))) == 400  # too small
    assert await put("logo", image(size=(1200, 200))) == 400  # too wide
    assert await put("logo", image(fmt="GIF")) == 400  # not in the theme's formats
    oversize = image(fmt="BMP", size=(1000, 1000))  # about 3 MB
    assert await put("banner", oversize) == 400
    assert await put("colour", image()) == 400
    assert await put("logo", image()) == 200
    assert await put("banner", image(fmt="JPEG", size=(1200, 300)), "banner.jpg") == 200

    page = (await a.public.get("/")).text
    assert "/branding/logo?v=" in page and "/branding/banner?v=" in page
    logo = await a.public.get("/branding/logo")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert (await b.public.get("/branding/logo")).status_code == 404  # B has none, A's stays A's


@pytest.mark.asyncio
async def test_only_the_tenant_admin_sets_branding(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, _ = sites
    clerk = await new_account(AccountKind.tenant_staff, a.tenant)
    async with client_for(app, f"{a.tenant.slug}.{BASE_DOMAIN}") as client:
        assert (await sign_in(client, clerk.username)).status_code == 200
        assert (await client.put("/api/branding", json=TOKENS)).status_code == 403


@pytest.mark.asyncio
async def test_menu_items_blocks_and_layout_only_through_an_approved_change_request(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    people = await hq_people(app)
    body = {
        "custom": {
            "menu_items": [{"label": "办事指南", "href": "/contact"}],
            "blocks": [
                {"title": "服务承诺", "body_html": "<p>一次告知<script>alert(1)</script></p>"}
            ],
            "layout": "blocks_first",
        },
        "reason": "方便供应商查找办事指南",
    }
    bad = await a.client.post(
        "/api/branding/change-requests",
        json={**body, "custom": {"menu_items": [{"label": "x", "href": "javascript:x"}]}},
    )
    assert bad.status_code == 400
    submitted = await a.client.post("/api/branding/change-requests", json=body)
    assert submitted.status_code == 201, submitted.text
    request_id = submitted.json()["id"]
    assert (await a.client.post("/api/branding/change-requests", json=body)).status_code == 409
    assert "服务承诺" not in (await a.public.get("/")).text  # nothing before approval

    reviewer = await main_client_as(app, people["reviewer"])
    try:
        detail = (await reviewer.get(f"/api/approvals/{request_id}")).json()
        assert detail["request"]["type"] == "change_request"
        asked = detail["request"]["payload"]  # the reviewer sees what exactly is asked
        assert asked["reason"] == body["reason"] and asked["custom"]["layout"] == "blocks_first"
        assert "<script" not in str(asked)  # sanitised when submitted
        decided = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert decided.status_code == 200, decided.text
    finally:
        await reviewer.aclose()
    page = (await a.public.get("/")).text
    assert "服务承诺" in page and "一次告知" in page and "<script>alert" not in page
    assert ">办事指南</a>" in page
    assert page.index("服务承诺") < page.index("最新公告")  # blocks first
    assert "服务承诺" not in (await b.public.get("/")).text
    listed = (await a.client.get("/api/branding/change-requests")).json()
    assert listed[0]["state"] == "approved"


@pytest.mark.asyncio
async def test_english_is_a_link_away_and_never_an_open_redirect(sites: tuple[Site, Site]) -> None:
    a, _ = sites
    switched = await a.public.get("/lang/en", params={"next": "/announcements"})
    assert switched.status_code == 303 and switched.headers["location"] == "/announcements"
    page = await a.public.get("/announcements")
    assert 'lang="en"' in page.text and "Announcements" in page.text
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        back = await a.public.get("/lang/zh-CN", params={"next": elsewhere})
        assert back.headers["location"] == "/"
    assert "交易公告" in (await a.public.get("/announcements")).text
    # The console switches too, and comes back to the page it was on.
    console = await a.client.get("/console/branding", headers={"accept": "text/html"})
    assert '/lang/en?next=/console/branding"' in console.text
    await a.client.get("/lang/en", params={"next": "/workbench"})
    assert "My workbench" in (await a.client.get("/workbench")).text
    assert (await a.public.get("/lang/fr")).status_code == 404
