"""Isolation cases of the expert library. The library is shared by every platform by design
(seed 000 Art. 22): tenants see the same anonymous entries, and what must not cross is the
secret — the managers' routes do not exist on a sub-site, and no identity reaches one."""

from __future__ import annotations

import httpx
import msgspec

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.libraries.experts import service
from core.libraries.experts.service import ExpertForm
from tests.conftest import new_account, with_csrf
from tests.isolation.matrix import CrossTenant, NotTenantScoped, World, tenant_admin_of
from tests.libraries.test_experts import expert_form


async def _expert_in_the_library(world: World) -> tuple[str, dict[str, str]]:
    """(public code, secrets) of an expert a library manager has just registered."""
    authorizer = world.app.state.authorizer
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, admin.account_id, command="isolation-test")
    manager = await new_account(AccountKind.hq_staff)
    await grant_role(authorizer, admin, account_id=manager.account_id, role="hq_library")
    form = expert_form(specialties=["B0102"], region_code="371000")
    code = await service.register_expert(authorizer, manager, msgspec.convert(form, ExpertForm))
    return code, {k: str(form[k]) for k in ("name", "id_number", "phone", "email")}


def _assert_no_secret(response: httpx.Response, secrets: dict[str, str]) -> None:
    for field, value in secrets.items():
        assert value not in response.text, f"the expert's {field} reached {response.url}"


async def _library_shared_without_secrets(world: World) -> None:
    code, secrets = await _expert_in_the_library(world)
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        for client, other in ((admin_a, world.tenant_b), (admin_b, world.tenant_a)):
            listed = await client.get(
                "/api/library/experts", params={"specialty": "B01", "region": "371000"}
            )
            detail = await client.get(f"/api/library/experts/{code}")
            assert listed.status_code == 200 and detail.json()["code"] == code
            for response in (listed, detail):
                _assert_no_secret(response, secrets)
                world.assert_nothing_of(other, response)
        # Shared with staff, not with the public.
        for path in ("/api/library/experts", f"/api/library/experts/{code}"):
            assert (await world.client_b.get(path)).status_code == 401, path
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


async def _managers_routes_absent_on_sub_sites(world: World) -> None:
    """Not even a tenant's admin reaches the secret, the managers' page or their writes."""
    code, secrets = await _expert_in_the_library(world)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        for client in (admin_b, await with_csrf(world.client_b)):
            for method, path, body in (
                ("GET", f"/api/library/experts/{code}/secret", None),
                ("GET", "/admin/experts", None),
                ("POST", "/api/library/experts", expert_form()),
                ("PATCH", f"/api/library/experts/{code}/availability", {"availability": "x"}),
            ):
                response = await client.request(method, path, json=body)
                assert response.status_code == 404, (method, path, response.status_code)
                _assert_no_secret(response, secrets)
                world.assert_nothing_of(world.tenant_a, response)
    finally:
        await admin_b.aclose()


EXPERT_CASES: dict[tuple[str, str], CrossTenant | NotTenantScoped] = {
    ("GET", "/api/library/specialties"): NotTenantScoped(
        "the specialty classification: reference data, alike for every site"
    ),
    ("GET", "/api/library/experts"): CrossTenant(_library_shared_without_secrets),
    ("GET", "/api/library/experts/{code:str}"): CrossTenant(_library_shared_without_secrets),
    **{
        route: CrossTenant(_managers_routes_absent_on_sub_sites)
        for route in (
            ("POST", "/api/library/experts"),
            ("GET", "/api/library/experts/{code:str}/secret"),
            ("PATCH", "/api/library/experts/{code:str}/availability"),
            ("GET", "/admin/experts"),
        )
    },
}
