"""The library's staff pages: the review queue decided through pages, subject search and
detail, credit records entered and lifted; bad input answered in Chinese, nothing half-written."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from core.libraries.subjects.tables import CreditRecord, Subject
from tests.conftest import BASE_DOMAIN, client_for, sign_in, with_csrf
from tests.libraries.helpers import credit_code, library_manager, registration
from tests.test_console_pages import raw_values


async def _registered(app: Litestar) -> tuple[int, dict, httpx.AsyncClient]:
    """A supplier registered on the main portal (pending), and its own signed-in client."""
    public = await with_csrf(client_for(app, BASE_DOMAIN))
    body = registration(credit_code())
    created = await public.post("/api/library/suppliers", json=body)
    assert created.status_code == 201, created.text
    assert (await sign_in(public, body["username"])).status_code == 200
    return created.json()["id"], body, public


def _review_link(page: str, name: str) -> str:
    match = re.search(r'<a href="(/admin/library/\d+)">' + re.escape(name), page)
    assert match, "the registration is not in the queue"
    return match.group(1)


@pytest.mark.asyncio
async def test_a_registration_is_reviewed_in_the_queue_and_its_owner_told(app: Litestar) -> None:
    subject_id, body, supplier = await _registered(app)
    _, manager = await library_manager(app)
    try:
        name = body["profile"]["name"]
        queue = await manager.get("/admin/library/")
        assert queue.status_code == 200 and "供应商" in queue.text and "注册审核" in queue.text
        link = _review_link(queue.text, name)
        page = await manager.get(link)
        assert page.status_code == 200 and body["profile"]["credit_code"] in page.text
        # A rejection without a reason, or no decision at all, is refused and changes nothing.
        for fields, message in (
            ({"decision": "reject"}, "不予通过时请填写审核意见"),
            ({}, "请选择审核决定"),
        ):
            refused = await manager.post(f"{link}/decision", data=fields)
            assert refused.status_code == 400 and message in refused.text
        state = await Subject.select(Subject.state).where(Subject.id == subject_id).first()
        assert state == {"state": "pending"}
        done = await manager.post(f"{link}/decision", data={"decision": "approve", "note": ""})
        assert done.status_code == 303 and done.headers["location"] == "/admin/library/"
        after = await manager.get("/admin/library/")
        assert "已作出决定" in after.text and name not in after.text
        state = await Subject.select(Subject.state).where(Subject.id == subject_id).first()
        assert state == {"state": "approved"}
        notices = (await supplier.get("/api/notices/")).json()
        assert any("主体注册审核：已通过" in n["subject"] for n in notices)
        workbench = await manager.get("/workbench")
        assert "待审核的主体注册与变更" in workbench.text
    finally:
        await manager.aclose()
        await supplier.aclose()


@pytest.mark.asyncio
async def test_credit_records_are_entered_and_lifted_through_the_subject_page(
    app: Litestar,
) -> None:
    subject_id, body, supplier = await _registered(app)
    _, manager = await library_manager(app)
    try:
        found = await manager.get("/library/subjects/", params={"name": body["profile"]["name"]})
        assert found.status_code == 200 and f"/library/subjects/{subject_id}" in found.text
        bad_filter = await manager.get("/library/subjects/", params={"region": "37"})
        assert bad_filter.status_code == 400 and "text/html" in bad_filter.headers["content-type"]
        assert "「所在地区」填写不正确" in bad_filter.text
        record = {
            "kind": "penalty",
            "source": "济南市财政局",
            "legal_basis": "政府采购法第七十七条",
            "authority": "济南市财政局",
            "summary": "提供虚假材料谋取中标",
            "starts_on": "2026-11-01",
        }
        path = f"/library/subjects/{subject_id}/credit-records"
        for change, message in (
            ({"starts_on": "2026-13-01"}, "「开始日期」填写不正确"),
            ({"summary": ""}, "请填写「内容摘要」"),
            ({"ends_on": "2026-10-01"}, "结束日期早于开始日期"),
        ):
            refused = await manager.post(path, data={**record, **change})
            assert refused.status_code == 400 and message in refused.text, refused.text[-600:]
            assert "提供虚假材料谋取中标" in refused.text or change.get("summary") == ""
        assert await CreditRecord.count().where(CreditRecord.subject == subject_id) == 0
        saved = await manager.post(path, data=record)
        assert saved.status_code == 303, saved.text
        page = (await manager.get(f"/library/subjects/{subject_id}")).text
        assert "行政处罚" in page and "有效" in page and raw_values(page) == []
        notices = (await supplier.get("/api/notices/")).json()
        assert any("新的信用记录：行政处罚" in n["subject"] for n in notices)
        record_id = (await CreditRecord.select(CreditRecord.id).where(
            CreditRecord.subject == subject_id
        ).first())["id"]  # fmt: skip
        lift = f"{path}/{record_id}/lift"
        assert (await manager.post(lift, data={"reason": " "})).status_code == 400
        assert (await manager.post(lift, data={"reason": "已完成信用修复"})).status_code == 303
        assert "已解除" in (await manager.get(f"/library/subjects/{subject_id}")).text
    finally:
        await manager.aclose()
        await supplier.aclose()
