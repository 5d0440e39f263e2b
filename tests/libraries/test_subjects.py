"""The supplier library: register once, review, key changes, credit and blacklist, search."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.libraries.subjects.tables import Subject
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, sign_in, unique_slug, with_csrf
from tests.libraries.helpers import (
    approve_subject,
    credit_code,
    decide_subject,
    library_manager,
    registered_supplier,
    registration,
)
from tests.portal.helpers import Site, close, new_site, published
from tests.tenants.helpers import PDF


@pytest_asyncio.fixture
async def sites(app: Litestar) -> AsyncIterator[tuple[Site, Site]]:
    a = await new_site(app, "甲库测试分平台")
    b = await new_site(app, "乙库测试分平台")
    yield a, b
    await close(a, b)


@pytest.mark.asyncio
async def test_register_through_a_and_take_part_on_b_with_the_same_account(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    body = registration(credit_code())
    created = await a.public.post("/api/library/suppliers", json=body)
    assert created.status_code == 201, created.text
    subject_id = created.json()["id"]
    row = await Subject.select(Subject.origin_tenant, Subject.state).where(Subject.id == subject_id)
    assert row == [{"origin_tenant": a.tenant.id, "state": "pending"}]

    on_b = client_for(app, f"{b.tenant.slug}.{BASE_DOMAIN}")
    try:
        # The credit code signs in too, on another tenant's site, with no second registration.
        assert (await sign_in(on_b, body["profile"]["credit_code"])).status_code == 200
        announcement_id = await published(b, title="乙方货物招标公告（供应商报名）")
        path = f"/api/announcements/{announcement_id}/participations"
        early = await on_b.post(path)
        assert early.status_code == 403 and "审核" in early.json()["error"]
        await approve_subject(app, subject_id)
        taken = await on_b.post(path)
        assert taken.status_code == 201, taken.text
        again = await on_b.post(path)
        assert again.json() == taken.json()  # once per supplier
        listed = await b.client.get(f"/api/console/announcements/{announcement_id}/participations")
        assert [p["credit_code"] for p in listed.json()] == [body["profile"]["credit_code"]]
        own = (await on_b.get("/api/library/me")).json()
        assert own["entry"]["state"] == "approved" and own["entry"]["origin_tenant"] == a.tenant.id
    finally:
        await on_b.aclose()


@pytest.mark.asyncio
async def test_fifty_concurrent_registrations_of_one_code_give_one_supplier(
    app: Litestar,
) -> None:
    code = credit_code()
    clients = [client_for(app, BASE_DOMAIN) for _ in range(50)]
    try:
        for client in clients:
            await client.get("/api/site")
            client.headers["x-csrftoken"] = client.cookies["__Host-csrftoken"]
        responses = await asyncio.gather(
            *(c.post("/api/library/suppliers", json=registration(code)) for c in clients)
        )
    finally:
        for client in clients:
            await client.aclose()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49, statuses
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"].startswith("该统一社会信用代码已注册")
    assert await Subject.count().where(Subject.credit_code == code) == 1


@pytest.mark.asyncio
async def test_concurrent_registrations_of_one_username_are_told_the_username_is_taken(
    app: Litestar,
) -> None:
    username = unique_slug("same-name")
    clients = [client_for(app, BASE_DOMAIN) for _ in range(10)]
    try:
        for client in clients:
            await with_csrf(client)
        responses = await asyncio.gather(
            *(
                c.post(
                    "/api/library/suppliers",
                    json={**registration(credit_code()), "username": username},
                )
                for c in clients
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    for response in responses:
        if response.status_code == 409:
            assert "username is taken" in response.json()["error"], response.text


async def imported_entry(code: str) -> int:
    """An entry as a bulk import leaves it: approved, with no account."""
    profile = registration(code)["profile"]
    rows = await Subject.insert(
        Subject(
            kind="supplier", state="approved", **{**profile, "name": "旧库导入的供应商有限公司"}
        )
    ).returning(Subject.id)
    return rows[0]["id"]


@pytest.mark.asyncio
async def test_an_imported_entry_is_claimed_by_registering_its_code_and_review(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    code = credit_code()
    subject_id = await imported_entry(code)
    body = registration(code, name="认领后的供应商有限公司")
    claimed = await a.public.post("/api/library/suppliers", json=body)
    assert claimed.status_code == 201 and claimed.json()["id"] == subject_id, claimed.text
    entry = await Subject.select().where(Subject.id == subject_id).first()
    assert entry["account"] is None and entry["name"] == "旧库导入的供应商有限公司"  # not yet
    second = await a.public.post("/api/library/suppliers", json=registration(code))
    assert second.status_code == 409  # one claim at a time
    await approve_subject(app, subject_id)
    client = client_for(app, f"{a.tenant.slug}.{BASE_DOMAIN}")
    try:
        assert (await sign_in(client, code)).status_code == 200  # by its credit code
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["id"] == subject_id
        assert own["entry"]["name"] == "认领后的供应商有限公司"
    finally:
        await client.aclose()
    again = await a.public.post("/api/library/suppliers", json=registration(code))
    assert again.status_code == 409 and again.json()["error"].startswith("该统一社会信用代码已注册")


@pytest.mark.asyncio
async def test_a_rejected_claim_closes_the_claimants_account_and_leaves_the_entry(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    code = credit_code()
    subject_id = await imported_entry(code)
    body = registration(code, name="冒领的供应商有限公司")
    assert (await a.public.post("/api/library/suppliers", json=body)).status_code == 201
    await decide_subject(app, subject_id, "reject")
    entry = await Subject.select().where(Subject.id == subject_id).first()
    assert entry["account"] is None and entry["name"] == "旧库导入的供应商有限公司"
    client = client_for(app, f"{a.tenant.slug}.{BASE_DOMAIN}")
    try:
        assert (await sign_in(client, body["username"])).status_code == 401
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_bad_registrations_are_refused_with_the_reason(sites: tuple[Site, Site]) -> None:
    a, _ = sites
    code = credit_code()
    corrupted = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    cases = {
        "credit_code": registration(corrupted),
        "region_code": registration(credit_code(), region_code="999999"),
        "contact_email": registration(credit_code(), contact_email="not-an-address"),
    }
    for field, body in cases.items():
        response = await a.public.post("/api/library/suppliers", json=body)
        assert response.status_code == 400, (field, response.text)
        assert field in response.text, (field, response.text)
    weak = {**registration(credit_code()), "password": "short"}
    assert (await a.public.post("/api/library/suppliers", json=weak)).status_code == 400
    assert await Subject.count().where(Subject.credit_code == corrupted) == 0


@pytest.mark.asyncio
async def test_a_key_change_waits_for_review_while_the_reviewed_values_stay(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    subject_id, body, client = await registered_supplier(app, a)
    try:
        changed = {**body["profile"], "name": "改名后的供应商有限公司", "address": "新地址 2 号"}
        response = await client.put("/api/library/me", json=changed)
        assert response.status_code == 200 and response.json()["sent_to_review"] == ["name"]
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["name"] == body["profile"]["name"]  # the reviewed name in force
        assert own["entry"]["address"] == "新地址 2 号"  # not a key field: at once
        assert own["pending_change"] == {"name": "改名后的供应商有限公司"}
        await approve_subject(app, subject_id)
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["name"] == "改名后的供应商有限公司" and own["pending_change"] == {}
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_a_rejected_key_change_leaves_the_reviewed_values_and_frees_the_next(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    subject_id, body, client = await registered_supplier(app, a)
    try:
        asked = {**body["profile"], "name": "被驳回的新名称有限公司"}
        assert (await client.put("/api/library/me", json=asked)).status_code == 200
        await decide_subject(app, subject_id, "reject")
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["name"] == body["profile"]["name"] and own["pending_change"] == {}
        assert own["entry"]["state"] == "approved"  # still takes part everywhere
        again = {**body["profile"], "name": "第二次申请的名称有限公司"}
        response = await client.put("/api/library/me", json=again)
        assert response.status_code == 200 and response.json()["sent_to_review"] == ["name"]
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_a_library_review_is_approved_or_rejected_never_returned(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    created = await a.public.post("/api/library/suppliers", json=registration(credit_code()))
    subject = f"subject:{created.json()['id']}"
    _, manager = await library_manager(app)
    try:
        queue = await manager.get("/api/approvals", params={"type": "subject_registration"})
        request_id = next(r["id"] for r in queue.json() if r["subject"] == subject)
        returned = await manager.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": "return", "deficiencies": [{"item": "执照", "problem": "模糊"}]},
        )
        # Returned, it would stay open with no way to resubmit, blocking the entry for good.
        assert returned.status_code == 400 and "not returned" in returned.json()["error"]
    finally:
        await manager.aclose()


@pytest.mark.asyncio
async def test_a_rejected_registration_is_mended_and_sent_again(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    body = registration(credit_code())
    created = await a.public.post("/api/library/suppliers", json=body)
    subject_id = created.json()["id"]
    await decide_subject(app, subject_id, "reject")
    client = client_for(app, f"{a.tenant.slug}.{BASE_DOMAIN}")
    try:
        assert (await sign_in(client, body["username"])).status_code == 200
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["state"] == "rejected"
        # A rejected entry was never in force: every field, key fields too, is mended at once
        # and the entry goes back to review.
        mended = {**body["profile"], "name": "补正后的供应商有限公司"}
        response = await client.put("/api/library/me", json=mended)
        assert response.status_code == 200, response.text
        assert response.json()["sent_to_review"] == ["registration"]
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["state"] == "pending" and own["pending_change"] == {}
        assert own["entry"]["name"] == "补正后的供应商有限公司"
        await approve_subject(app, subject_id)
        own = (await client.get("/api/library/me")).json()
        assert own["entry"]["state"] == "approved"
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_a_blacklisted_supplier_is_refused_everywhere_until_lifted(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    subject_id, body, on_a = await registered_supplier(app, a)
    on_b = client_for(app, f"{b.tenant.slug}.{BASE_DOMAIN}")
    _, manager = await library_manager(app)
    try:
        assert (await sign_in(on_b, body["username"])).status_code == 200
        in_a = await published(a, title="甲方黑名单测试招标公告")
        in_b = await published(b, title="乙方黑名单测试招标公告")
        listed = await manager.post(
            f"/api/library/subjects/{subject_id}/credit-records",
            json={
                "kind": "blacklist",
                "source": "山东省财政厅",
                "legal_basis": "《政府采购法》第七十七条",
                "authority": "山东省财政厅",
                "summary": "提供虚假材料谋取中标",
                "starts_on": dt.date.today().isoformat(),
                "ends_on": (dt.date.today() + dt.timedelta(days=365)).isoformat(),
            },
        )
        assert listed.status_code == 201, listed.text
        for client, announcement_id in ((on_a, in_a), (on_b, in_b)):
            refused = await client.post(f"/api/announcements/{announcement_id}/participations")
            assert refused.status_code == 403 and "黑名单" in refused.json()["error"]
        notices = await manager.get("/api/credit/notices")
        assert body["profile"]["credit_code"] in notices.text
        lifted = await manager.post(
            f"/api/credit/records/{listed.json()['id']}/lift", json={"reason": "信用修复完成"}
        )
        assert lifted.status_code == 204
        for client, announcement_id in ((on_a, in_a), (on_b, in_b)):
            taken = await client.post(f"/api/announcements/{announcement_id}/participations")
            assert taken.status_code == 201, taken.text
    finally:
        for client in (on_a, on_b, manager):
            await client.aclose()


@pytest.mark.asyncio
async def test_search_and_private_notes(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, b = sites
    subject_id, body, supplier = await registered_supplier(app, a)
    try:
        files = {"file": ("许可证.pdf", PDF, "application/pdf")}
        added = await supplier.post(
            "/api/library/me/qualifications",
            data={
                "name": "安全生产许可证",
                "number": "(鲁)JZ安许证字[2026]0001",
                "valid_until": "2030-01-01",
            },
            files=files,
        )
        assert added.status_code == 201, added.text
        expired = await supplier.post(
            "/api/library/me/qualifications",
            data={"name": "旧证", "number": "1", "valid_until": "2001-01-01"},
        )
        assert expired.status_code == 400
    finally:
        await supplier.aclose()
    code, name = body["profile"]["credit_code"], body["profile"]["name"]
    found = await b.client.get(f"/api/library/subjects/by-credit-code/{code}")
    assert found.status_code == 200 and found.json()["id"] == subject_id
    for params in (
        {"name": name[:10]},
        {"region": "370100", "name": name[:10]},
        {"qualification": "安全生产许可证", "name": name[:10]},
    ):
        page = await b.client.get("/api/library/subjects", params=params)
        assert subject_id in [s["id"] for s in page.json()["items"]], params
    elsewhere = await b.client.get(
        "/api/library/subjects", params={"region": "370200", "name": name[:10]}
    )
    assert subject_id not in [s["id"] for s in elsewhere.json()["items"]]

    note = {"note": "甲方内部：交货及时", "rating": 5}
    assert (
        await a.client.put(f"/api/library/subjects/{subject_id}/note", json=note)
    ).status_code == 204
    own = (await a.client.get(f"/api/library/subjects/{subject_id}")).json()
    assert own["note"] == note
    other = await b.client.get(f"/api/library/subjects/{subject_id}")
    assert other.json()["note"] is None and "交货及时" not in other.text
    bad = await a.client.put(f"/api/library/subjects/{subject_id}/note", json={"rating": 9})
    assert bad.status_code == 400
    assert (await a.public.get("/api/library/subjects")).status_code in (401, 403)


@pytest.mark.asyncio
async def test_register_by_the_form_and_see_credit_notices_on_the_main_portal(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    page = await a.public.get("/suppliers")
    assert page.status_code == 200 and 'name="credit_code"' in page.text
    body = registration(credit_code())
    form = {"kind": "agency", "username": body["username"], "password": PASSWORD, **body["profile"]}
    refused = await a.public.post("/suppliers", data={**form, "credit_code": "91370100ABCDEFGH12"})
    assert refused.status_code == 400 and "统一社会信用代码" in refused.text
    assert 'value="山东测试供应商' in refused.text  # what was typed stays
    done = await a.public.post("/suppliers", data=form)
    assert done.status_code == 201 and "等待服务平台审核" in done.text
    row = await Subject.select(Subject.kind, Subject.origin_tenant).where(
        Subject.credit_code == body["profile"]["credit_code"]
    )
    assert row == [{"kind": "agency", "origin_tenant": a.tenant.id}]

    _, manager = await library_manager(app)
    try:
        subject_id = (
            await manager.get(
                f"/api/library/subjects/by-credit-code/{body['profile']['credit_code']}"
            )
        ).json()["id"]
        async with client_for(app, BASE_DOMAIN) as main:
            before = await main.get("/credit-notices")
            assert before.status_code == 200 and body["profile"]["name"] not in before.text
            await manager.post(
                f"/api/library/subjects/{subject_id}/credit-records",
                json={
                    "kind": "penalty",
                    "source": "济南市财政局",
                    "legal_basis": "《政府采购法实施条例》第七十二条",
                    "authority": "济南市财政局",
                    "summary": "未按规定签订合同",
                    "starts_on": dt.date.today().isoformat(),
                },
            )
            after = await main.get("/credit-notices")
            assert body["profile"]["name"] in after.text and "济南市财政局" in after.text
        assert (await a.public.get("/credit-notices")).status_code == 404
    finally:
        await manager.aclose()
