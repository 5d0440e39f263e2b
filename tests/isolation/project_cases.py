"""Isolation cases of purchaser units and project registration (issue 13): A's units and
projects are "not found" on B, for B's own admin and B's purchasers alike."""

from __future__ import annotations

from core.identity.tables import Account
from tenants.projects.tables import Bid
from tests.conftest import BASE_DOMAIN, client_for, sign_in, unique_slug, with_csrf
from tests.isolation.matrix import CrossTenant, World, _absent_on_sub_sites, tenant_admin_of
from tests.libraries.helpers import credit_code, registration
from tests.projects.helpers import (
    PDF,
    TENDER,
    bid_contact,
    purchaser_of,
    submitted_project,
    tendering_project,
)

MISSING = 2_000_000_000  # a project id nobody has
API_DRAFT = {
    "title": "乙分平台的项目",
    "track": "enterprise",
    "method": "reverse_auction",
    "category": "goods",
    "budget_fen": 100_000,
}


async def _projects_of_a_not_found_on_b(world: World) -> None:
    """Every project route answers B's admin and B's purchaser for A's project exactly as for
    a project that does not exist (404, or 403 where the person may not do it at all), and
    nothing of A shows on B's lists."""
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    buyer_a = await purchaser_of(world.app, admin_a, world.tenant_a.slug)
    buyer_b = await purchaser_of(world.app, admin_b, world.tenant_b.slug)
    try:
        project_id = await submitted_project(buyer_a)
        pdf = {"file": ("approval.pdf", PDF, "application/pdf")}
        for client in (admin_b, buyer_b.client):
            for method, path, body in (
                ("GET", "/console/projects/{}", None),
                ("GET", "/console/projects/{}/materials/approval", None),
                ("POST", "/console/projects/{}/submission", None),
                ("POST", "/console/projects/{}/acceptance", None),
                ("POST", "/console/projects/{}/entrustment", {"credit_code": ""}),
                ("POST", "/console/projects/{}/decision", {"decision": "approve"}),
                ("GET", "/api/projects/{}", None),
                ("POST", "/api/projects/{}/submission", None),
                ("POST", "/api/projects/{}/acceptance", None),
                ("POST", "/api/projects/{}/decision", {"decision": "approve"}),
            ):
                form = {"json": body} if path.startswith("/api/") else {"data": body}
                answer = await client.request(method, path.format(project_id), **form)
                missing = await client.request(method, path.format(MISSING), **form)
                assert answer.status_code == missing.status_code, (path, answer.text)
                assert answer.status_code in (403, 404), (path, answer.status_code)
                world.assert_nothing_of(world.tenant_a, answer)
            for listing in ("/console/projects/", "/api/projects"):
                listed = await client.get(listing)
                assert listed.status_code == 200 and buyer_a.name not in listed.text
                world.assert_nothing_of(world.tenant_a, listed)
        for upload in ("/console", "/api"):
            stolen = await buyer_b.client.post(
                f"{upload}/projects/{project_id}/materials/approval", files=pdf
            )
            assert stolen.status_code == 404, (upload, stolen.text)
        api_made = await buyer_b.client.post(
            "/api/projects", json={**API_DRAFT, "title": f"{buyer_b.name}的项目"}
        )
        assert api_made.status_code == 201
        # B's purchaser registers on B only: the new project is B's, not A's.
        own = await buyer_b.client.get("/console/projects/new")
        assert own.status_code == 200
        made = await buyer_b.client.post("/console/projects", data=TENDER)
        assert made.status_code == 303
        assert buyer_b.name in (await admin_b.get("/console/projects/")).text
        assert buyer_b.name not in (await admin_a.get("/console/projects/")).text
        # A's purchaser account does not act on B.
        assert (await buyer_a.client.get(f"/console/projects/{project_id}")).status_code == 200
    finally:
        for client in (admin_a, admin_b, buyer_a.client, buyer_b.client):
            await client.aclose()


