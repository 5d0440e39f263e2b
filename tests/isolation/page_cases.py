"""Isolation cases of the daily-work pages (issue 12): notices, staff, library review."""

from __future__ import annotations

import re
import uuid

from core.data.engine import write_transaction
from core.notifications.service import notify
from tenants.announcements.tables import Participation
from tests.conftest import BASE_DOMAIN, client_for, sign_in, with_csrf
from tests.isolation.library_cases import _registered_on
from tests.isolation.matrix import (
    CrossTenant,
    World,
    _absent_on_sub_sites,
    _session_refused_on_b,
    tenant_admin_of,
)
from tests.libraries.helpers import approve_subject, credit_code, registration
from tests.portal.helpers import draft


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


async def _subject_pages_shared_entry_private_note(world: World) -> None:
    """The entry is the same on every site; A's private note shows on A's page only."""
    client = await with_csrf(world.client_a)
    body = registration(credit_code())
    created = await client.post("/api/library/suppliers", json=body)
    subject_id = created.json()["id"]
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    secret = f"甲方内部备注{uuid.uuid4().hex[:8]}"
    try:
        note = await admin_a.put(f"/api/library/subjects/{subject_id}/note", json={"note": secret})
        assert note.status_code == 204
        assert secret in (await admin_a.get(f"/library/subjects/{subject_id}")).text
        name = body["profile"]["name"]
        for path in (f"/library/subjects/{subject_id}", f"/library/subjects/?name={name[:8]}"):
            page = await admin_b.get(path)
            assert page.status_code == 200 and name in page.text, path
            assert secret not in page.text
            world.assert_nothing_of(world.tenant_a, page)
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


PAGE_CASES = {
    ("GET", "/admin/library"): CrossTenant(_absent_on_sub_sites("GET", "/admin/library/")),
    ("GET", "/admin/library/{request_id:int}"): CrossTenant(
        _absent_on_sub_sites("GET", "/admin/library/1")
    ),
    ("POST", "/admin/library/{request_id:int}/decision"): CrossTenant(
        _absent_on_sub_sites("POST", "/admin/library/1/decision")
    ),
    ("GET", "/library/subjects"): CrossTenant(_subject_pages_shared_entry_private_note),
    ("GET", "/library/subjects/{subject_id:int}"): CrossTenant(
        _subject_pages_shared_entry_private_note
    ),
    ("POST", "/library/subjects/{subject_id:int}/credit-records"): CrossTenant(
        _absent_on_sub_sites("POST", "/library/subjects/1/credit-records")
    ),
    ("POST", "/library/subjects/{subject_id:int}/credit-records/{record_id:int}/lift"): (
        CrossTenant(_absent_on_sub_sites("POST", "/library/subjects/1/credit-records/1/lift"))
    ),
    ("GET", "/account/notices"): CrossTenant(_notices_page_own_only),
    ("POST", "/account/notices/{notice_id:int}/read"): CrossTenant(_notices_page_own_only),
}


async def _staff_pages_own_tenant_only(world: World) -> None:
    """B's admin neither sees A's staff on the staff page nor changes them through it."""
    admin_a, client_a = await tenant_admin_of(world, world.tenant_a)
    admin_b, client_b = await tenant_admin_of(world, world.tenant_b)
    try:
        page = await client_b.get("/staff/")
        assert page.status_code == 200 and admin_b.username in page.text
        assert admin_a.username not in page.text and world.staff_a.username not in page.text
        world.assert_nothing_of(world.tenant_a, page)
        for action in ("disable", "enable", "reset"):
            response = await client_b.post(
                f"/staff/{world.staff_a.account_id}/{action}", data={"password": "Taken-Over-1"}
            )
            assert response.status_code == 404, (action, response.text)
        created = await client_b.post(
            "/staff/", data={"username": f"b-{uuid.uuid4().hex[:8]}", "password": "Sunsh1ne-Test"}
        )
        assert created.status_code == 303
        assert (await client_a.get("/api/auth/me")).status_code == 200
        mine = {s["account_id"]: s["is_active"] for s in (await client_a.get("/api/staff/")).json()}
        assert mine[world.staff_a.account_id] is True
    finally:
        await client_a.aclose()
        await client_b.aclose()


