"""Apply → returned with two deficiencies → resubmit → approve → the operator sets its
password and signs in on its sub-domain → warning → revocation → suspension → reinstatement."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import Tenant
from tests.conftest import BASE_DOMAIN, client_for, sign_in, with_csrf
from tests.tenants.helpers import (
    CITY_ITEMS,
    PDF,
    applicant,
    application_form,
    hq_people,
    invitation_token,
    main_client_as,
    upload,
)

NEW_PASSWORD = "Operat0r-Pass"


@pytest.mark.asyncio
async def test_the_whole_lifecycle(app: Litestar) -> None:
    hq = await hq_people(app)
    _, apply = await applicant(app)
    reviewer = await main_client_as(app, hq["reviewer"])
    supervisor = await main_client_as(app, hq["supervisor"])
    admin = await main_client_as(app, hq["admin"])
    form = application_form()
    slug = form["requested_slug"]
    try:
        # Apply: every missing item is listed at once.
        created = await apply.post("/api/applications", json=form)
        assert created.status_code == 201, created.text
        application_id = created.json()["id"]
        for item in CITY_ITEMS[:3]:
            assert (await upload(apply, application_id, item)).status_code == 204
        refused = await apply.post(f"/api/applications/{application_id}/submit")
        assert refused.status_code == 400
        assert refused.json()["detail"]["missing"] == ["premises", "audit"]
        for item in CITY_ITEMS[3:]:
            assert (await upload(apply, application_id, item)).status_code == 204
        submitted = await apply.post(f"/api/applications/{application_id}/submit")
        assert submitted.status_code == 200, submitted.text
        request_id = submitted.json()["id"]

        # Review: the reviewer sees the materials, returns with two deficiencies at once.
        queue = (await reviewer.get("/api/approvals/?type=application")).json()
        assert request_id in [r["id"] for r in queue]
        detail = (await reviewer.get(f"/api/approvals/{request_id}")).json()
        assert {m["item"] for m in detail["materials"]} == set(CITY_ITEMS)
        deficiencies = [
            {"item": "agreement", "problem": "协议未盖章 / not sealed"},
            {"item": "audit", "problem": "缺 2024 年审计报告 / 2024 audit missing"},
        ]
        returned = await reviewer.post(
            f"/api/approvals/{request_id}/decision",
            json={"decision": "return", "deficiencies": deficiencies},
        )
        assert returned.json() == {"state": "returned"}
        mine = (await apply.get(f"/api/applications/{application_id}")).json()
        assert mine["state"] == "returned" and mine["deficiencies"] == deficiencies

        # Resubmit after mending, then approve: the tenant is provisioned.
        assert (await upload(apply, application_id, "agreement")).status_code == 204
        assert (await apply.post(f"/api/applications/{application_id}/submit")).status_code == 200
        approved = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert approved.json() == {"state": "approved"}
        tenant_id = (await apply.get(f"/api/applications/{application_id}")).json()["tenant_id"]
        assert tenant_id is not None

        # The operator sets its password on its sub-domain, signs in, confirms its unit.
        operator_id = (
            await Tenant.select(Tenant.operator_account).where(Tenant.id == tenant_id).first()
        )
        token = await invitation_token(operator_id["operator_account"])
        async with client_for(app, f"{slug}.{BASE_DOMAIN}") as operator:
            await with_csrf(operator)
            accepted = await operator.post(
                f"/api/operator/invitations/{token}", json={"password": NEW_PASSWORD}
            )
            assert accepted.json() == {"username": f"{slug}-admin"}
            again = await operator.post(
                f"/api/operator/invitations/{token}", json={"password": NEW_PASSWORD}
            )
            assert again.status_code == 404  # single use
            assert (await sign_in(operator, f"{slug}-admin", NEW_PASSWORD)).status_code == 200
            assert (await operator.get("/api/staff/")).status_code == 403  # not confirmed yet
            assert (await operator.post("/api/operator/confirm")).status_code == 204
            assert (await operator.get("/api/staff/")).status_code == 200

            # Warning: recorded, notified, shown on the tenant console.
            evidence = {"evidence": ("evidence.pdf", PDF, "application/pdf")}
            warned = await supervisor.post(
                f"/api/tenants/{tenant_id}/penalties",
                data={"kind": "warning", "grounds": "2,5", "statement": "运营不规范"},
                files=evidence,
            )
            assert warned.status_code == 201, warned.text
            history = (await operator.get("/api/operator/penalties")).json()
            assert [(p["kind"], p["grounds"]) for p in history] == [("warning", [2, 5])]
            assert any(
                "运营不规范" in n["body"] for n in (await operator.get("/api/notices/")).json()
            )

            # Revocation: the admin can no longer manage staff.
            revoked = await supervisor.post(
                f"/api/tenants/{tenant_id}/penalties",
                data={"kind": "revocation", "grounds": "3", "statement": "随意发布信息"},
                files=evidence,
            )
            assert revoked.status_code == 201
            assert (await operator.get("/api/staff/")).status_code == 403

            # Suspension: sessions end, actions are refused with the reason, the notice shows.
            suspended = await supervisor.post(
                f"/api/tenants/{tenant_id}/penalties",
                data={"kind": "suspension", "grounds": "1,4", "statement": "中止使用"},
                files=evidence,
            )
            assert suspended.status_code == 201
            assert (await operator.get("/api/auth/me")).status_code == 401
            assert (await sign_in(operator, f"{slug}-admin", NEW_PASSWORD)).status_code == 200
            refused = await operator.get("/api/operator/penalties")
            assert refused.status_code == 403 and "suspended" in refused.text
            home = await operator.get("/")
            assert home.status_code == 200 and "中止" in home.text

            # Reinstatement by hq_admin: management rights back; still warned (not lifted).
            reinstated = await admin.post(
                f"/api/tenants/{tenant_id}/reinstatement", json={"statement": "整改完成 / remedied"}
            )
            assert reinstated.status_code == 201, reinstated.text
            TENANT_CACHE.clear()
            assert (await operator.get("/api/staff/")).status_code == 200
            detail = (await admin.get(f"/api/tenants/{tenant_id}")).json()
            assert detail["tenant"]["state"] == "warned"
            assert [p["kind"] for p in detail["penalties"]] == [
                "warning",
                "revocation",
                "suspension",
                "reinstatement",
            ]
    finally:
        for client in (apply, reviewer, supervisor, admin):
            await client.aclose()
