"""报名 from the announcement's page: anonymous visitors are told to sign in; a reviewed
supplier takes part with one button and is told; refusals answer a page with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar

from tenants.announcements.tables import Announcement, Participation
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import close, new_site, published

PAGE = {"accept": "text/html"}


@pytest.mark.asyncio
async def test_a_supplier_takes_part_from_the_announcement_page(app: Litestar) -> None:
    site = await new_site(app, "报名页面测试分平台")
    try:
        tender = await published(site)
        result = await published(site, type="award_notice", title="办公设备采购中标结果公告")
        anonymous = await site.public.get(f"/announcements/{tender}", headers=PAGE)
        assert "登录后可在此报名" in anonymous.text and "我要报名" not in anonymous.text
        subject_id, _, supplier = await registered_supplier(app, site)
        page = await supplier.get(f"/announcements/{tender}", headers=PAGE)
        assert "我要报名" in page.text
        assert "我要报名" not in (await supplier.get(f"/announcements/{result}")).text
        done = await supplier.post(f"/announcements/{tender}/participation", headers=PAGE)
        assert done.status_code == 303
        page = await supplier.get(done.headers["location"], headers=PAGE)
        assert "报名成功" in page.text and "您已于" in page.text and "我要报名" not in page.text
        again = await supplier.post(f"/announcements/{tender}/participation", headers=PAGE)
        assert again.status_code == 303  # taking part twice is the first participation
        assert await Participation.count().where(Participation.subject == subject_id) == 1
        refused = await supplier.post(f"/announcements/{result}/participation", headers=PAGE)
        assert refused.status_code == 409 and "text/html" in refused.headers["content-type"]
        assert "不接受报名" in refused.text and "opens no procedure" not in refused.text
        console = await site.client.get(f"/console/announcements/{tender}")
        assert "报名情况" in console.text and f"/library/subjects/{subject_id}" in console.text
        notices = (await supplier.get("/api/notices/")).json()
        assert any(n["subject"].endswith("报名成功") for n in notices)
        late = await published(site)
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        await Announcement.update({Announcement.deadline_at: past}).where(Announcement.id == late)
        assert "报名已截止" in (await supplier.get(f"/announcements/{late}", headers=PAGE)).text
        await supplier.aclose()
    finally:
        await close(site)
