"""The push upward (数据上报): every pending record is checked first; one bad record and
nothing is pushed, the report naming it with its reasons; a clean push sends all of them to
the outbox at once, and a retry sends nothing twice. Only the operator's admin may push."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import Forbidden
from core.identity.tables import AccountKind
from core.storage import ObjectKey
from tenants.opendata import national, push
from tenants.opendata.tables import Push, Release
from tests.conftest import new_account
from tests.opendata.helpers import CONTEXT, SERVICE_PLATFORM, contracted_project, with_operator
from tests.portal.helpers import close, new_site


async def _push(app: Litestar, site, principal=None) -> push.PushReport:  # type: ignore[no-untyped-def]
    return await push.push(
        app.state.authorizer,
        principal or site.admin,
        app.state.object_storage,
        site.tenant,
        SERVICE_PLATFORM,
        CONTEXT,
    )


async def _pending(tenant_id: int) -> int:
    return await Release.count().where((Release.tenant == tenant_id) & Release.pushed_in.is_null())


@pytest.mark.asyncio
async def test_one_bad_record_pushes_nothing_and_is_named(app: Litestar) -> None:
    site = await new_site(app, "数据上报拒绝测试分平台")
    _, buyer = await contracted_project(app, site)
    try:
        await with_operator(site)
        # The contract as if signed the day before the award: the dates are not coherent.
        contract = (
            await Release.select()
            .where((Release.tenant == site.tenant.id) & (Release.tag == "contract"))
            .first()
        )
        payload = json.loads(contract["payload"])
        payload["contracts"][0]["dateSigned"] = "2000-01-01T00:00:00+08:00"
        await Release.update({Release.payload: json.dumps(payload)}).where(
            Release.id == contract["id"]
        )
        report = await _push(app, site)
        assert report.state == "rejected" and report.records == 3
        (rejected,) = report.rejected
        assert rejected.release_id == contract["release_id"]
        assert any(r.startswith("合同签订日期早于定标日期") for r in rejected.reasons)
        assert await _pending(site.tenant.id) == 3  # nothing was marked
        row = await Push.select().where(Push.id == report.push_id).first()
        assert row["object_key"] == "" and "合同签订日期早于定标日期" in row["report"]
        outbox = ObjectKey.for_tenant(
            site.tenant.id, "opendata", "outbox", f"push-{report.push_id}.json"
        )
        assert not await app.state.object_storage.exists(outbox)
        entry = (
            await AuditEntry.select()
            .where(AuditEntry.object == f"opendata_push:{report.push_id}")
            .first()
        )
        assert entry["action"] == "opendata.push" and entry["outcome"] == "failure"
    finally:
        await buyer.client.aclose()
        await close(site)


@pytest.mark.asyncio
async def test_a_clean_push_sends_all_and_a_retry_nothing(app: Litestar) -> None:
    site = await new_site(app, "数据上报测试分平台")
    _, buyer = await contracted_project(app, site)
    try:
        # Without the operator's application there is no PLATFORM_CODE: every record says so.
        missing = await _push(app, site)
        assert missing.state == "rejected" and len(missing.rejected) == 3
        assert all("PLATFORM_CODE" in r.reasons[0] for r in missing.rejected)

        operator = await with_operator(site)
        report = await _push(app, site)
        assert report.state == "pushed" and report.records == 3 and report.rejected == []
        assert await _pending(site.tenant.id) == 0
        row = await Push.select().where(Push.id == report.push_id).first()
        sent = json.loads(await app.state.object_storage.get(ObjectKey.parse(row["object_key"])))
        records = sent["records"]
        assert [r["DATA_TYPE"] for r in records] == ["tender", "award", "contract"]
        assert {r["PLATFORM_CODE"] for r in records} == {operator}
        assert {r["PUB_SERVICE_PLAT_CODE"] for r in records} == {SERVICE_PLATFORM}
        tender, award, contract = records
        assert contract["BID_SECTION_CODE"] == award["BID_SECTION_CODE"]
        assert award["TENDER_PROJECT_CODE"] == tender["TENDER_PROJECT_CODE"]
        assert award["TENDER_PROJECT_CODE"] == f"{tender['PROJECT_CODE']}001"
        assert award["BID_SECTION_CODE"] == f"{tender['TENDER_PROJECT_CODE']}001"
        assert len(award["DATA_TIMESTAMP"]) == 14

        again = await _push(app, site)
        assert again == push.PushReport(None, None, 0, [])
        assert await Push.count().where(Push.tenant == site.tenant.id) == 2

        # The same tender project's notice once more would be a duplicate of the pushed one.
        reasons = national.problems(tender, {national.duplicate_key(tender)}, {}, {}, "99991231")
        assert reasons == ["重复上报 / a duplicate of a record already pushed"]

        staff = await new_account(AccountKind.tenant_staff, site.tenant)
        with pytest.raises(Forbidden):
            await _push(app, site, staff)
    finally:
        await buyer.client.aclose()
        await close(site)


def test_a_release_missing_its_fields_is_refused_in_words() -> None:
    """A release short of what the national shape needs is named, field by field, not a
    crash of the whole export."""
    now = "20261207120000"
    for release in (
        {"ocid": "ocds-sunshn-1-X", "id": "r1", "tag": ["tender"], "tender": {"id": "X001"}},
        {"ocid": "ocds-sunshn-1-X", "id": "r2", "tag": ["award"], "awards": []},
        {"ocid": "ocds-sunshn-1-X", "id": "r3", "tag": ["contract"]},
        {"id": "r4", "tag": []},
    ):
        row = national.shape(release, "", "", dt.datetime.now(dt.UTC))
        reasons = national.problems(row, set(), {}, {}, now)
        assert reasons and reasons[0].startswith(("缺少必填项", "数据类别无效")), reasons
