"""交易信息库 (000 Art. 20): what head office, a regulator and a supplier read of the awards
the sub-platforms report. The award and contract feeding it are in tests/projects/
test_evaluation.py; here the records are reported directly, as the award does."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar

from core.authz.policies import grant_role
from core.identity.tables import AccountKind
from core.libraries import transactions
from core.tenancy.registry import register_tenant
from core.tenancy.tables import TenantKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, unique_slug
from tests.libraries.helpers import library_manager, registered_supplier
from tests.portal.helpers import close, new_site
from tests.tenants.helpers import hq_people
from themes.i18n import BEIJING


def _entry(
    tenant_id: int, supplier_id: int, n: int, **changes: object
) -> transactions.TransactionEntry:
    values: dict[str, object] = {
        "tenant_id": tenant_id,
        "section_code": f"XM{tenant_id:06d}{n:04d}-001",
        "project_code": f"XM{tenant_id:06d}{n:04d}",
        "project_title": f"办公设备采购项目{n}",
        "section_title": "第一标段",
        "track": "government",
        "method": "open_tender",
        "category": "goods",
        "purchaser_name": "某市教育局",
        "purchaser_credit_code": "11370100MB0000000X",
        "agency_name": "",
        "supplier_id": supplier_id,
        "supplier_name": f"中标供应商{supplier_id}",
        "supplier_credit_code": "91370100MA0000000Y",
        "budget_fen": 1_000_000,
        "award_fen": 900_000 + n,
        "awarded_at": dt.datetime(2026, 3, 1, 10, tzinfo=BEIJING) + dt.timedelta(days=n),
    }
    return transactions.TransactionEntry(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_readers_see_the_records_within_their_reach(app: Litestar) -> None:
    near = await new_site(app, "交易信息库测试分平台")  # region 370100
    far_tenant = await register_tenant(
        slug=unique_slug("far"), name="远方分平台", kind=TenantKind.city, region_code="370200"
    )
    winner_id, _, winner = await registered_supplier(app, near)
    other_id, _, other = await registered_supplier(app, near)
    for n in range(52):  # more than a page, on the near sub-platform
        await transactions.add(_entry(near.tenant.id, winner_id, n))
    await transactions.add(_entry(far_tenant.id, other_id, 0, project_title="远方的项目"))
    # The same award reported again (a retried award) adds nothing.
    await transactions.add(_entry(near.tenant.id, winner_id, 0, award_fen=1))
    code = _entry(near.tenant.id, winner_id, 3).section_code
    await transactions.complete(near.tenant.id, code, 880_000, dt.date(2026, 3, 20))

    _, manager = await library_manager(app)
    people = await hq_people(app)
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        app.state.authorizer, people["admin"], account_id=regulator.account_id,
        role="regulator", region_code="370100",
    )  # fmt: skip
    try:
        everything = await manager.get("/api/library/transactions/", params={"q": "中标供应商"})
        assert everything.status_code == 200, everything.text
        body = everything.json()
        assert body["count"] >= 53 and len(body["items"]) == 50
        older = await manager.get(
            "/api/library/transactions/", params={"before": body["next_before"]}
        )
        assert older.json()["items"][0]["id"] < body["items"][-1]["id"]

        far_one = await manager.get("/api/library/transactions/", params={"q": "远方的项目"})
        assert far_one.json()["count"] == 1

        async with client_for(app, BASE_DOMAIN) as portal:
            assert (await sign_in(portal, regulator.username)).status_code == 200
            mine = await portal.get(
                "/api/library/transactions/", params={"q": f"XM{near.tenant.id:06d}0003"}
            )
            assert mine.json()["count"] == 1
            (record,) = mine.json()["items"]
            assert record["award_fen"] == 900_003 and record["contract_fen"] == 880_000
            hidden = await portal.get("/api/library/transactions/", params={"q": "远方的项目"})
            assert hidden.json()["count"] == 0 and hidden.json()["items"] == []
            page = await portal.get(
                "/admin/transactions/", params={"q": f"XM{near.tenant.id:06d}0003"}
            )
            assert page.status_code == 200
            assert "9,000.03" in page.text and "8,800.00" in page.text
            assert "2026-03-20 签订" in page.text and "公开招标" in page.text
            assert "<td>公开招标</td>" in page.text  # the method in words, not its key
            assert "/admin/transactions" in (await portal.get("/workbench")).text

        # A supplier reads its own awards on its profile, not another's.
        own = await winner.get("/account/profile/")
        assert own.status_code == 200 and "办公设备采购项目3" in own.text
        assert "远方的项目" not in own.text
        theirs = await other.get("/account/profile/")
        assert "远方的项目" in theirs.text and "办公设备采购项目3" not in theirs.text
        # Neither may read the library itself, nor does it exist on a sub-site.
        async with client_for(app, BASE_DOMAIN) as portal:
            supplier = await new_account(AccountKind.supplier)
            assert (await sign_in(portal, supplier.username)).status_code == 200
            refused = await portal.get("/api/library/transactions/")
            assert refused.status_code == 403
        assert (await near.client.get("/admin/transactions/")).status_code == 404
    finally:
        await manager.aclose()
        await winner.aclose()
        await other.aclose()
        await close(near)


@pytest.mark.asyncio
async def test_a_bad_filter_is_answered_with_its_reason(app: Litestar) -> None:
    _, manager = await library_manager(app)
    try:
        backwards = await manager.get(
            "/admin/transactions/", params={"since": "2026-05-01", "until": "2026-04-01"}
        )
        assert backwards.status_code == 400 and "起止日期不正确" in backwards.text
        not_a_day = await manager.get("/admin/transactions/", params={"since": "2026-13-01"})
        assert not_a_day.status_code == 400 and "起止日期不正确" in not_a_day.text
        unknown = await manager.get("/api/library/transactions/", params={"method": "lottery"})
        assert unknown.status_code == 400 and "采购方式" in unknown.text
        bad_date = await manager.get("/api/library/transactions/", params={"since": "soon"})
        assert bad_date.status_code == 400
    finally:
        await manager.aclose()
