"""Isolation cases of the risk warnings (风险预警): head office's console only, so absent on
every sub-site; a regulator whose region does not cover the warning's sub-platform finds
nothing of it — the same answer as for a warning that does not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from tenants.risk.tables import RiskWarning
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.isolation.matrix import CrossTenant, World, _absent_on_sub_sites
from tests.portal.helpers import close, new_site
from tests.risk.helpers import opened_section
from tests.tenants.helpers import hq_people

MISSING = 2_000_000_000
_made: dict[int, tuple[int, str, str]] = {}  # id(app) → (warning id, its site's slug and name)


async def _a_warning(world: World) -> tuple[int, str, str]:
    """A warning of a sub-platform in 370100 (济南市), made once per application."""
    if id(world.app) not in _made:
        site = await new_site(world.app, "风险预警隔离测试分平台")
        try:
            section = await opened_section(world.app, site, colluding=True)
            await section.aclose()
        finally:
            await close(site)
        row = await RiskWarning.select(RiskWarning.id).where(
            RiskWarning.project == section.project_id
        )
        _made[id(world.app)] = (row[0]["id"], site.tenant.slug, site.tenant.name)
    return _made[id(world.app)]


@asynccontextmanager
async def _regulator_elsewhere(world: World) -> AsyncIterator[httpx.AsyncClient]:
    """A regulator of 青岛市 (370200), signed in on the main portal."""
    hq = (await hq_people(world.app))["admin"]
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        world.app.state.authorizer,
        hq,
        account_id=regulator.account_id,
        role="regulator",
        region_code="370200",
    )
    async with client_for(world.app, BASE_DOMAIN) as portal:
        assert (await sign_in(portal, regulator.username)).status_code == 200
        yield portal


def _out_of_reach(method: str, path: str, body: dict | None = None) -> CrossTenant:
    """``path`` with ``{w}`` for the warning: no sub-site serves it, and a regulator of 青岛市
    gets the same 404 for the warning as for one nobody has, naming nothing of its owner."""

    async def check(world: World) -> None:
        warning_id, slug, name = await _a_warning(world)
        await _absent_on_sub_sites(method, path.format(w=warning_id))(world)
        async with _regulator_elsewhere(world) as portal:
            answers = []
            for target in (warning_id, MISSING):
                kwargs = {"json": body} if path.startswith("/api/") else {"data": body}
                response = await portal.request(method, path.format(w=target), **kwargs)
                answers.append(response.status_code)
                assert slug not in response.text and name not in response.text, response.text
            assert answers == [404, 404], answers

    return CrossTenant(check)


def _listing_out_of_reach(path: str) -> CrossTenant:
    """The queue and the rules: a regulator of 青岛市 sees nothing of a 济南市 warning."""

    async def check(world: World) -> None:
        warning_id, slug, name = await _a_warning(world)
        await _absent_on_sub_sites("GET", path)(world)
        async with _regulator_elsewhere(world) as portal:
            response = await portal.get(path)
            assert response.status_code == 200, response.text
            assert slug not in response.text and name not in response.text
            assert f'/admin/risk/{warning_id}"' not in response.text
            assert f'"id":{warning_id},' not in response.text.replace(" ", "")

    return CrossTenant(check)


DECISION = {"confirm": True, "reason": "核实"}
FORM_DECISION = {"decision": "confirm", "reason": "核实"}

RISK_CASES: dict[tuple[str, str], CrossTenant] = {
    ("GET", "/admin/risk"): _listing_out_of_reach("/admin/risk/"),
    ("GET", "/admin/risk/rules"): _listing_out_of_reach("/admin/risk/rules"),
    ("GET", "/api/risk/warnings"): _listing_out_of_reach("/api/risk/warnings"),
    ("GET", "/api/risk/rules"): _listing_out_of_reach("/api/risk/rules"),
    ("GET", "/admin/risk/{warning_id:int}"): _out_of_reach("GET", "/admin/risk/{w}"),
    ("POST", "/admin/risk/{warning_id:int}/decision"): _out_of_reach(
        "POST", "/admin/risk/{w}/decision", FORM_DECISION
    ),
    ("POST", "/admin/risk/{warning_id:int}/recheck"): _out_of_reach(
        "POST", "/admin/risk/{w}/recheck", {}
    ),
    ("GET", "/api/risk/warnings/{warning_id:int}"): _out_of_reach("GET", "/api/risk/warnings/{w}"),
    ("POST", "/api/risk/warnings/{warning_id:int}/decision"): _out_of_reach(
        "POST", "/api/risk/warnings/{w}/decision", DECISION
    ),
    ("POST", "/api/risk/warnings/{warning_id:int}/recheck"): _out_of_reach(
        "POST", "/api/risk/warnings/{w}/recheck", {}
    ),
}
