"""Isolation cases of the statistics (统计分析): main-portal routes only; a regulator whose
region does not cover tenant A reads none of A's figures, and asking for A by id answers as a
tenant that does not exist."""

from __future__ import annotations

import datetime as dt

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from core.statistics import rollups
from tenants.announcements.tables import Announcement
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.isolation.matrix import CrossTenant, World, _absent_on_sub_sites
from tests.tenants.helpers import hq_people
from themes.i18n import BEIJING


def _none_of_a_outside_reach(path: str) -> CrossTenant:
    async def check(world: World) -> None:
        await _absent_on_sub_sites("GET", path)(world)
        now = dt.datetime.now(dt.UTC)
        await Announcement.insert(
            Announcement(
                tenant=world.tenant_a.id, type="tender_notice", title="甲的统计公告",
                project_code="A-1", category="goods", method="open_tender",
                region_code="370100", body_html="<p>x</p>", state="published", created_by=1,
                published_at=now,
            )
        )  # fmt: skip
        await rollups.refresh()
        hq = (await hq_people(world.app))["admin"]
        regulator = await new_account(AccountKind.regulator)
        await grant_role(
            world.app.state.authorizer, hq, account_id=regulator.account_id, role="regulator",
            region_code="370200",  # Qingdao: the matrix's tenants are elsewhere
        )  # fmt: skip
        year = dt.datetime.now(BEIJING).year
        async with client_for(world.app, BASE_DOMAIN) as portal:
            assert (await sign_in(portal, regulator.username)).status_code == 200
            every = await portal.get(path, params={"year": year, "quarter": 1})
            assert every.status_code == 200, every.text
            world.assert_nothing_of(world.tenant_a, every)
            if path == "/api/statistics":
                seen = {f["tenant_id"] for f in every.json()["by_tenant"]}
                assert world.tenant_a.id not in seen
            asked = await portal.get(
                path, params={"year": year, "quarter": 1, "tenant_id": world.tenant_a.id}
            )
            missing = await portal.get(
                path, params={"year": year, "quarter": 1, "tenant_id": 99_999_999}
            )
            assert asked.status_code == missing.status_code == 404, asked.text
            assert asked.text == missing.text
            world.assert_nothing_of(world.tenant_a, asked)

    return CrossTenant(check)


STATISTICS_CASES: dict[tuple[str, str], CrossTenant] = {
    ("GET", path): _none_of_a_outside_reach(path)
    for path in (
        "/api/statistics",
        "/admin/statistics",
        "/admin/statistics/export",
        "/admin/statistics/report",
    )
}
