"""Isolation cases of the daily-work pages (issue 12): notices, staff, library review."""

from __future__ import annotations

import re
import uuid

from core.data.engine import write_transaction
from core.notifications.service import notify
from tests.isolation.matrix import CrossTenant, World, tenant_admin_of


async def _notices_page_own_only(world: World) -> None:
    """A's notice shows on A's notices page only; B cannot mark it read."""
    admin_a, client_a = await tenant_admin_of(world, world.tenant_a)
    _, client_b = await tenant_admin_of(world, world.tenant_b)
    subject = f"甲的通知 {uuid.uuid4().hex}"
    async with write_transaction():
        await notify(
            recipients=[(admin_a.account_id, None)],
            subject=subject,
            body="正文",
            tenant_id=world.tenant_a.id,
        )
    try:
        own = await client_a.get("/account/notices/")
        assert own.status_code == 200 and subject in own.text
        notice_id = re.search(r"/account/notices/(\d+)/read", own.text).group(1)  # type: ignore[union-attr]
        other = await client_b.get("/account/notices/")
        assert other.status_code == 200 and subject not in other.text
        world.assert_nothing_of(world.tenant_a, other)
        refused = await client_b.post(f"/account/notices/{notice_id}/read")
        assert refused.status_code == 404
        assert (
            f"/account/notices/{notice_id}/read" in (await client_a.get("/account/notices/")).text
        )
    finally:
        await client_a.aclose()
        await client_b.aclose()


PAGE_CASES = {
    ("GET", "/account/notices"): CrossTenant(_notices_page_own_only),
    ("POST", "/account/notices/{notice_id:int}/read"): CrossTenant(_notices_page_own_only),
}
