"""The staff's console pages: announcements and branding by plain forms, errors shown in place."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from tests.portal.helpers import Site, close, draft, image, new_site
from tests.tenants.helpers import docx, hq_people, main_client_as


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    a = await new_site(app, "工作台测试分平台")
    yield a
    await close(a)


def form(**changes: str) -> dict[str, str]:
    fields = {k: str(v) for k, v in draft().items() if k != "deadline_at"}
    return {**fields, "deadline_at": "2099-01-31T17:00", **changes}


@pytest.mark.asyncio
async def test_write_publish_and_correct_by_forms(site: Site) -> None:
    superscript = await site.client.post(
        "/console/announcements", data=form(type="correction", corrects="²")
    )
    assert superscript.status_code == 400 and "更正" in superscript.text
    refused = await site.client.post("/console/announcements", data=form(region_code="999999"))
    assert refused.status_code == 400 and "地区代码不存在" in refused.text
    assert 'value="办公设备采购项目招标公告"' in refused.text  # what was typed is kept

    created = await site.client.post("/console/announcements", data=form(title="表单创建的公告"))
    assert created.status_code == 303
    editor = created.headers["location"]
    announcement_id = int(editor.rsplit("/", 1)[1])
    attached = await site.client.post(
        f"{editor}/attachments", files={"file": ("x.exe", b"MZ", "application/octet-stream")}
    )
    assert attached.status_code == 400 and "PDF" in attached.text
    word = await site.client.post(
        f"{editor}/attachments", files={"file": ("招标文件.docx", docx(), "application/msword")}
    )
    assert word.status_code == 303
    preview = await site.client.get(f"{editor}/preview")
    assert preview.status_code == 200 and "表单创建的公告" in preview.text
    assert "招标文件.docx" in preview.text and 'name="confirm"' in preview.text
    unconfirmed = await site.client.post(f"{editor}/publish")
    assert unconfirmed.status_code == 400 and "勾选确认" in unconfirmed.text
    assert (await site.client.get(editor)).text.count("disabled") == 0  # still a draft
    published = await site.client.post(f"{editor}/publish", data={"confirm": "yes"})
    assert published.status_code == 303
    listed = await site.client.get("/console/announcements")
    assert "表单创建的公告" in listed.text and f"corrects={announcement_id}" in listed.text
    assert (await site.client.get(editor)).text.count("disabled") >= 1  # read-only once published

    prefilled = await site.client.get(f"/console/announcements/new?corrects={announcement_id}")
    assert "关于表单创建的公告的更正公告" in prefilled.text
    correction = await site.client.post(
        "/console/announcements",
        data=form(
            type="correction",
            title="关于表单创建的公告的更正公告",
            corrects=str(announcement_id),
            body_html="<p>截止时间顺延。</p>",
        ),
    )
    assert correction.status_code == 303
    await site.client.post(f"{correction.headers['location']}/publish", data={"confirm": "yes"})
    page = await site.public.get(f"/announcements/{announcement_id}")
    assert "关于表单创建的公告的更正公告" in page.text


@pytest.mark.asyncio
async def test_branding_and_requests_by_forms(app: Litestar, site: Site) -> None:
    bad = await site.client.post(
        "/console/branding", data={"display_name": "表单品牌", "accent": "pink"}
    )
    assert bad.status_code == 400 and "调色板" in bad.text
    short = await site.client.post("/console/branding", data={"display_name": "甲"})
    assert short.status_code == 400 and "「显示名称」" in short.text, short.text
    assert "Expected" not in short.text  # msgspec's own words never reach the page
    good = await site.client.post(
        "/console/branding",
        data={"display_name": "表单品牌", "accent": "violet", "phone": "0531-1"},
    )
    assert good.status_code == 303
    assert "表单品牌" in (await site.public.get("/")).text
    too_small = {"file": ("l.png", image(size=(8, 8)), "image/png")}
    assert (await site.client.post("/console/branding/logo", files=too_small)).status_code == 400

    asked = await site.client.post(
        "/console/branding/change-request",
        data={
            "layout": "standard",
            "menu_label": "指南",
            "menu_href": "/contact",
            "reason": "方便查找",
        },
    )
    assert asked.status_code == 303
    plugin = await site.client.post("/console/branding/plugins/procurement_calendar", data={})
    assert plugin.status_code == 303
    people = await hq_people(app)
    reviewer = await main_client_as(app, people["reviewer"])
    try:
        queue = await reviewer.get("/admin/requests")
        assert queue.status_code == 200 and site.tenant.name in queue.text
        ids = [
            r["id"]
            for r in (await reviewer.get("/api/approvals", params={"state": "submitted"})).json()
            if r["subject"].startswith(("change_request:t", "plugin:t"))
            and f"t{site.tenant.id}" in r["subject"]
        ]
        assert len(ids) == 2
        for request_id in ids:
            page = await reviewer.get(f"/admin/requests/{request_id}")
            assert "指南" in page.text or "采购日历" in page.text
            done = await reviewer.post(
                f"/admin/requests/{request_id}/decision", data={"decision": "approve"}
            )
            assert done.status_code == 303, done.text
    finally:
        await reviewer.aclose()
    home = (await site.public.get("/")).text
    assert ">指南</a>" in home and 'href="/calendar"' in home
