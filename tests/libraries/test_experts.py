"""The expert library: registration and its refusals, availability, search by specialty and
region (sub-classes and sub-regions included), the classification, who may do what.

The helpers at the top are shared with the secrecy test and the isolation cases.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.chain import Actor
from core.authz.model import tenant_domain
from core.authz.policies import grant_first_admin, set_tenant_deny
from core.data.engine import write_transaction
from core.identifiers import resident_id_check_character
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.libraries.experts.service import region_prefix
from core.libraries.experts.specialties import SPECIALTIES
from tests.conftest import BASE_DOMAIN, client_for, new_account, with_csrf
from tests.libraries.helpers import library_manager
from tests.portal.helpers import Site, close, new_site
from tests.tenants.helpers import main_client_as

EMPLOYER = "91330100716105852F"
AREAS = ("370102", "370202", "110105", "440304")


def resident_id(area: str | None = None) -> str:
    """A fresh valid resident ID number: a real region, a birth date in 1950–1995."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=random.randrange(365 * 45))
    first17 = f"{area or random.choice(AREAS)}{born:%Y%m%d}{random.randrange(1000):03d}"
    return first17 + resident_id_check_character(first17)


def expert_form(**changes: object) -> dict[str, object]:
    marker = uuid.uuid4().hex[:8]
    form: dict[str, object] = {
        "name": f"测试专家{marker}",
        "id_number": resident_id(),
        "phone": f"139{random.randrange(10**8):08d}",
        "email": f"expert-{marker}@example.cn",
        "title": "associate_senior",
        "years_of_experience": 12,
        "employer_credit_code": EMPLOYER,
        "specialties": ["A0101", "C0101"],
        "region_code": "370102",
    }
    form.update(changes)
    return form


async def hq_without_library(app: Litestar) -> tuple[Principal, httpx.AsyncClient]:
    """A head-office administrator: powerful, but no library manager."""
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, admin.account_id, command="expert-test")
    return admin, await main_client_as(app, admin)


async def register(client: httpx.AsyncClient, **changes: object) -> tuple[str, dict]:
    form = expert_form(**changes)
    created = await client.post("/api/library/experts", json=form)
    assert created.status_code == 201, created.text
    return created.json()["code"], form


@pytest_asyncio.fixture
async def manager(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    _, client = await library_manager(app)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    site = await new_site(app, "专家库测试分平台")
    yield site
    await close(site)


def codes_of(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["code"] for item in response.json()["items"]}


async def every_code(client: httpx.AsyncClient, params: dict[str, str]) -> set[str]:
    """Every page of a search: other tests' experts may fill the first twenty."""
    found: set[str] = set()
    for page in range(1, 500):
        response = await client.get("/api/library/experts", params={**params, "page": page})
        codes = codes_of(response)
        found |= codes
        if len(codes) < response.json()["page_size"]:
            return found
    raise AssertionError("more pages than the search allows")


@pytest.mark.asyncio
async def test_register_then_search_by_specialty_and_region_with_descendants(
    manager: httpx.AsyncClient, site: Site
) -> None:
    code, _ = await register(manager, specialties=["A0101"], region_code="370102")
    other, _ = await register(manager, specialties=["B0201"], region_code="370202")
    assert code.startswith("ZJ") and code[2:].isdigit()

    search = "/api/library/experts"
    for specialty in ("A", "A01", "A0101"):
        found = await every_code(site.client, {"specialty": specialty})
        assert code in found and other not in found, specialty
    assert code not in await every_code(site.client, {"specialty": "A0102"})
    for region in ("000000", "370000", "370100", "370102"):
        assert code in await every_code(site.client, {"region": region}), region
    in_qingdao = await every_code(site.client, {"region": "370200"})
    assert other in in_qingdao and code not in in_qingdao
    both = await every_code(site.client, {"specialty": "B02", "region": "370200"})
    assert other in both and code not in both

    view = (await site.client.get(f"{search}/{code}")).json()
    assert view == {
        "code": code,
        "title": "associate_senior",
        "years_of_experience": 12,
        "specialties": [{"code": "A0101", "name": "房屋建筑"}],
        "region_code": "370102",
        "region_name": "历下区",
        "availability": "available",
    }


@pytest.mark.asyncio
async def test_search_pages_twenty_at_a_time(manager: httpx.AsyncClient) -> None:
    page = (await manager.get("/api/library/experts", params={"page": 1})).json()
    assert page["page"] == 1 and page["page_size"] == 20 and len(page["items"]) <= 20
    beyond = (await manager.get("/api/library/experts", params={"page": 500})).json()
    assert beyond["items"] == [] and beyond["total"] == page["total"]


@pytest.mark.asyncio
async def test_search_refuses_unknown_filters(manager: httpx.AsyncClient) -> None:
    for params in ({"specialty": "Z99"}, {"region": "999999"}, {"region": "37"}):
        response = await manager.get("/api/library/experts", params=params)
        assert response.status_code == 400, params


@pytest.mark.asyncio
async def test_a_bad_resident_id_is_refused_with_its_reason(manager: httpx.AsyncClient) -> None:
    good = resident_id()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    for number, reason in (
        (wrong_check, "check character"),
        (good[:17], "18 characters"),
        (good[:10] + "1332" + good[14:], "real date"),
    ):
        response = await manager.post("/api/library/experts", json=expert_form(id_number=number))
        assert response.status_code == 400, response.text
        body = response.json()
        assert reason in body["error"] and body["detail"] == {"field": "id_number"}
        assert number not in response.text  # personal information is not echoed


@pytest.mark.asyncio
async def test_a_resident_id_is_registered_once(manager: httpx.AsyncClient) -> None:
    number = resident_id()
    await register(manager, id_number=number)
    # The same number written differently (spaces, a lower-case x) is the same person.
    again = expert_form(id_number=f" {number.lower()} ", name="另一个名字")
    refused = await manager.post("/api/library/experts", json=again)
    assert refused.status_code == 409
    assert "already registered" in refused.json()["error"]
    assert number not in refused.text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"specialties": ["A0101", "Z9901"]}, "specialties", "unknown specialty: Z9901"),
        ({"region_code": "379999"}, "region_code", "unknown region"),
        ({"employer_credit_code": "91330100716105852A"}, "employer_credit_code", "check"),
    ],
)
async def test_unknown_specialty_region_or_employer_is_refused(
    manager: httpx.AsyncClient, changes: dict[str, object], field: str, reason: str
) -> None:
    response = await manager.post("/api/library/experts", json=expert_form(**changes))
    assert response.status_code == 400, response.text
    assert reason in response.json()["error"] and response.json()["detail"]["field"] == field