PAGE_CASES.update(
    {
        ("GET", "/staff"): CrossTenant(_staff_pages_own_tenant_only),
        ("POST", "/staff"): CrossTenant(_staff_pages_own_tenant_only),
        ("POST", "/staff/{account_id:int}/{action:str}"): CrossTenant(_staff_pages_own_tenant_only),
    }
)


async def _download_pages_own_site_and_person(world: World) -> None:
    """A's request is not on B's download page; B's own request stays B's."""
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    purpose = f"甲方核对本地供应商名录{uuid.uuid4().hex[:6]}"
    try:
        asked = await admin_a.post(
            "/library/downloads/",
            data={"dataset": "suppliers", "format": "csv", "purpose": purpose},
        )
        assert asked.status_code == 303, asked.text
        assert purpose in (await admin_a.get("/library/downloads/")).text
        page = await admin_b.get("/library/downloads/")
        assert page.status_code == 200 and purpose not in page.text
        world.assert_nothing_of(world.tenant_a, page)
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


PAGE_CASES.update(
    {
        ("GET", "/library/downloads"): CrossTenant(_download_pages_own_site_and_person),
        ("POST", "/library/downloads"): CrossTenant(_download_pages_own_site_and_person),
        ("GET", "/admin/downloads"): CrossTenant(_absent_on_sub_sites("GET", "/admin/downloads/")),
        ("POST", "/admin/downloads/{request_id:int}/decision"): CrossTenant(
            _absent_on_sub_sites("POST", "/admin/downloads/1/decision")
        ),
    }
)


async def _participation_page_on_own_tenant_only(world: World) -> None:
    """A's announcement, asked for through B's host, is "not found" for a supplier on B."""
    subject_id, body = await _registered_on(world, "client_b")
    await approve_subject(world.app, subject_id)
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    supplier_b = client_for(world.app, f"{world.tenant_b.slug}.{BASE_DOMAIN}")
    try:
        created = await admin_a.post("/api/console/announcements", json=draft())
        announcement_id = created.json()["id"]
        await admin_a.post(f"/api/console/announcements/{announcement_id}/publish")
        assert (await sign_in(supplier_b, body["username"])).status_code == 200
        refused = await supplier_b.post(
            f"/announcements/{announcement_id}/participation", headers={"accept": "text/html"}
        )
        assert refused.status_code == 404, refused.text
        world.assert_nothing_of(world.tenant_a, refused)
        assert await Participation.count().where(Participation.subject == subject_id) == 0
    finally:
        await admin_a.aclose()
        await supplier_b.aclose()


PAGE_CASES[("POST", "/announcements/{announcement_id:int}/participation")] = CrossTenant(
    _participation_page_on_own_tenant_only
)


# A supplier's own entry: the account's, on whichever site it signs in; a session of A's host
# is none on B's.
PAGE_CASES.update(
    {
        ("GET", "/account/profile"): CrossTenant(_session_refused_on_b("GET", "/account/profile/")),
        ("POST", "/account/profile"): CrossTenant(
            _session_refused_on_b("POST", "/account/profile/", form={"name": "x"})
        ),
        ("POST", "/account/profile/qualifications"): CrossTenant(
            _session_refused_on_b("POST", "/account/profile/qualifications", form={"name": "x"})
        ),
    }
)


# The audit log is head office's (its auditor reads every sub-platform's entries there); on a
# sub-site the pages do not exist, not even for its own administrator.
PAGE_CASES.update(
    {
        ("GET", "/admin/audit"): CrossTenant(_absent_on_sub_sites("GET", "/admin/audit/")),
        ("GET", "/admin/audit/verification"): CrossTenant(
            _absent_on_sub_sites("GET", "/admin/audit/verification")
        ),
        ("POST", "/admin/audit/export"): CrossTenant(
            _absent_on_sub_sites("POST", "/admin/audit/export")
        ),
    }
)


# The working-day calendar is head office's: absent on sub-sites.
PAGE_CASES.update(
    {
        ("GET", "/admin/calendar"): CrossTenant(_absent_on_sub_sites("GET", "/admin/calendar/")),
        ("POST", "/admin/calendar"): CrossTenant(_absent_on_sub_sites("POST", "/admin/calendar/")),
    }
)
