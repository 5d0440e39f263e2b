"""A bad filter on an HTML page answers an HTML page that says so in plain Chinese, never the
validator's text or JSON."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.conftest import BASE_DOMAIN, client_for, sign_in
from tests.tenants.helpers import hq_people

PAGE = {"accept": "text/html"}


@pytest.mark.asyncio
async def test_bad_filters_get_a_page_with_the_reason(app: Litestar) -> None:
    admin = (await hq_people(app))["admin"]
    async with client_for(app, BASE_DOMAIN) as c:
        for path in ("/announcements?page=abc", "/announcements?type=nonsense"):
            page = await c.get(path, headers=PAGE)
            assert page.status_code == 400 and "text/html" in page.headers["content-type"]
            assert "查询条件不正确" in page.text and "Expected" not in page.text
        await sign_in(c, admin.username)
        for path in ("/admin/tenants/?state=bogus", "/admin/applications/?kind=bogus"):
            page = await c.get(path, headers=PAGE)
            assert page.status_code == 400 and "text/html" in page.headers["content-type"]
            assert "筛选条件不正确" in page.text and "unknown filter" not in page.text
        good = await c.get("/admin/tenants/?state=suspended", headers=PAGE)
        assert good.status_code == 200
