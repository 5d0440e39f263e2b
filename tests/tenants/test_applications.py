"""Applications and their review: bad input refused with nothing stored, idempotent and
atomic provisioning."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from litestar import Litestar

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest
from core.audit.chain import RequestContext
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.tables import Account
from core.tenancy.tables import Tenant
from tenants import provisioning
from tenants.materials import MAX_MATERIAL_BYTES
from tenants.tables import Application, Material
from tests.tenants.helpers import (
    CITY_ITEMS,
    JPEG,
    PDF,
    PNG,
    applicant,
    application_form,
    hq_people,
    main_client_as,
    ofd,
    upload,
)


async def submitted_application(app: Litestar) -> tuple[int, int, httpx.AsyncClient, str]:
    _, client = await applicant(app)
    form = application_form()
    application_id = (await client.post("/api/applications", json=form)).json()["id"]
    for item in CITY_ITEMS:
        assert (await upload(client, application_id, item)).status_code == 204
    request_id = (await client.post(f"/api/applications/{application_id}/submit")).json()["id"]
    return application_id, request_id, client, form["requested_slug"]


@pytest.mark.asyncio
async def test_bad_fields_are_refused_with_the_reason(app: Litestar) -> None:
    _, client = await applicant(app)
    try:
        cases = [
            ({"credit_code": "91330100716105852A"}, "credit_code"),  # wrong check character
            ({"requested_slug": "www"}, "slug"),  # reserved
            ({"requested_slug": "Bad_Slug"}, "slug"),
            ({"region_code": "999999"}, "region_code"),
        ]
        for change, field in cases:
            response = await client.post("/api/applications", json={**application_form(), **change})
            assert response.status_code == 400, change
            assert response.json()["detail"]["field"] == field
        assert (await client.get("/api/applications")).json() == []
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_a_sub_domain_in_use_is_refused(app: Litestar, tenant_a: object) -> None:
    _, client = await applicant(app)
    try:
        form = {**application_form(), "requested_slug": tenant_a.slug}  # type: ignore[attr-defined]
        response = await client.post("/api/applications", json=form)
        assert response.status_code == 400 and "taken" in response.json()["error"]
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_files_are_checked_by_content_and_nothing_is_stored_when_refused(
    app: Litestar,
) -> None:
    _, client = await applicant(app)
    try:
        application_id = (await client.post("/api/applications", json=application_form())).json()[
            "id"
        ]
        good = [("a.pdf", PDF), ("a.png", PNG), ("a.jpg", JPEG), ("a.ofd", ofd())]
        for name, data in good:
            assert (
                await upload(client, application_id, "application", name, data)
            ).status_code == 204, name
        bad = [
            ("evil.pdf", b"<html><script>alert(1)</script>"),  # not what it says
            ("photo.png", JPEG),
            ("doc.ofd", b"PK\x03\x04not really a zip"),
            ("big.pdf", PDF + b"0" * MAX_MATERIAL_BYTES),
            ("script.exe", PDF),
            ("empty.pdf", b""),
        ]
        for name, data in bad:
            response = await upload(client, application_id, "licence", name, data)
            assert response.status_code in (400, 413), name
        unknown = await upload(client, application_id, "not-an-item")
        assert unknown.status_code == 400
        items = (
            await Material.select(Material.item)
            .where(Material.application == application_id)
            .output(as_list=True)
        )
        assert items == ["application"]  # one row, the last good upload
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_twenty_concurrent_approvals_give_one_tenant(app: Litestar) -> None:
    _, request_id, client, slug = await submitted_application(app)
    reviewer = (await hq_people(app))["reviewer"]
    await client.aclose()
    results = await asyncio.gather(
        *(
            approvals.decide(app.state.authorizer, reviewer, request_id, approvals.Decision.approve)
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert all(r == "approved" for r in results), results
    assert await Tenant.count().where(Tenant.slug == slug) == 1
    assert await Account.count().where(Account.username == f"{slug}-admin") == 1


@pytest.mark.asyncio
async def test_a_failure_during_provisioning_leaves_nothing(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    application_id, request_id, client, slug = await submitted_application(app)
    reviewer = (await hq_people(app))["reviewer"]
    await client.aclose()

    async def crash(*_: object) -> None:
        raise RuntimeError("injected between provisioning steps")

    monkeypatch.setattr(provisioning, "invite", crash)  # after tenant, account and policies
    with pytest.raises(RuntimeError, match="injected"):
        await approvals.decide(
            app.state.authorizer, reviewer, request_id, approvals.Decision.approve
        )
    assert not await Tenant.exists().where(Tenant.slug == slug)
    assert not await Account.exists().where(Account.username == f"{slug}-admin")
    request = (
        await ApprovalRequest.select(ApprovalRequest.state)
        .where(ApprovalRequest.id == request_id)
        .first()
    )
    assert request == {"state": "submitted"}
    monkeypatch.undo()
    # Retrying after the crash provisions exactly once.
    state = await approvals.decide(
        app.state.authorizer, reviewer, request_id, approvals.Decision.approve
    )
    assert state == "approved" and await Tenant.count().where(Tenant.slug == slug) == 1
    assert (
        await Application.select(Application.tenant_id)
        .where(Application.id == application_id)
        .first()
    )["tenant_id"] is not None


@pytest.mark.asyncio
async def test_decisions_are_checked(app: Litestar) -> None:
    application_id, request_id, client, _ = await submitted_application(app)
    hq = await hq_people(app)
    supervisor = await main_client_as(app, hq["supervisor"])
    reviewer = await main_client_as(app, hq["reviewer"])
    try:
        no_list = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "return", "deficiencies": []}
        )
        assert no_list.status_code == 400
        not_theirs = await supervisor.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert not_theirs.status_code == 403
        assert (
            await client.post(f"/api/approvals/{request_id}/decision", json={"decision": "approve"})
        ).status_code == 403
        rejected = await reviewer.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": "reject", "note": "不符合条件"},
        )
        assert rejected.json() == {"state": "rejected"}
        again = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert again.status_code == 400
        edit = await client.put(f"/api/applications/{application_id}", json=application_form())
        assert edit.status_code == 400
    finally:
        for c in (client, supervisor, reviewer):
            await c.aclose()


@pytest.mark.asyncio
async def test_nobody_decides_their_own_request(app: Litestar) -> None:
    reviewer = (await hq_people(app))["reviewer"]
    async with write_transaction():
        request_id = await approvals.submit(
            type="application",
            subject="application:0",
            submitter=reviewer,
            context=RequestContext(),
        )
    with pytest.raises(DomainError, match="own request"):
        await approvals.decide(
            app.state.authorizer, reviewer, request_id, approvals.Decision.approve
        )
