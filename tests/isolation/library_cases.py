"""Isolation cases of the supplier library: shared entries, private notes, participation."""

from __future__ import annotations

import datetime as dt
import uuid

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from core.libraries import transactions
from core.libraries.subjects.tables import Subject
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, with_csrf
from tests.isolation.matrix import (
    CrossTenant,
    World,
    _absent_on_sub_sites,
    _session_refused_on_b,
    tenant_admin_of,
)
from tests.libraries.helpers import approve_subject, credit_code, library_manager, registration
from tests.libraries.test_downloads_and_imports import decide
from tests.portal.helpers import draft
from tests.tenants.helpers import hq_people


async def _registered_on(world: World, client_name: str) -> tuple[int, dict]:
    client = await with_csrf(getattr(world, client_name))
    body = registration(credit_code())
    created = await client.post("/api/library/suppliers", json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"], body


async def _registration_keeps_its_own_origin(world: World) -> None:
    subject_id, _ = await _registered_on(world, "client_b")
    origin = await Subject.select(Subject.origin_tenant).where(Subject.id == subject_id).first()
    assert origin == {"origin_tenant": world.tenant_b.id}


async def _shared_entries_private_notes(world: World) -> None:
    subject_id, body = await _registered_on(world, "client_a")
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    secret = f"甲方内部备注{uuid.uuid4().hex[:8]}"
    try:
        assert (
            await admin_a.put(f"/api/library/subjects/{subject_id}/note", json={"note": secret})
        ).status_code == 204
        code = body["profile"]["credit_code"]
        for path in (
            f"/api/library/subjects/{subject_id}",
            f"/api/library/subjects/by-credit-code/{code}",
            "/api/library/subjects?name=" + body["profile"]["name"][:8],
        ):
            response = await admin_b.get(path)
            assert response.status_code == 200, (path, response.text)
            assert secret not in response.text  # the entry is shared, A's note is not
            world.assert_nothing_of(world.tenant_a, response)
        mine = {"note": "乙方自己的备注", "rating": 2}
        assert (
            await admin_b.put(f"/api/library/subjects/{subject_id}/note", json=mine)
        ).status_code == 204
        own_a = (await admin_a.get(f"/api/library/subjects/{subject_id}")).json()
        assert own_a["note"]["note"] == secret
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


async def _participation_on_own_tenant_only(world: World) -> None:
    subject_id, body = await _registered_on(world, "client_a")
    await approve_subject(world.app, subject_id)
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    supplier_b = client_for(world.app, f"{world.tenant_b.slug}.{BASE_DOMAIN}")
    try:
        created = await admin_a.post("/api/console/announcements", json=draft())
        announcement_id = created.json()["id"]
        await admin_a.post(f"/api/console/announcements/{announcement_id}/publish")
        assert (await sign_in(supplier_b, body["username"])).status_code == 200
        path = f"/api/announcements/{announcement_id}/participations"
        refused = await supplier_b.post(path)
        assert refused.status_code == 404, refused.text  # A's announcement is not on B
        console = f"/api/console/announcements/{announcement_id}/participations"
        assert (await admin_b.get(console)).status_code == 404
        own = await admin_a.get(console)
        assert own.status_code == 200 and own.json() == [], own.text
    finally:
        for client in (admin_a, admin_b, supplier_b):
            await client.aclose()


async def _transactions_of_a_within_reach_only(world: World) -> None:
    """A's award in the transaction library: no sub-site serves the library, and a regulator
    whose region does not cover A finds nothing of it, by the API or the page."""
    subject_id, _ = await _registered_on(world, "client_a")
    title = f"甲方项目{uuid.uuid4().hex[:8]}"
    await transactions.add(
        transactions.TransactionEntry(
            tenant_id=world.tenant_a.id, section_code=f"T{uuid.uuid4().hex[:12]}-001",
            project_code="T1", project_title=title, section_title=title, track="tender",
            method="open_tender", category="goods", purchaser_name="甲采购人",
            purchaser_credit_code="91370100MA0000000Y", agency_name="", supplier_id=subject_id,
            supplier_name="甲供应商", supplier_credit_code="91370100MA0000000Y",
            budget_fen=None, award_fen=100, awarded_at=dt.datetime.now(dt.UTC),
        )
    )  # fmt: skip
    for path in ("/api/library/transactions/", "/admin/transactions/"):
        await _absent_on_sub_sites("GET", path)(world)
    hq = (await hq_people(world.app))["admin"]
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        world.app.state.authorizer, hq, account_id=regulator.account_id, role="regulator",
        region_code="370200",
    )  # fmt: skip
    async with client_for(world.app, BASE_DOMAIN) as portal:
        assert (await sign_in(portal, regulator.username)).status_code == 200
        for path in ("/api/library/transactions/", "/admin/transactions/"):
            response = await portal.get(path)  # the newest first: A's would be on top
            assert response.status_code == 200 and title not in response.text, path
            world.assert_nothing_of(world.tenant_a, response)


