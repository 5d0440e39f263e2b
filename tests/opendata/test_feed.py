"""The feed pages by (public-modified stamp, id): many releases with one stamp, a small page,
two runs give the same sequence with nothing skipped or repeated, and a release written
meanwhile comes after the cursor. A bad cursor is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from litestar import Litestar

from core.errors import DomainError
from core.libraries.transactions.service import TransactionEntry
from tenants.opendata import feed, releases
from tenants.opendata.tables import Release
from tests.libraries.helpers import credit_code
from tests.portal.helpers import close, new_site

STAMP = 1_800_000_000_000_000


async def _rows(tenant_id: int, n: int, stamp: int, start: int = 0) -> list[str]:
    ids = [f"tie-{tenant_id}-{i}" for i in range(start, start + n)]
    for release_id in ids:
        # Shaped as a tender release, for the main portal's /opendata page other tests open.
        payload = {
            "ocid": f"ocds-sunshn-{tenant_id}-X",
            "id": release_id,
            "tag": ["tender"],
            "tender": {"title": "游标测试"},
        }
        await Release.insert(
            Release(
                tenant=tenant_id,
                release_id=release_id,
                ocid=payload["ocid"],
                tag="tender",
                project_code="X",
                payload=json.dumps(payload),
                public_modified=stamp,
            )
        )
    return ids


async def _walk(tenant_id: int, limit: int, cursor: str = "") -> tuple[list[str], str]:
    seen = []
    while True:
        page = await feed.page(tenant_id, cursor, limit)
        seen += [r["id"] for r in page.releases]
        if not page.releases:
            return seen, page.next_cursor
        cursor = page.next_cursor


@pytest.mark.asyncio
async def test_ties_page_the_same_way_every_run(app: Litestar) -> None:
    site = await new_site(app, "开放数据游标测试分平台")
    try:
        written = await _rows(site.tenant.id, 11, STAMP)
        first, cursor = await _walk(site.tenant.id, 3)
        second, _ = await _walk(site.tenant.id, 3)
        assert first == second == written  # no row skipped, none repeated, same order
        # Rows written meanwhile, one with the same stamp, one later: both after the cursor.
        later = await _rows(site.tenant.id, 1, STAMP, start=11)
        later += await _rows(site.tenant.id, 1, STAMP + 1, start=12)
        resumed, _ = await _walk(site.tenant.id, 3, cursor)
        assert resumed == later
        # Another tenant's feed is its own; the main portal's holds both.
        other = await new_site(app, "开放数据游标另一分平台")
        try:
            assert (await _walk(other.tenant.id, 3))[0] == []
            everything, _ = await _walk(None, 5)
            assert set(written + later) <= set(everything)
        finally:
            await close(other)
    finally:
        await close(site)


@pytest.mark.asyncio
async def test_a_bad_cursor_is_refused(app: Litestar) -> None:
    for cursor in ("x", "1.", "1.2.3", "-1.2"):
        with pytest.raises(DomainError, match="游标无效"):
            await feed.page(None, cursor)


@pytest.mark.asyncio
async def test_a_stamp_never_goes_back(app: Litestar) -> None:
    """A release written after one stamped ahead of the clock takes that stamp, not an earlier
    one, and its larger id puts it after: a reader holding the cursor misses nothing."""
    site = await new_site(app, "开放数据时间戳测试分平台")
    try:
        (ahead,) = await _rows(site.tenant.id, 1, STAMP * 2)
        page = await feed.page(site.tenant.id, "", 10)
        assert [r["id"] for r in page.releases] == [ahead]
        entry = TransactionEntry(
            tenant_id=site.tenant.id,
            section_code="X001001",
            project_code="X",
            project_title="时间戳测试项目",
            section_title="一标段",
            track="tender",
            method="open_tender",
            category="goods",
            purchaser_name="某采购单位",
            purchaser_credit_code=credit_code(),
            agency_name="",
            supplier_id=1,
            supplier_name="某供应商",
            supplier_credit_code=credit_code(),
            budget_fen=None,
            award_fen=100,
            awarded_at=dt.datetime.now(dt.UTC),
        )
        await releases.on_award(entry)
        await releases.on_award(entry)  # written once only
        after = await feed.page(site.tenant.id, page.next_cursor, 10)
        assert [r["tag"] for r in after.releases] == [["award"]]
        stamps = await Release.select(Release.public_modified).where(
            Release.tenant == site.tenant.id
        )
        assert {s["public_modified"] for s in stamps} == {STAMP * 2}
        await Release.delete().where(Release.tenant == site.tenant.id)  # the clock is back
    finally:
        await close(site)
