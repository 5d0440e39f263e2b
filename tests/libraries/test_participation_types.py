"""报名 is taken only on announcements whose type opens a procedure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from tenants.announcements.tables import OPENS_PROCEDURE, AnnouncementType, Participation
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import Site, close, new_site, published


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    site = await new_site(app, "报名类型测试分平台")
    yield site
    await close(site)


@pytest.mark.asyncio
async def test_participation_on_each_type(app: Litestar, site: Site) -> None:
    _, _, supplier = await registered_supplier(app, site)
    original = await published(site, title="报名类型测试原公告")
    accepted = set()
    try:
        for kind in AnnouncementType:
            if kind is AnnouncementType.termination:
                continue  # only of a project: tests/projects/test_termination.py
            extra = {"corrects": original} if kind is AnnouncementType.correction else {}
            announcement_id = await published(
                site, type=kind.value, title=f"报名类型测试{kind.value}", **extra
            )
            answer = await supplier.post(f"/api/announcements/{announcement_id}/participations")
            if kind in OPENS_PROCEDURE:
                assert answer.status_code == 201, (kind, answer.text)
                accepted.add(kind)
                continue
            assert answer.status_code == 409, (kind, answer.text)
            assert "不接受报名" in answer.json()["error"]
            taken = await Participation.exists().where(
                Participation.announcement == announcement_id
            )
            assert not taken  # nothing written
        assert accepted == {AnnouncementType.tender_notice, AnnouncementType.procurement_notice}
    finally:
        await supplier.aclose()
