"""A project's tender, award and contract each publish an OCDS 1.1 release that validates
against the official release schema, parties named by CN-SAIC and credit code; the record
compiles them; nothing of the bids but the winner's price, and no expert, is published."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar

from core.libraries.transactions.tables import TransactionRecord
from tenants.opendata import feed
from tenants.opendata.releases import ocid_of
from tenants.opendata.tables import Release
from tenants.projects.registration import project_in
from tenants.projects.tables import OpeningEntry
from tests.opendata.helpers import contracted_project, schema_errors
from tests.portal.helpers import close, new_site


@pytest.mark.asyncio
async def test_tender_award_and_contract_releases_validate(app: Litestar) -> None:
    site = await new_site(app, "开放数据发布测试分平台")
    project_id, buyer = await contracted_project(app, site)
    try:
        project = await project_in(site.tenant, project_id)
        rows = await Release.select().where(Release.tenant == site.tenant.id).order_by(Release.id)
        assert [r["tag"] for r in rows] == ["tender", "award", "contract"]
        releases = [json.loads(r["payload"]) for r in rows]
        for release in releases:
            assert schema_errors(release) == [], release
            assert release["ocid"] == ocid_of(site.tenant.id, str(project["code"]))
        tender, award, contract = releases
        assert tender["tender"]["lots"] and tender["tender"]["procurementMethod"] == "open"
        kept = (await TransactionRecord.select().where(TransactionRecord.tenant == site.tenant.id))[
            0
        ]
        (winner,) = award["awards"][0]["suppliers"]
        assert winner == {
            "id": f"CN-SAIC-{kept['supplier_credit_code']}",
            "name": kept["supplier_name"],
        }
        supplier = next(p for p in award["parties"] if p["id"] == winner["id"])
        assert supplier["identifier"] == {
            "scheme": "CN-SAIC",
            "id": kept["supplier_credit_code"],
            "legalName": kept["supplier_name"],
        }
        assert contract["contracts"][0]["awardID"] == award["awards"][0]["id"]
        # Only the winner's price is out; the other bidders are not named at all.
        losers = await OpeningEntry.select(OpeningEntry.bidder).where(
            OpeningEntry.bid.project == project_id
        )
        losers = {e["bidder"] for e in losers} - {kept["supplier_name"]}
        assert len(losers) == 2
        text = json.dumps(releases, ensure_ascii=False)
        assert kept["supplier_name"] in text and "expert" not in text.lower()
        assert not any(name in text for name in losers)

        record = await feed.record(site.tenant.id, tender["ocid"])
        assert [r["id"] for r in record["releases"]] == [r["id"] for r in releases]
        compiled = record["compiledRelease"]
        assert schema_errors(compiled) == []
        assert compiled["tender"] == tender["tender"] and compiled["contracts"]
        roles = {p["id"]: p["roles"] for p in compiled["parties"]}
        assert roles[winner["id"]] == ["supplier"] and ["buyer"] in roles.values()
    finally:
        await buyer.client.aclose()
        await close(site)
