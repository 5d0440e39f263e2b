"""Isolation cases of ops access (运维访问): a grant for B reads B and nothing of A; every
ops-access route is head office's, absent on every sub-site."""

from __future__ import annotations

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from tests.conftest import new_account
from tests.isolation.matrix import CrossTenant, World, _absent_on_sub_sites
from tests.tenants.helpers import main_client_as


def _reads_under_a_grant_for_b_only(path: str) -> CrossTenant:
    """``path`` with ``{t}`` for the tenant: under an approved grant for B it reads B; for A it
    is refused without a word of A's; on a sub-site it does not exist."""

    async def check(world: World) -> None:
        await _absent_on_sub_sites("GET", path.format(t=world.tenant_a.id))(world)
        authorizer = world.app.state.authorizer
        admin = await new_account(AccountKind.hq_staff)
        await grant_first_admin(authorizer, admin.account_id, command="isolation-test")
        ops = await new_account(AccountKind.hq_staff)
        await grant_role(authorizer, admin, account_id=ops.account_id, role="hq_ops")
        staff_a = await new_account(AccountKind.tenant_staff, world.tenant_a)
        ops_client = await main_client_as(world.app, ops)
        admin_client = await main_client_as(world.app, admin)
        try:
            asked = await ops_client.post(
                "/api/ops-access/grants",
                json={"tenant_id": world.tenant_b.id, "hours": 1, "reason": "排查乙的问题"},
            )
            assert asked.status_code == 201, asked.text
            decided = await admin_client.post(
                f"/api/approvals/{asked.json()['request_id']}/decision",
                json={"decision": "approve"},
            )
            assert decided.status_code == 200, decided.text
            own = await ops_client.get(path.format(t=world.tenant_b.id))
            assert own.status_code == 200, own.text
            world.assert_nothing_of(world.tenant_a, own)
            assert staff_a.username not in own.text
            other = await ops_client.get(path.format(t=world.tenant_a.id))
            assert other.status_code == 403, other.text
            world.assert_nothing_of(world.tenant_a, other)
            assert staff_a.username not in other.text
        finally:
            await ops_client.aclose()
            await admin_client.aclose()

    return CrossTenant(check)


def _absent(method: str, template: str, concrete: str) -> dict[tuple[str, str], CrossTenant]:
    return {(method, template): CrossTenant(_absent_on_sub_sites(method, concrete))}


OPS_ACCESS_CASES: dict[tuple[str, str], CrossTenant] = {
    ("GET", "/api/ops-access/tenants/{tenant_id:int}/staff"): _reads_under_a_grant_for_b_only(
        "/api/ops-access/tenants/{t}/staff"
    ),
    ("GET", "/api/ops-access/tenants/{tenant_id:int}/audit"): _reads_under_a_grant_for_b_only(
        "/api/ops-access/tenants/{t}/audit"
    ),
    ("GET", "/admin/ops-access/tenants/{tenant_id:int}/staff"): _reads_under_a_grant_for_b_only(
        "/admin/ops-access/tenants/{t}/staff"
    ),
    ("GET", "/admin/ops-access/tenants/{tenant_id:int}/audit"): _reads_under_a_grant_for_b_only(
        "/admin/ops-access/tenants/{t}/audit"
    ),
    **_absent("GET", "/api/ops-access/grants", "/api/ops-access/grants"),
    **_absent("POST", "/api/ops-access/grants", "/api/ops-access/grants"),
    **_absent("GET", "/api/ops-access/grants/all", "/api/ops-access/grants/all"),
    **_absent(
        "POST",
        "/api/ops-access/grants/{grant_id:int}/revocation",
        "/api/ops-access/grants/1/revocation",
    ),
    **_absent("GET", "/admin/ops-access", "/admin/ops-access/"),
    **_absent("POST", "/admin/ops-access", "/admin/ops-access/"),
    **_absent("GET", "/admin/ops-access/review", "/admin/ops-access/review/"),
    **_absent(
        "POST",
        "/admin/ops-access/review/{request_id:int}/decision",
        "/admin/ops-access/review/1/decision",
    ),
    **_absent(
        "POST",
        "/admin/ops-access/review/grants/{grant_id:int}/revocation",
        "/admin/ops-access/review/grants/1/revocation",
    ),
}
