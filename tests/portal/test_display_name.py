"""A display-name change reaches every page that shows the tenant, caches or not."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.conftest import BASE_DOMAIN, client_for
from tests.portal.helpers import close, new_site, published

OLD, NEW = "显示名称测试旧名分平台", "显示名称测试新名称"


@pytest.mark.asyncio
async def test_a_new_display_name_shows_on_every_page_of_the_tenant(app: Litestar) -> None:
    site = await new_site(app, OLD)
    main = client_for(app, BASE_DOMAIN)
    announcement_id = await published(site, title="显示名称测试公告")
    pages = [
        (site.public, "/"),
        (site.public, "/login"),
        (site.client, "/console/announcements"),
        (site.client, "/console/branding"),
        (main, "/sub-platforms"),
        (main, "/announcements"),  # the 来源 column
        (main, f"/announcements?tenant={site.tenant.slug}"),
        (main, f"/announcements/{announcement_id}"),
        (main, "/"),
    ]
    try:
        for client, path in pages:  # seen once: every cache holds the old name now
            page = await client.get(path)
            assert page.status_code == 200 and OLD in page.text, path
        changed = await site.client.put("/api/branding", json={"display_name": NEW})
        assert changed.status_code == 204, changed.text
        for client, path in pages:
            page = await client.get(path)
            assert NEW in page.text and OLD not in page.text, path
    finally:
        await main.aclose()
        await close(site)