@pytest.mark.asyncio
async def test_malformed_contacts_are_refused(manager: httpx.AsyncClient) -> None:
    for changes in ({"phone": "12345"}, {"email": "not-an-address"}, {"title": "guru"}):
        response = await manager.post("/api/library/experts", json=expert_form(**changes))
        assert response.status_code == 400, changes


@pytest.mark.asyncio
async def test_only_library_managers_register_and_only_on_the_main_portal(
    app: Litestar, site: Site
) -> None:
    _, admin = await hq_without_library(app)
    try:
        refused = await admin.post("/api/library/experts", json=expert_form())
        assert refused.status_code == 403
    finally:
        await admin.aclose()
    # A tenant's admin: the route does not exist on a sub-site.
    assert (await site.client.post("/api/library/experts", json=expert_form())).status_code == 404
    anonymous = await with_csrf(client_for(app, BASE_DOMAIN))
    try:
        response = await anonymous.post("/api/library/experts", json=expert_form())
        assert response.status_code == 401
    finally:
        await anonymous.aclose()


@pytest.mark.asyncio
async def test_availability_is_set_by_managers(
    app: Litestar, manager: httpx.AsyncClient, site: Site
) -> None:
    code, _ = await register(manager)
    path = f"/api/library/experts/{code}/availability"
    assert (await manager.patch(path, json={"availability": "unavailable"})).status_code == 204
    view = await site.client.get(f"/api/library/experts/{code}")
    assert view.json()["availability"] == "unavailable"
    assert (await manager.patch(path, json={"availability": "busy"})).status_code == 400
    missing = await manager.patch(
        "/api/library/experts/ZJ999999/availability", json={"availability": "available"}
    )
    assert missing.status_code == 404
    assert (await site.client.patch(path, json={"availability": "available"})).status_code == 404
    _, admin = await hq_without_library(app)
    try:
        assert (await admin.patch(path, json={"availability": "available"})).status_code == 403
    finally:
        await admin.aclose()


@pytest.mark.asyncio
async def test_who_may_consult_the_library(app: Litestar, site: Site) -> None:
    assert (await site.public.get("/api/library/experts")).status_code == 401
    assert (await site.client.get("/api/library/experts")).status_code == 200
    _, admin = await hq_without_library(app)
    try:
        assert (await admin.get("/api/library/experts")).status_code == 200
    finally:
        await admin.aclose()
    anonymous = client_for(app, BASE_DOMAIN)
    try:
        assert (await anonymous.get("/api/library/experts")).status_code == 401
        assert (await anonymous.get("/api/library/experts/ZJ000001")).status_code == 401
    finally:
        await anonymous.aclose()
    # A suspended tenant's staff no longer consult it.
    async with write_transaction():
        await set_tenant_deny(app.state.authorizer, Actor.system("test"), site.tenant.id, True)
    await app.state.authorizer.changed(tenant_domain(site.tenant.id))
    assert (await site.client.get("/api/library/experts")).status_code == 403


@pytest.mark.asyncio
async def test_the_classification_is_a_public_tree(app: Litestar, site: Site) -> None:
    tree = (await site.public.get("/api/library/specialties")).json()
    assert [node["code"] for node in tree] == ["A", "B", "C"]
    works = tree[0]
    assert works["name"] == "工程类" and works["level"] == 1
    building = next(n for n in works["children"] if n["code"] == "A01")
    assert "A0101" in [n["code"] for n in building["children"]]
    assert sum(1 for _ in SPECIALTIES) >= 25


def test_codes_nest_by_prefix() -> None:
    """Search by prefix relies on it: a node's code starts with its parent's."""
    levels = {code: level for code, _, _, level in SPECIALTIES}
    for code, _, parent, level in SPECIALTIES:
        if parent is None:
            assert level == 1
        else:
            assert code.startswith(parent) and levels[parent] == level - 1


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("000000", ""), ("370000", "37"), ("370100", "3701"), ("370102", "370102")],
)
def test_region_prefix(code: str, prefix: str) -> None:
    assert region_prefix(code) == prefix
