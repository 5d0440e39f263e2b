"""Isolation cases of open data: a sub-site's feed, records and page hold its own releases
only (A's ocid on B is as absent as an unknown one); B's push reports, pending records and
pushes touch nothing of A. The main portal's feed is every tenant's, by design; head office's
push of every tenant does not exist on a sub-site, not for its own admin either."""

from __future__ import annotations

import json
import uuid

from tenants.opendata.releases import ocid_of
from tenants.opendata.tables import Push, Release
from tests.isolation.matrix import CrossTenant, World, _absent_on_sub_sites, tenant_admin_of


async def _release_of(world: World) -> str:
    """A tender release of A, titled with A's name so that a leak shows; its ocid."""
    code = f"A{uuid.uuid4().hex[:10].upper()}"
    ocid = ocid_of(world.tenant_a.id, code)
    payload = {
        "ocid": ocid,
        "id": f"{ocid}-tender-1",
        "date": "2026-12-01T09:00:00+08:00",
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "zh",
        "tender": {"id": f"{code}001", "title": f"{world.tenant_a.name}的项目"},
    }
    await Release.insert(
        Release(
            tenant=world.tenant_a.id,
            release_id=payload["id"],
            ocid=ocid,
            tag="tender",
            project_code=code,
            payload=json.dumps(payload, ensure_ascii=False),
            public_modified=1,
        )
    )
    return ocid


async def _pending_of_a(world: World) -> int:
    return await Release.count().where(
        (Release.tenant == world.tenant_a.id) & Release.pushed_in.is_null()
    )


async def _public_reads(world: World) -> None:
    ocid = await _release_of(world)
    for path in ("/api/opendata/releases", "/opendata/"):
        own = await world.client_a.get(path)
        assert own.status_code == 200 and world.tenant_a.name in own.text, (path, own.text)
        other = await world.client_b.get(path)
        assert other.status_code == 200, other.text
        world.assert_nothing_of(world.tenant_a, other)
    found = await world.main.get(f"/api/opendata/records/{ocid}")
    assert found.status_code == 200 and world.tenant_a.name in found.text
    theirs = await world.client_b.get(f"/api/opendata/records/{ocid}")
    missing = await world.client_b.get(f"/api/opendata/records/{ocid}X")
    assert theirs.status_code == missing.status_code == 404
    world.assert_nothing_of(world.tenant_a, theirs)


async def _console_of_b_only(world: World) -> None:
    """B's admin reads and pushes B's open data: nothing of A shows or changes."""
    await _release_of(world)
    pending = await _pending_of_a(world)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        for method, path in (
            ("GET", "/api/console/opendata/national"),
            ("GET", "/api/console/opendata/pushes"),
            ("POST", "/api/console/opendata/pushes"),
            ("GET", "/console/opendata/"),
            ("POST", "/console/opendata/pushes"),
        ):
            answer = await admin_b.request(method, path)
            assert answer.status_code in (200, 201, 303), (path, answer.status_code, answer.text)
            world.assert_nothing_of(world.tenant_a, answer)
        assert await _pending_of_a(world) == pending
        assert not await Push.exists().where(Push.tenant == world.tenant_a.id)
        # A's staff member without the permission is refused on A, and A's session is none on B.
        refused = await world.client_a.post("/api/console/opendata/pushes")
        assert refused.status_code == 403
    finally:
        await admin_b.aclose()


def _head_office_only(method: str, path: str) -> CrossTenant:
    """B's admin finds no head-office push on its sub-site, and A's records stay pending."""

    async def check(world: World) -> None:
        await _release_of(world)
        pending = await _pending_of_a(world)
        await _absent_on_sub_sites(method, path)(world)
        assert await _pending_of_a(world) == pending
        assert not await Push.exists().where(Push.tenant == world.tenant_a.id)

    return CrossTenant(check)


OPENDATA_CASES: dict[tuple[str, str], CrossTenant] = {
    ("GET", "/api/opendata/releases"): CrossTenant(_public_reads),
    ("GET", "/api/opendata/records/{ocid:str}"): CrossTenant(_public_reads),
    ("GET", "/opendata"): CrossTenant(_public_reads),
    ("GET", "/api/console/opendata/national"): CrossTenant(_console_of_b_only),
    ("GET", "/api/console/opendata/pushes"): CrossTenant(_console_of_b_only),
    ("POST", "/api/console/opendata/pushes"): CrossTenant(_console_of_b_only),
    ("GET", "/console/opendata"): CrossTenant(_console_of_b_only),
    ("POST", "/console/opendata/pushes"): CrossTenant(_console_of_b_only),
    ("GET", "/admin/opendata"): _head_office_only("GET", "/admin/opendata/"),
    ("POST", "/admin/opendata/pushes"): _head_office_only("POST", "/admin/opendata/pushes"),
    ("POST", "/api/admin/opendata/pushes"): _head_office_only("POST", "/api/admin/opendata/pushes"),
}