async def _purchasers_of_a_not_on_b(world: World) -> None:
    """B's admin neither sees A's units nor opens accounts for them."""
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    buyer_a = await purchaser_of(world.app, admin_a, world.tenant_a.slug)
    try:
        for listing in ("/console/purchasers/", "/api/purchasers"):
            page_b = await admin_b.get(listing)
            assert page_b.status_code == 200 and buyer_a.name not in page_b.text
            world.assert_nothing_of(world.tenant_a, page_b)
        intruder = unique_slug("intruder")
        refused = await admin_b.post(
            f"/console/purchasers/{buyer_a.unit_id}/members",
            data={"username": intruder, "display_name": "乙", "password": "Xx-123456"},
        )
        assert refused.status_code == 404
        world.assert_nothing_of(world.tenant_a, refused)
        api_refused = await admin_b.post(
            f"/api/purchasers/{buyer_a.unit_id}/members",
            json={"username": intruder, "display_name": "乙", "password": "Xx-123456"},
        )
        assert api_refused.status_code == 404
        made = await admin_b.post(
            "/api/purchasers",
            json={"credit_code": credit_code(), "name": "乙方单位", "region_code": "370102"},
        )
        assert made.status_code == 201
        assert "乙方单位" not in (await admin_a.get("/api/purchasers")).text
        assert not await Account.exists().where(Account.username == intruder)
    finally:
        for client in (admin_a, admin_b, buyer_a.client):
            await client.aclose()


async def _bids_of_a_not_on_b(world: World) -> None:
    """A's tendering project takes no bid, shows no bid page and opens no lot on B."""
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    buyer_a = await purchaser_of(world.app, admin_a, world.tenant_a.slug)
    supplier = client_for(world.app, f"{world.tenant_b.slug}.{BASE_DOMAIN}")
    try:
        project_id = await tendering_project(admin_a, buyer_a)
        body = registration(credit_code())
        assert (
            await (await with_csrf(supplier)).post("/api/library/suppliers", json=body)
        ).status_code == 201
        assert (await sign_in(supplier, body["username"])).status_code == 200
        files = {"file": ("bid.pdf", PDF, "application/pdf")}
        for client, method, path, extra in (
            (supplier, "GET", "/projects/{}/bids", {}),
            (
                supplier,
                "POST",
                "/projects/{}/bids",
                {"data": {"lot": "1", "price": "1", **bid_contact()}, "files": files},
            ),
            (supplier, "POST", "/projects/{}/bids/1/withdrawal", {}),
            (admin_b, "POST", "/console/projects/{}/lots/1/opening", {}),
            (supplier, "GET", "/api/projects/{}/bids", {}),
            (
                supplier,
                "POST",
                "/api/projects/{}/bids",
                {"data": {"lot": "1", "price_fen": "1"}, "files": files},
            ),
            (supplier, "POST", "/api/projects/{}/bids/1/withdrawal", {}),
            (admin_b, "POST", "/api/projects/{}/lots/1/opening", {}),
            (admin_b, "GET", "/api/projects/{}/openings", {}),
            (admin_b, "POST", "/console/projects/{}/draws", {"data": {"committee_size": "5"}}),
            (admin_b, "POST", "/console/projects/{}/draws/1/members/1/answer", {}),
            (admin_b, "POST", "/console/projects/{}/draws/1/reveal", {}),
            (supplier, "POST", "/projects/{}/recusals", {"data": {"expert_code": "ZJ1"}}),
            (admin_b, "POST", "/console/projects/{}/lots/1/evaluation", {"data": {}}),
            (admin_b, "POST", "/console/projects/{}/lots/1/award", {}),
            (admin_b, "POST", "/console/projects/{}/lots/1/contract", {"data": {}}),
            (admin_b, "GET", "/console/projects/{}/archive", {}),
            (supplier, "POST", "/projects/{}/objections", {"data": {"target": "result"}}),
            (supplier, "POST", "/projects/{}/objections/1/complaint", {"data": {}}),
            (admin_b, "POST", "/console/projects/{}/objections/1/answer", {"data": {}}),
        ):
            answer = await client.request(method, path.format(project_id), **extra)
            missing = await client.request(method, path.format(MISSING), **extra)
            assert answer.status_code == missing.status_code, (path, answer.text)
            assert answer.status_code in (403, 404), (path, answer.status_code)
            world.assert_nothing_of(world.tenant_a, answer)
        assert not await Bid.exists().where(Bid.project == project_id)
    finally:
        for client in (admin_a, admin_b, buyer_a.client, supplier):
            await client.aclose()