LIBRARY_CASES = {
    ("GET", "/api/library/transactions"): CrossTenant(_transactions_of_a_within_reach_only),
    ("GET", "/admin/transactions"): CrossTenant(_transactions_of_a_within_reach_only),
    ("POST", "/api/library/suppliers"): CrossTenant(_registration_keeps_its_own_origin),
    ("POST", "/api/library/agencies"): CrossTenant(_registration_keeps_its_own_origin),
    ("GET", "/api/library/me"): CrossTenant(_session_refused_on_b("GET", "/api/library/me")),
    ("PUT", "/api/library/me"): CrossTenant(
        _session_refused_on_b("PUT", "/api/library/me", json={})
    ),
    ("POST", "/api/library/me/qualifications"): CrossTenant(
        _session_refused_on_b("POST", "/api/library/me/qualifications")
    ),
    **{
        route: CrossTenant(_shared_entries_private_notes)
        for route in (
            ("GET", "/api/library/subjects"),
            ("GET", "/api/library/subjects/by-credit-code/{code:str}"),
            ("GET", "/api/library/subjects/{subject_id:int}"),
            ("PUT", "/api/library/subjects/{subject_id:int}/note"),
        )
    },
    ("POST", "/api/library/subjects/{subject_id:int}/credit-records"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/library/subjects/1/credit-records")
    ),
    ("POST", "/api/credit/records/{record_id:int}/lift"): CrossTenant(
        _absent_on_sub_sites("POST", "/api/credit/records/1/lift")
    ),
    ("GET", "/api/credit/notices"): CrossTenant(_absent_on_sub_sites("GET", "/api/credit/notices")),
    ("POST", "/api/announcements/{announcement_id:int}/participations"): CrossTenant(
        _participation_on_own_tenant_only
    ),
    ("GET", "/api/console/announcements/{announcement_id:int}/participations"): CrossTenant(
        _participation_on_own_tenant_only
    ),
}


async def _downloads_of_own_site_and_person(world: World) -> None:
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        purpose = f"甲方核对本地供应商名录{uuid.uuid4().hex[:6]}"
        asked = await admin_a.post(
            "/api/library/downloads",
            json={"dataset": "suppliers", "format": "csv", "purpose": purpose},
        )
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        await decide(world.app, request_id)
        assert (await admin_a.get(f"/api/library/downloads/{request_id}/file")).status_code == 200
        stolen = await admin_b.get(f"/api/library/downloads/{request_id}/file")
        assert stolen.status_code == 404
        listed = await admin_b.get("/api/library/downloads")
        assert listed.status_code == 200 and purpose not in listed.text
        own = await admin_b.post(
            "/api/library/downloads",
            json={"dataset": "agencies", "format": "xlsx", "purpose": "乙方整理代理机构名录"},
        )
        assert own.status_code == 201
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


