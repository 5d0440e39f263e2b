"""Collusion warnings (围标串标预警, issue #14 item 2): raised at the opening from what the
bids' submissions share, once per rule and section, decided with a reason by head office,
audited, and read by regulators within their regions only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import grant_role
from core.errors import NotFound
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from tenants.risk import service
from tenants.risk.tables import RiskWarning
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import Site, close, new_site
from tests.risk.helpers import opened_section
from tests.tenants.helpers import hq_people, main_client_as
from tests.test_console_pages import raw_values

REGION = "650100"  # 乌鲁木齐市: no other test's sub-platform is there, so the rates are ours


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "风险预警测试分平台", region_code=REGION)
    yield made
    await close(made)


async def regulator_of(app: Litestar, region_code: str) -> tuple[Principal, httpx.AsyncClient]:
    hq = (await hq_people(app))["admin"]
    regulator = await new_account(AccountKind.regulator)
    await grant_role(
        app.state.authorizer,
        hq,
        account_id=regulator.account_id,
        role="regulator",
        region_code=region_code,
    )
    client = client_for(app, BASE_DOMAIN)
    assert (await sign_in(client, regulator.username)).status_code == 200
    return regulator, client


async def warnings_of(project_id: int) -> list[dict]:
    return await RiskWarning.select().where(RiskWarning.project == project_id)


async def audited(action: str, warning_id: int) -> int:
    return await AuditEntry.count().where(
        (AuditEntry.action == action) & (AuditEntry.object == f"risk:{warning_id}")
    )


@pytest.mark.asyncio
async def test_one_machine_and_one_phone_raise_exactly_those_two_warnings(
    app: Litestar, site: Site
) -> None:
    section = await opened_section(app, site, colluding=True)
    admin = await main_client_as(app, (await hq_people(app))["admin"])
    _, regulator = await regulator_of(app, REGION)
    try:
        rows = await warnings_of(section.project_id)
        assert {r["rule"] for r in rows} == {"same_machine", "same_contact"}
        listed = await admin.get("/api/risk/warnings", params={"state": "open"})
        assert listed.status_code == 200, listed.text
        ours = {w["rule"]: w for w in listed.json() if w["project_id"] == section.project_id}
        assert set(ours) == {"same_machine", "same_contact"}
        machine, contact = ours["same_machine"], ours["same_contact"]
        assert "第四十条第（二）项" in machine["legal_basis"] and machine["severity"] == "high"
        assert "财政部令第87号）第三十七条" in contact["legal_basis"]
        for found in (machine, contact):
            (evidence,) = found["evidence"]
            assert [b["subject"] for b in evidence["bidders"]] == section.subjects[:2]
        assert contact["evidence"][0]["value"].startswith("139")

        # Checking again finds the same two and adds nothing.
        again = await admin.post(f"/api/risk/warnings/{machine['id']}/recheck")
        assert again.status_code == 200 and again.json() == {"raised": []}, again.text
        assert len(await warnings_of(section.project_id)) == 2

        # The page: the rule, its legal basis, the bidders and the shared phone in words.
        page = await admin.get(f"/admin/risk/{contact['id']}")
        assert page.status_code == 200, page.text
        assert "不同投标人的联系人电话或电子邮箱相同" in page.text and "第三十七条" in page.text
        assert f"投标联系人电话相同：{contact['evidence'][0]['value']}" in page.text
        assert section.names[0] in page.text and section.names[1] in page.text
        assert section.names[2] not in page.text
        assert "高" in page.text and not raw_values(page.text)
        queue = await admin.get("/admin/risk/", params={"rule": "same_machine", "severity": "high"})
        assert queue.status_code == 200 and f"/admin/risk/{machine['id']}" in queue.text
        assert f'/admin/risk/{contact["id"]}"' not in queue.text

        # The regulator's workbench lists the open warnings of its region.
        work = await regulator.get("/workbench")
        assert work.status_code == 200 and "待处理的风险预警" in work.text
        assert f"/admin/risk/{machine['id']}" in work.text and not raw_values(work.text)

        # A regulator of the region reads the warning but may not decide it.
        seen = await regulator.get(f"/api/risk/warnings/{machine['id']}")
        assert seen.status_code == 200, seen.text
        refused = await regulator.post(
            f"/api/risk/warnings/{machine['id']}/decision",
            json={"confirm": True, "reason": "同一设备"},
        )
        assert refused.status_code == 403, refused.text
        page = await regulator.get(f"/admin/risk/{machine['id']}")
        assert page.status_code == 200 and 'name="reason"' not in page.text

        # Dismissing needs a reason, in words; nothing is written without one.
        empty = await admin.post(
            f"/admin/risk/{contact['id']}/decision", data={"decision": "dismiss", "reason": " "}
        )
        assert empty.status_code == 400 and "请写明处理理由" in empty.text
        empty = await admin.post(
            f"/api/risk/warnings/{contact['id']}/decision", json={"confirm": False, "reason": ""}
        )
        assert empty.status_code == 400 and "请写明处理理由" in empty.text
        assert await audited("risk.dismiss_warning", contact["id"]) == 0

        dismissed = await admin.post(
            f"/admin/risk/{contact['id']}/decision",
            data={
                "decision": "dismiss",
                "reason": "两家为同一集团的子公司，由集团统一联系人，已核实",
            },
        )
        assert dismissed.status_code == 303, dismissed.text
        confirmed = await admin.post(
            f"/api/risk/warnings/{machine['id']}/decision",
            json={"confirm": True, "reason": "经核实两份投标文件由同一人上传"},
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["state"] == "confirmed" and confirmed.json()["decided_by"]
        assert await audited("risk.dismiss_warning", contact["id"]) == 1
        assert await audited("risk.confirm_warning", machine["id"]) == 1
        twice = await admin.post(
            f"/api/risk/warnings/{machine['id']}/decision",
            json={"confirm": False, "reason": "改判"},
        )
        assert twice.status_code == 409, twice.text

        # Rechecking keeps the decisions.
        assert (await admin.post(f"/api/risk/warnings/{machine['id']}/recheck")).json() == {
            "raised": []
        }
        states = {r["rule"]: r["state"] for r in await warnings_of(section.project_id)}
        assert states == {"same_machine": "confirmed", "same_contact": "dismissed"}
        page = await admin.get(f"/admin/risk/{machine['id']}")
        assert "已确认属实" in page.text and "经核实两份投标文件由同一人上传" in page.text
        # the bidders' library entries, where a penalty decided on them is entered
        entry = f"/library/subjects/{section.subjects[0]}"
        assert f'href="{entry}"' in page.text and (await admin.get(entry)).status_code == 200

        # The rates, as the region's regulator sees them: one of each decided.
        rates = {r["rule"]: r for r in (await regulator.get("/api/risk/rules")).json()}
        assert rates["same_machine"]["confirmed"] == 1 and rates["same_machine"]["dismissed"] == 0
        assert rates["same_machine"]["confirmation_rate"] == 1.0
        assert rates["same_machine"]["false_positive_rate"] == 0.0
        assert rates["same_contact"]["false_positive_rate"] == 1.0
        assert rates["same_ip"]["confirmation_rate"] is None
        page = await regulator.get("/admin/risk/rules")
        assert page.status_code == 200 and "100.0%" in page.text and not raw_values(page.text)
    finally:
        await section.aclose()
        await admin.aclose()
        await regulator.aclose()


@pytest.mark.asyncio
async def test_a_clean_section_raises_nothing(app: Litestar, site: Site) -> None:
    section = await opened_section(app, site, colluding=False)
    await section.aclose()
    assert await warnings_of(section.project_id) == []


@pytest.mark.asyncio
async def test_out_of_reach_is_not_found_and_bad_input_is_refused(
    app: Litestar, site: Site
) -> None:
    section = await opened_section(app, site, colluding=True)
    (row, *_) = await warnings_of(section.project_id)
    elsewhere, other = await regulator_of(app, "370200")  # 青岛市: not the sub-platform's region
    admin = await main_client_as(app, (await hq_people(app))["admin"])
    try:
        for path in (f"/api/risk/warnings/{row['id']}", "/api/risk/warnings/2000000000"):
            answer = await other.get(path)
            assert answer.status_code == 404 and "风险预警不存在" in answer.text, answer.text
        with pytest.raises(NotFound):
            await service.decide(app.state.authorizer, elsewhere, row["id"], True, "理由")
        listed = await other.get("/api/risk/warnings")
        assert listed.status_code == 200
        assert all(w["tenant_id"] != site.tenant.id for w in listed.json())
        decided = await other.post(
            f"/api/risk/warnings/{row['id']}/decision", json={"confirm": True, "reason": "x"}
        )
        assert decided.status_code == 404
        # A sub-site's own staff are not head office: the console's pages are not on the sub-site.
        assert (await site.client.get(f"/admin/risk/{row['id']}")).status_code == 404
        bad = await admin.get("/api/risk/warnings", params={"state": "closed"})
        assert bad.status_code == 400 and "筛选条件" in bad.text
        bad = await admin.post(
            f"/admin/risk/{row['id']}/decision", data={"decision": "maybe", "reason": "理由"}
        )
        assert bad.status_code == 400 and "确认属实" in bad.text
        too_long = await admin.post(
            f"/api/risk/warnings/{row['id']}/decision",
            json={"confirm": True, "reason": "长" * 2001},
        )
        assert too_long.status_code == 400 and "2000" in too_long.text
        assert (await RiskWarning.select(RiskWarning.state).where(RiskWarning.id == row["id"]))[0][
            "state"
        ] == "open"
    finally:
        await section.aclose()
        await admin.aclose()
        await other.aclose()