PROJECT_CASES = {
    ("GET", "/projects/{project_id:int}/bids"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/projects/{project_id:int}/bids"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/projects/{project_id:int}/bids/{lot_number:int}/withdrawal"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/lots/{lot_number:int}/opening"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("GET", "/api/projects/{project_id:int}/bids"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/api/projects/{project_id:int}/bids"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/api/projects/{project_id:int}/bids/{lot_number:int}/withdrawal"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("POST", "/api/projects/{project_id:int}/lots/{lot_number:int}/opening"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("GET", "/api/projects/{project_id:int}/openings"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/console/projects/{project_id:int}/draws"): CrossTenant(_bids_of_a_not_on_b),
    (
        "POST",
        "/console/projects/{project_id:int}/draws/{draw_id:int}/members/{member_id:int}/answer",
    ): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/console/projects/{project_id:int}/draws/{draw_id:int}/reveal"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("POST", "/projects/{project_id:int}/recusals"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/console/projects/{project_id:int}/lots/{lot_number:int}/evaluation"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/lots/{lot_number:int}/award"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/lots/{lot_number:int}/contract"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    ("GET", "/console/purchasers"): CrossTenant(_purchasers_of_a_not_on_b),
    ("POST", "/console/purchasers"): CrossTenant(_purchasers_of_a_not_on_b),
    ("POST", "/console/purchasers/{purchaser_id:int}/members"): CrossTenant(
        _purchasers_of_a_not_on_b
    ),
    ("GET", "/console/projects"): CrossTenant(_projects_of_a_not_found_on_b),
    ("GET", "/console/projects/new"): CrossTenant(_projects_of_a_not_found_on_b),
    ("POST", "/console/projects"): CrossTenant(_projects_of_a_not_found_on_b),
    ("GET", "/console/projects/{project_id:int}"): CrossTenant(_projects_of_a_not_found_on_b),
    ("GET", "/console/projects/{project_id:int}/materials/{item:str}"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/materials/{item:str}"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/submission"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/entrustment"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/acceptance"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/console/projects/{project_id:int}/decision"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("GET", "/api/purchasers"): CrossTenant(_purchasers_of_a_not_on_b),
    ("POST", "/api/purchasers"): CrossTenant(_purchasers_of_a_not_on_b),
    ("POST", "/api/purchasers/{purchaser_id:int}/members"): CrossTenant(_purchasers_of_a_not_on_b),
    ("GET", "/api/projects"): CrossTenant(_projects_of_a_not_found_on_b),
    ("POST", "/api/projects"): CrossTenant(_projects_of_a_not_found_on_b),
    ("GET", "/api/projects/{project_id:int}"): CrossTenant(_projects_of_a_not_found_on_b),
    ("POST", "/api/projects/{project_id:int}/materials/{item:str}"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/api/projects/{project_id:int}/submission"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/api/projects/{project_id:int}/acceptance"): CrossTenant(
        _projects_of_a_not_found_on_b
    ),
    ("POST", "/api/projects/{project_id:int}/decision"): CrossTenant(_projects_of_a_not_found_on_b),
    ("GET", "/console/projects/{project_id:int}/archive"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/projects/{project_id:int}/objections"): CrossTenant(_bids_of_a_not_on_b),
    ("POST", "/projects/{project_id:int}/objections/{objection_id:int}/complaint"): CrossTenant(
        _bids_of_a_not_on_b
    ),
    (
        "POST",
        "/console/projects/{project_id:int}/objections/{objection_id:int}/answer",
    ): CrossTenant(_bids_of_a_not_on_b),
    ("GET", "/admin/tenants/{tenant_id:int}/projects"): CrossTenant(
        _absent_on_sub_sites("GET", "/admin/tenants/{a}/projects")
    ),
    ("GET", "/admin/tenants/{tenant_id:int}/projects/{project_id:int}/archive"): CrossTenant(
        _absent_on_sub_sites("GET", "/admin/tenants/{a}/projects/1/archive")
    ),
    ("GET", "/admin/tenants/{tenant_id:int}/projects/{project_id:int}/draws"): CrossTenant(
        _absent_on_sub_sites("GET", "/admin/tenants/{a}/projects/1/draws")
    ),
    ("GET", "/admin/projects/overdue"): CrossTenant(
        _absent_on_sub_sites("GET", "/admin/projects/overdue")
    ),
}