LIBRARY_CASES.update(
    {
        ("POST", "/api/library/downloads"): CrossTenant(_downloads_of_own_site_and_person),
        ("GET", "/api/library/downloads"): CrossTenant(_downloads_of_own_site_and_person),
        ("GET", "/api/library/downloads/{request_id:int}/file"): CrossTenant(
            _downloads_of_own_site_and_person
        ),
        ("POST", "/api/library/imports"): CrossTenant(
            _absent_on_sub_sites("POST", "/api/library/imports")
        ),
        ("GET", "/api/library/imports/{job_id:int}"): CrossTenant(
            _absent_on_sub_sites("GET", "/api/library/imports/1")
        ),
        ("GET", "/admin/imports"): CrossTenant(_absent_on_sub_sites("GET", "/admin/imports")),
        ("POST", "/admin/imports"): CrossTenant(_absent_on_sub_sites("POST", "/admin/imports")),
        ("GET", "/admin/imports/{job_id:int}"): CrossTenant(
            _absent_on_sub_sites("GET", "/admin/imports/1")
        ),
    }
)


async def _registration_page_of_its_own_site(world: World) -> None:
    page = await world.client_b.get("/suppliers")
    assert page.status_code == 200 and world.tenant_b.name in page.text
    world.assert_nothing_of(world.tenant_a, page)
    b = await with_csrf(world.client_b)
    body = registration(credit_code())
    form = {"kind": "supplier", "username": body["username"], "password": body["password"]}
    done = await b.post("/suppliers", data={**form, **body["profile"]})
    assert done.status_code == 201, done.text
    world.assert_nothing_of(world.tenant_a, done)
    origin = await Subject.select(Subject.origin_tenant).where(
        Subject.credit_code == body["profile"]["credit_code"]
    )
    assert origin == [{"origin_tenant": world.tenant_b.id}]


LIBRARY_CASES.update(
    {
        ("GET", "/suppliers"): CrossTenant(_registration_page_of_its_own_site),
        ("POST", "/suppliers"): CrossTenant(_registration_page_of_its_own_site),
        ("GET", "/credit-notices"): CrossTenant(_absent_on_sub_sites("GET", "/credit-notices")),
    }
)


async def _shared_catalogue_prices_say_their_source(world: World) -> None:
    _, manager = await library_manager(world.app)
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    code = f"ISO-{uuid.uuid4().hex[:8]}"
    try:
        item = {"code": code, "category": "服务/物业", "name": f"物业服务{code}", "unit": "平方米"}
        commodity_id = (await manager.post("/api/library/commodities", json=item)).json()["id"]
        price = {"price": "3.20", "observed_on": "2026-11-01", "source": "甲方成交结果"}
        assert (
            await admin_a.post(f"/api/library/commodities/{commodity_id}/prices", json=price)
        ).status_code == 204
        for path in (
            f"/api/library/commodities/{commodity_id}",
            f"/api/library/commodities?q={code}",
        ):
            response = await admin_b.get(path)
            assert response.status_code == 200, path
            world.assert_nothing_of(world.tenant_a, response)  # the price, not who reported it
        linked = await admin_b.post(
            f"/api/library/commodities/{commodity_id}/suppliers", json={"subject_id": 1}
        )
        assert linked.status_code == 404  # head office's own route
        assert (await admin_b.post("/api/library/commodities", json=item)).status_code == 404
    finally:
        for client in (manager, admin_a, admin_b):
            await client.aclose()


LIBRARY_CASES.update(
    {
        route: CrossTenant(_shared_catalogue_prices_say_their_source)
        for route in (
            ("GET", "/api/library/commodities"),
            ("POST", "/api/library/commodities"),
            ("GET", "/api/library/commodities/{commodity_id:int}"),
            ("POST", "/api/library/commodities/{commodity_id:int}/prices"),
            ("POST", "/api/library/commodities/{commodity_id:int}/suppliers"),
        )
    }
)
