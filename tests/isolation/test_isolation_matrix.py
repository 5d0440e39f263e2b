"""Enumerates every route of the application against the isolation matrix, then runs it."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tests.conftest import new_account, sign_in
from tests.isolation.domain_cases import DOMAIN_CASES
from tests.isolation.expert_cases import EXPERT_CASES
from tests.isolation.library_cases import LIBRARY_CASES
from tests.isolation.matrix import MATRIX as KERNEL_CASES
from tests.isolation.matrix import CrossTenant, World
from tests.isolation.opendata_cases import OPENDATA_CASES
from tests.isolation.ops_access_cases import OPS_ACCESS_CASES
from tests.isolation.page_cases import PAGE_CASES
from tests.isolation.portal_cases import PORTAL_CASES
from tests.isolation.project_cases import PROJECT_CASES
from tests.isolation.risk_cases import RISK_CASES
from tests.isolation.statistics_cases import STATISTICS_CASES

MATRIX = {
    **KERNEL_CASES,
    **PORTAL_CASES,
    **LIBRARY_CASES,
    **EXPERT_CASES,
    **DOMAIN_CASES,
    **PAGE_CASES,
    **PROJECT_CASES,
    **OPS_ACCESS_CASES,
    **STATISTICS_CASES,
    **RISK_CASES,
    **OPENDATA_CASES,
}


def registered_routes(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, path) the application serves, but the OPTIONS answer Litestar adds."""
    routes = set()
    for route in app.routes:
        assert isinstance(route, HTTPRoute), f"unexpected route kind {route!r}: add it here"
        for method in route.methods:
            handler = route.route_handler_map[method][0]
            if method == "OPTIONS" and handler.handler_name == "options_handler":
                continue
            routes.add((method, route.path))
    return routes


@pytest.mark.asyncio
async def test_every_route_has_its_isolation_case(app: Litestar) -> None:
    registered = registered_routes(app)
    missing = sorted(registered - MATRIX.keys())
    assert not missing, f"routes without a case in tests/isolation/matrix.py: {missing}"
    stale = sorted(MATRIX.keys() - registered)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


CROSS_TENANT = sorted(key for key, case in MATRIX.items() if isinstance(case, CrossTenant))


@pytest.mark.asyncio
@pytest.mark.parametrize("route", CROSS_TENANT, ids=[" ".join(k) for k in CROSS_TENANT])
async def test_cross_tenant(
    route: tuple[str, str],
    app: Litestar,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    client_a: httpx.AsyncClient,
    client_b: httpx.AsyncClient,
    main_client: httpx.AsyncClient,
) -> None:
    case = MATRIX[route]
    assert isinstance(case, CrossTenant)
    staff_a = await new_account(AccountKind.tenant_staff, tenant_a)
    assert (await sign_in(client_a, staff_a.username)).status_code == 200
    await case.check(World(app, tenant_a, tenant_b, client_a, client_b, main_client, staff_a))
