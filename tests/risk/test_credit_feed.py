"""Confirmed warnings feed credit records (风险预警 → 信用记录), and the controlling-shareholder
rule on a real opened section: a manager enters the authority's decision on a bidder from a
confirmed warning's page, the form filled from the warning; an open or dismissed warning feeds
nothing; the record and the warning link to each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import grant_role
from core.libraries.subjects.tables import CreditRecord, Subject
from tenants.risk import service
from tenants.risk.tables import RiskWarning
from tests.libraries.helpers import library_manager
from tests.portal.helpers import Site, close, new_site
from tests.risk.helpers import opened_section
from tests.tenants.helpers import hq_people, main_client_as
from tests.test_console_pages import raw_values

PENALTY = {
    "kind": "penalty",
    "authority": "济南市财政局",
    "starts_on": dt.date.today().isoformat(),
}


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "信用记录预警测试分平台")
    yield made
    await close(made)


async def supervising_manager(app: Litestar) -> httpx.AsyncClient:
    """A library manager who also decides the warnings (hq_library and hq_supervisor)."""
    manager, client = await library_manager(app)
    await grant_role(
        app.state.authorizer,
        (await hq_people(app))["admin"],
        account_id=manager.account_id,
        role="hq_supervisor",
        region_code="370000",
    )
    return client


def form_of(page: str) -> dict[str, str]:
    """The credit form's prefilled source, legal basis, summary and hidden warning."""
    found = {}
    for name in ("source", "legal_basis", "warning"):
        marker = f'name="{name}" value="'
        if marker in page:
            found[name] = page.split(marker, 1)[1].split('"', 1)[0]
    if 'name="summary"' in page:
        found["summary"] = page.split('name="summary"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    return found


async def rule_of(project_id: int, rule: str) -> dict:
    (row,) = await RiskWarning.select().where(
        (RiskWarning.project == project_id) & (RiskWarning.rule == rule)
    )
    return row


@pytest.mark.asyncio
async def test_a_confirmed_warning_feeds_a_credit_record_and_they_link(
    app: Litestar, site: Site
) -> None:
    section = await opened_section(app, site, colluding=True)
    machine = await rule_of(section.project_id, "same_machine")
    contact = await rule_of(section.project_id, "same_contact")
    manager = await supervising_manager(app)
    admin = await main_client_as(app, (await hq_people(app))["admin"])
    first, second, third = section.subjects
    records = f"/library/subjects/{first}/credit-records"
    try:
        # Open: the page offers nothing, the form is not filled, and a record is refused.
        page = await manager.get(f"/admin/risk/{machine['id']}")
        assert page.status_code == 200 and "?warning=" not in page.text
        filled = await manager.get(f"/library/subjects/{first}", params={"warning": machine["id"]})
        assert filled.status_code == 400 and "尚未确认属实" in filled.text
        assert "warning" not in form_of(filled.text)
        refused = await manager.post(
            records,
            data={**PENALTY, "source": "风险预警", "legal_basis": "第四十条", "summary": "围标"}
            | {"warning": str(machine["id"])},
        )
        assert refused.status_code == 400 and "尚未确认属实" in refused.text, refused.text[-300:]
        # Dismissed: the same.
        dismissed = await manager.post(
            f"/admin/risk/{contact['id']}/decision",
            data={"decision": "dismiss", "reason": "同一集团统一联系人，已核实"},
        )
        assert dismissed.status_code == 303, dismissed.text
        filled = await manager.get(f"/library/subjects/{first}", params={"warning": contact["id"]})
        assert filled.status_code == 400 and "尚未确认属实" in filled.text
        refused = await manager.post(
            records,
            data={**PENALTY, "source": "风险预警", "legal_basis": "第四十条", "summary": "围标"}
            | {"warning": str(contact["id"])},
        )
        assert refused.status_code == 400 and "尚未确认属实" in refused.text
        assert await CreditRecord.count().where(CreditRecord.subject == first) == 0

        confirmed = await manager.post(
            f"/admin/risk/{machine['id']}/decision",
            data={"decision": "confirm", "reason": "经核实由同一人上传"},
        )
        assert confirmed.status_code == 303, confirmed.text
        page = await manager.get(f"/admin/risk/{machine['id']}")
        for subject in (first, second):
            assert f'href="/library/subjects/{subject}?warning={machine["id"]}#credit-form"' in (
                page.text
            )
        assert f"/library/subjects/{third}?warning=" not in page.text
        assert not raw_values(page.text)
        # head office's admin reads the warning but does not manage the library
        page = await admin.get(f"/admin/risk/{machine['id']}")
        assert page.status_code == 200 and "?warning=" not in page.text

        # The form, filled from the warning; a bidder it does not name is refused.
        filled = await manager.get(f"/library/subjects/{first}", params={"warning": machine["id"]})
        assert filled.status_code == 200, filled.text[-500:]
        prefill = form_of(filled.text)
        view = await service.stored(machine["id"])
        assert view is not None
        assert prefill["warning"] == str(machine["id"])
        assert prefill["source"] == f"风险预警 #{machine['id']}"
        assert prefill["legal_basis"] == view.legal_basis and "第四十条" in view.legal_basis
        summary = prefill["summary"]
        assert view.project_title in summary and "第 1 标段" in summary
        assert view.rule_name in summary
        assert section.names[0] in summary and section.names[1] in summary
        assert section.names[2] not in summary
        assert "0123456789abcdef" not in summary  # the device id stays on the warning
        assert "已确认属实的风险预警" in filled.text and not raw_values(filled.text)
        other = await manager.get(f"/library/subjects/{third}", params={"warning": machine["id"]})
        assert other.status_code == 400 and "不是风险预警" in other.text
        for bad, status in (("abc", 400), ("2000000000", 404)):
            answer = await manager.get(f"/library/subjects/{first}", params={"warning": bad})
            assert answer.status_code == status, answer.text[-300:]

        # Someone who decides warnings but does not manage the library enters nothing.
        supervisor = await main_client_as(app, (await hq_people(app))["supervisor"])
        try:
            refused = await supervisor.post(records, data={**PENALTY, **prefill})
            assert refused.status_code == 403, refused.text[-300:]
        finally:
            await supervisor.aclose()

        before = await AuditEntry.count().where(
            (AuditEntry.action == "library.credit.penalty")
            & (AuditEntry.object == f"subject:{first}")
        )
        saved = await manager.post(records, data={**PENALTY, **prefill})
        assert saved.status_code == 303, saved.text[-500:]
        (row,) = await CreditRecord.select().where(CreditRecord.subject == first)
        assert row["risk_warning"] == machine["id"] and row["kind"] == "penalty"
        assert row["authority"] == "济南市财政局" and row["summary"] == summary
        assert (
            await AuditEntry.count().where(
                (AuditEntry.action == "library.credit.penalty")
                & (AuditEntry.object == f"subject:{first}")
            )
            == before + 1
        )

        # The warning lists the record; the record links back to the warning.
        page = await manager.get(f"/admin/risk/{machine['id']}")
        assert "据本预警录入的信用记录" in page.text and "行政处罚" in page.text
        assert f'<a href="/library/subjects/{first}">{section.names[0]}</a>' in page.text
        assert not raw_values(page.text)
        entry = await manager.get(f"/library/subjects/{first}")
        assert f'<a href="/admin/risk/{machine["id"]}">依据风险预警 #{machine["id"]} 录入</a>' in (
            entry.text
        )
        # a manager who does not read the warnings sees the words without the link
        _, reader = await library_manager(app)
        try:
            entry = await reader.get(f"/library/subjects/{first}")
            assert f"依据风险预警 #{machine['id']} 录入" in entry.text
            assert f'href="/admin/risk/{machine["id"]}"' not in entry.text
        finally:
            await reader.aclose()
    finally:
        await section.aclose()
        await manager.aclose()
        await admin.aclose()


@pytest.mark.asyncio
async def test_bidders_under_one_controlling_shareholder_are_warned_about(
    app: Litestar, site: Site
) -> None:
    section = await opened_section(app, site, colluding=False)
    await section.aclose()
    assert await RiskWarning.count().where(RiskWarning.project == section.project_id) == 0
    first, second, third = section.subjects
    for subject, holder in ((first, "山东控股集团有限公司"), (second, "山东控股集团 有限公司")):
        await Subject.update({Subject.controlling_shareholder: holder}).where(Subject.id == subject)
    await Subject.update({Subject.controlling_shareholder: "另一家集团有限公司"}).where(
        Subject.id == third
    )
    admin = (await hq_people(app))["admin"]
    raised = await service.recheck(app.state.authorizer, admin, site.tenant.id, section.project_id)
    (row,) = await RiskWarning.select().where(RiskWarning.project == section.project_id)
    assert raised == [row["id"]] and row["rule"] == "controlling_shareholder"
    assert row["severity"] == "medium"
    (evidence,) = (await service.stored(row["id"])).evidence  # type: ignore[union-attr]
    assert evidence.value == "控股股东同为山东控股集团有限公司"
    assert [b.subject for b in evidence.bidders] == [first, second]
    client = await main_client_as(app, admin)
    try:
        page = await client.get(f"/admin/risk/{row['id']}")
        assert page.status_code == 200 and "第三十四条第二款" in page.text
        assert "控股股东同为山东控股集团有限公司" in page.text and not raw_values(page.text)
    finally:
        await client.aclose()
