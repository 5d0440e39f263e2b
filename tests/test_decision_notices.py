"""Every decision on a request tells whoever asked (seed 002 §6.5.1): in-app and by e-mail,
with every deficiency of a return; a decision that fails leaves no notice behind."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.notifications.tables import Notice, OutboxEmail
from tests.tenants.helpers import hq_people, main_client_as
from tests.tenants.test_applications import submitted_application


async def _notices(client) -> list[dict]:  # type: ignore[no-untyped-def]
    response = await client.get("/api/notices/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.asyncio
async def test_a_returned_application_tells_the_applicant_every_deficiency(app: Litestar) -> None:
    _, request_id, client, _ = await submitted_application(app)
    reviewer = await main_client_as(app, (await hq_people(app))["reviewer"])
    try:
        deficiencies = [
            {"item": "营业执照", "problem": "复印件不清晰"},
            {"item": "运营方案", "problem": "缺少安全保障措施"},
        ]
        before = await OutboxEmail.count().where(OutboxEmail.to_address == "applicant@example.cn")
        returned = await reviewer.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": "return", "deficiencies": deficiencies, "note": "请一并补正"},
        )
        assert returned.status_code == 200, returned.text
        [notice] = [n for n in await _notices(client) if "退回补正" in n["subject"]]
        assert "分平台设立申请" in notice["subject"]
        for d in deficiencies:
            assert f"{d['item']}：{d['problem']}" in notice["body"]
        assert "请一并补正" in notice["body"] and "returned" not in notice["body"]
        after = await OutboxEmail.count().where(OutboxEmail.to_address == "applicant@example.cn")
        assert after == before + 1
    finally:
        await reviewer.aclose()
        await client.aclose()


@pytest.mark.asyncio
async def test_a_refused_decision_writes_no_notice(app: Litestar) -> None:
    _, request_id, client, _ = await submitted_application(app)
    reviewer = await main_client_as(app, (await hq_people(app))["reviewer"])
    try:
        before = await Notice.count()
        empty_return = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "return"}
        )
        assert empty_return.status_code == 400
        assert await Notice.count() == before
        assert await _notices(client) == []
    finally:
        await reviewer.aclose()
        await client.aclose()
