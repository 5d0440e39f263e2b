"""Ops access (运维访问, seed 002 §8.2.3): asked with a reason, approved by someone else,
time-boxed, one tenant only, every read in the audit chain under its grant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar

from core.approvals.tables import ApprovalRequest
from core.audit.tables import AuditEntry
from core.authz.adapter import PiccoloAdapter
from core.authz.model import HQ, subject
from core.authz.policies import grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.ops_access.tables import OpsAccessGrant
from core.tenancy.registry import TenantRef
from tests.conftest import new_account
from tests.tenants.helpers import hq_people, main_client_as
from tests.test_console_pages import raw_values


@dataclass
class Cast:
    admin: Principal
    ops: Principal
    admin_client: httpx.AsyncClient
    ops_client: httpx.AsyncClient
    staff_a: Principal
    staff_b: Principal

    async def aclose(self) -> None:
        await self.admin_client.aclose()
        await self.ops_client.aclose()


async def cast(app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef) -> Cast:
    people = await hq_people(app)
    admin = people["admin"]
    ops = await new_account(AccountKind.hq_staff)
    await grant_role(app.state.authorizer, admin, account_id=ops.account_id, role="hq_ops")
    staff_a = await new_account(AccountKind.tenant_staff, tenant_a)
    await grant_role(
        app.state.authorizer,
        admin,
        account_id=staff_a.account_id,
        role="tenant_admin",
        tenant_id=tenant_a.id,
    )
    staff_b = await new_account(AccountKind.tenant_staff, tenant_b)
    return Cast(
        admin,
        ops,
        await main_client_as(app, admin),
        await main_client_as(app, ops),
        staff_a,
        staff_b,
    )


async def ask(client: httpx.AsyncClient, tenant: TenantRef, hours: int = 2) -> dict:
    asked = await client.post(
        "/api/ops-access/grants",
        json={"tenant_id": tenant.id, "hours": hours, "reason": "排查该分平台账号无法登录的问题"},
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["state"] == "pending"
    return asked.json()


async def approve(people: Cast, grant: dict) -> None:
    decided = await people.admin_client.post(
        f"/api/approvals/{grant['request_id']}/decision", json={"decision": "approve"}
    )
    assert decided.status_code == 200, decided.text


async def entries_of(ops: Principal, after_seq: int) -> list[dict]:
    return (
        await AuditEntry.select(
            AuditEntry.action, AuditEntry.object, AuditEntry.outcome, AuditEntry.tenant_id
        )
        .where((AuditEntry.actor_id == ops.account_id) & (AuditEntry.seq > after_seq))
        .order_by(AuditEntry.seq)
    )


async def head_seq() -> int:
    last = await AuditEntry.select(AuditEntry.seq).order_by(AuditEntry.seq, ascending=False).first()
    return last["seq"] if last else 0


@pytest.mark.asyncio
async def test_denied_before_approval_allowed_while_granted_and_every_read_audited(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        grant = await ask(people.ops_client, tenant_a)
        start = await head_seq()
        early = await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        assert early.status_code == 403 and "运维访问授权" in early.json()["error"]
        assert await entries_of(people.ops, start) == [
            {
                "action": "ops_access.read",
                "object": f"tenant:{tenant_a.id}",
                "outcome": "denied",
                "tenant_id": tenant_a.id,
            }
        ]

        await approve(people, grant)
        start = await head_seq()
        staff = await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        assert staff.status_code == 200, staff.text
        seen = staff.json()
        assert seen["grant_id"] == grant["id"]
        members = {m["username"]: m for m in seen["members"]}
        assert members[people.staff_a.username]["roles"] == ["tenant_admin"]
        assert people.staff_b.username not in members
        audit = await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/audit")
        assert audit.status_code == 200, audit.text
        seqs = [e["seq"] for e in audit.json()["entries"]]
        assert seqs, "the tenant's own entries (the role grant, the reads) are shown"
        tenants_of_shown = await AuditEntry.select(AuditEntry.tenant_id).where(
            AuditEntry.seq.is_in(seqs)
        )
        assert {r["tenant_id"] for r in tenants_of_shown} == {tenant_a.id}
        tagged = {"object": f"ops_access:{grant['id']}", "outcome": "success"}
        assert await entries_of(people.ops, start) == [
            {"action": "ops_access.read.staff", **tagged, "tenant_id": tenant_a.id},
            {"action": "ops_access.read.audit", **tagged, "tenant_id": tenant_a.id},
        ]

        page = await people.ops_client.get("/admin/ops-access/")
        assert page.status_code == 200 and "已批准" in page.text
        assert f"/admin/ops-access/tenants/{tenant_a.id}/staff" in page.text
        staff_page = await people.ops_client.get(f"/admin/ops-access/tenants/{tenant_a.id}/staff")
        assert staff_page.status_code == 200
        assert people.staff_a.username in staff_page.text and "分平台管理员" in staff_page.text
        assert f"#{grant['id']}" in staff_page.text
        audit_page = await people.ops_client.get(f"/admin/ops-access/tenants/{tenant_a.id}/audit")
        assert audit_page.status_code == 200 and "运维访问 · 查看 · 工作人员名单" in audit_page.text
        assert (await entries_of(people.ops, start))[-2:] == [
            {"action": "ops_access.read.staff", **tagged, "tenant_id": tenant_a.id},
            {"action": "ops_access.read.audit", **tagged, "tenant_id": tenant_a.id},
        ]
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_denied_after_expiry_and_shown_as_expired(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        grant = await ask(people.ops_client, tenant_a, hours=1)
        await approve(people, grant)
        row = await OpsAccessGrant.select().where(OpsAccessGrant.id == grant["id"]).first()
        assert row["expires_at"] - row["approved_at"] == dt.timedelta(hours=1)
        path = f"/api/ops-access/tenants/{tenant_a.id}/staff"
        assert (await people.ops_client.get(path)).status_code == 200
        # The clock moves past the window (as the other tests move a deadline): the stored
        # expiry is set a second behind now; nothing else runs in between.
        await OpsAccessGrant.update(
            {OpsAccessGrant.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
        ).where(OpsAccessGrant.id == grant["id"])
        assert (await people.ops_client.get(path)).status_code == 403
        page = await people.ops_client.get(f"/admin/ops-access/tenants/{tenant_a.id}/audit")
        assert page.status_code == 403
        own = (await people.ops_client.get("/api/ops-access/grants")).json()
        assert [g["state"] for g in own if g["id"] == grant["id"]] == ["expired"]
        listing = await people.ops_client.get("/admin/ops-access/")
        assert "已过期" in listing.text
        assert f"/admin/ops-access/tenants/{tenant_a.id}/staff" not in listing.text
        late = await people.admin_client.post(f"/api/ops-access/grants/{grant['id']}/revocation")
        assert late.status_code == 409  # nothing left to revoke
        # Asked again, it waits for a decision again.
        assert (await ask(people.ops_client, tenant_a))["state"] == "pending"
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_a_grant_opens_its_own_tenant_for_its_own_requester_only(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    other_ops = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, people.admin, account_id=other_ops.account_id, role="hq_ops"
    )
    other_client = await main_client_as(app, other_ops)
    try:
        await approve(people, await ask(people.ops_client, tenant_a))
        assert (
            await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        ).status_code == 200
        for path in (
            f"/api/ops-access/tenants/{tenant_b.id}/staff",
            f"/api/ops-access/tenants/{tenant_b.id}/audit",
            f"/admin/ops-access/tenants/{tenant_b.id}/staff",
        ):
            refused = await people.ops_client.get(path)
            assert refused.status_code == 403, path
            assert people.staff_b.username not in refused.text
            assert tenant_b.name not in refused.text and tenant_b.slug not in refused.text
        # Another ops person's grant for A is not theirs, and a tenant that does not exist
        # is answered exactly as one they hold no grant for.
        theirs = await other_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        nowhere = await other_client.get("/api/ops-access/tenants/2000000000/staff")
        assert theirs.status_code == nowhere.status_code == 403
        assert theirs.json()["error"] == nowhere.json()["error"]
        assert people.staff_a.username not in theirs.text
        assert (await other_client.get("/api/ops-access/grants")).json() == []
        # Nor does anyone without hq_ops read under it, an administrator included.
        by_admin = await people.admin_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        assert by_admin.status_code == 403
    finally:
        await other_client.aclose()
        await people.aclose()


@pytest.mark.asyncio
async def test_the_requester_cannot_approve_its_own_request(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        grant = await ask(people.ops_client, tenant_a)
        own = await people.ops_client.post(
            f"/api/approvals/{grant['request_id']}/decision", json={"decision": "approve"}
        )
        assert own.status_code == 403
        assert (await people.ops_client.get("/admin/ops-access/review/")).status_code == 403
        # Even holding the deciding role as well (which role assignment never allows: hq_ops
        # and hq_admin exclude each other), nobody decides their own request.
        both = [subject(people.ops.account_id), "hq_admin", HQ]
        await PiccoloAdapter().add_policy("g", "g", both)
        await app.state.authorizer.changed(HQ)
        try:
            refused = await people.ops_client.post(
                f"/api/approvals/{grant['request_id']}/decision", json={"decision": "approve"}
            )
            assert refused.status_code == 403 and "自己" in refused.json()["error"]
        finally:
            await PiccoloAdapter().remove_policy("g", "g", both)
            await app.state.authorizer.changed(HQ)
        state = await ApprovalRequest.select(ApprovalRequest.state).where(
            ApprovalRequest.id == grant["request_id"]
        )
        assert state == [{"state": "submitted"}]
        assert (
            await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        ).status_code == 403
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_bad_duration_or_empty_reason_is_refused_in_words_and_writes_nothing(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        before = (
            await OpsAccessGrant.count(),
            await ApprovalRequest.count(),
            await head_seq(),
        )
        for body, field, words in (
            ({"tenant_id": tenant_a.id, "hours": 0, "reason": "排查问题"}, "hours", "1 至 8 小时"),
            ({"tenant_id": tenant_a.id, "hours": 9, "reason": "排查问题"}, "hours", "1 至 8 小时"),
            ({"tenant_id": tenant_a.id, "hours": 2, "reason": "   "}, "reason", "访问理由"),
            ({"tenant_id": tenant_a.id, "hours": 2, "reason": "长" * 1001}, "reason", "1000 字"),
        ):
            refused = await people.ops_client.post("/api/ops-access/grants", json=body)
            assert refused.status_code == 400, (body, refused.text)
            assert refused.json()["detail"] == {"field": field}
            assert words in refused.json()["error"]
        for form, words in (
            ({"tenant_id": str(tenant_a.id), "hours": "abc", "reason": "排查"}, "1 至 8 小时"),
            ({"tenant_id": str(tenant_a.id), "hours": "3", "reason": ""}, "请写明访问理由"),
            ({"tenant_id": "0", "hours": "3", "reason": "排查"}, "分平台不存在"),
        ):
            page = await people.ops_client.post("/admin/ops-access/", data=form)
            assert page.status_code == 400 and words in page.text, page.text[-2000:]
        no_tenant = await people.ops_client.post(
            "/api/ops-access/grants", json={"tenant_id": 2000000000, "hours": 2, "reason": "排查"}
        )
        assert no_tenant.status_code == 404
        after = (await OpsAccessGrant.count(), await ApprovalRequest.count(), await head_seq())
        assert after == before
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_pages_ask_decide_and_revoke_early(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        asked = await people.ops_client.post(
            "/admin/ops-access/",
            data={"tenant_id": str(tenant_a.id), "hours": "4", "reason": "核对分平台管理员配置"},
        )
        assert asked.status_code == 303, asked.text
        again = await people.ops_client.post(
            "/admin/ops-access/",
            data={"tenant_id": str(tenant_a.id), "hours": "4", "reason": "再次申请"},
        )
        assert again.status_code == 400 and "已有待处理的申请" in again.text
        listing = await people.ops_client.get("/admin/ops-access/")
        assert "待审批" in listing.text and "核对分平台管理员配置" in listing.text
        grant = (await people.ops_client.get("/api/ops-access/grants")).json()[0]

        queue = await people.admin_client.get("/admin/ops-access/review/")
        assert queue.status_code == 200 and "核对分平台管理员配置" in queue.text
        action = f"/admin/ops-access/review/{grant['request_id']}/decision"
        assert f'action="{action}"' in queue.text
        unreasoned = await people.admin_client.post(action, data={"decision": "reject"})
        assert unreasoned.status_code == 400  # a rejection says why
        decided = await people.admin_client.post(action, data={"decision": "approve"})
        assert decided.status_code == 303, decided.text
        assert "已批准" in (await people.ops_client.get("/admin/ops-access/")).text
        staff = f"/api/ops-access/tenants/{tenant_a.id}/staff"
        assert (await people.ops_client.get(staff)).status_code == 200

        revocation = f"/admin/ops-access/review/grants/{grant['id']}/revocation"
        assert (await people.ops_client.post(revocation)).status_code == 403
        start = await head_seq()
        revoked = await people.admin_client.post(revocation)
        assert revoked.status_code == 303, revoked.text
        assert (await people.ops_client.get(staff)).status_code == 403
        assert "已撤销" in (await people.ops_client.get("/admin/ops-access/")).text
        entries = await AuditEntry.select(AuditEntry.action, AuditEntry.actor_id).where(
            (AuditEntry.seq > start) & (AuditEntry.object == f"ops_access:{grant['id']}")
        )
        assert entries == [{"action": "ops_access.revoke", "actor_id": people.admin.account_id}]
        twice = await people.admin_client.post(f"/api/ops-access/grants/{grant['id']}/revocation")
        assert twice.status_code == 409
        missing = await people.admin_client.post("/api/ops-access/grants/2000000000/revocation")
        assert missing.status_code == 404
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_a_rejected_request_opens_nothing(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    people = await cast(app, tenant_a, tenant_b)
    try:
        grant = await ask(people.ops_client, tenant_a)
        rejected = await people.admin_client.post(
            f"/api/approvals/{grant['request_id']}/decision",
            json={"decision": "reject", "note": "理由不充分"},
        )
        assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
        assert (
            await people.ops_client.get(f"/api/ops-access/tenants/{tenant_a.id}/staff")
        ).status_code == 403
        assert "已驳回" in (await people.ops_client.get("/admin/ops-access/")).text
        every = (await people.admin_client.get("/api/ops-access/grants/all")).json()
        assert [g["state"] for g in every if g["id"] == grant["id"]] == ["rejected"]
        assert (await people.ops_client.get("/api/ops-access/grants/all")).status_code == 403
    finally:
        await people.aclose()


@pytest.mark.asyncio
async def test_every_ops_access_operation_is_in_the_schema(
    main_client: httpx.AsyncClient,
) -> None:
    schema = (await main_client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"] for methods in schema["paths"].values() for op in methods.values()
    }
    assert {
        "requestOpsAccess",
        "listOwnOpsAccess",
        "listOpsAccessGrants",
        "revokeOpsAccess",
        "readTenantStaffUnderOpsAccess",
        "readTenantAuditUnderOpsAccess",
    } <= operations


@pytest.mark.asyncio
async def test_the_pages_show_no_raw_value(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    """The crawl of the demo finds no grant to follow: the pages under one are checked here."""
    people = await cast(app, tenant_a, tenant_b)
    try:
        await approve(people, await ask(people.ops_client, tenant_a))
        await ask(people.ops_client, tenant_b)  # one waiting too
        for client, path in (
            (people.ops_client, "/admin/ops-access/"),
            (people.ops_client, f"/admin/ops-access/tenants/{tenant_a.id}/staff"),
            (people.ops_client, f"/admin/ops-access/tenants/{tenant_a.id}/audit"),
            (people.admin_client, "/admin/ops-access/review/"),
            (people.admin_client, "/workbench"),
            (people.ops_client, "/workbench"),
        ):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert raw_values(page.text) == [], path
        admin_work = (await people.admin_client.get("/workbench")).text
        assert "待审批的运维访问申请" in admin_work and tenant_b.name in admin_work
        ops_work = (await people.ops_client.get("/workbench")).text
        assert "我的运维访问" in ops_work and "已批准" in ops_work and "待审批" in ops_work
    finally:
        await people.aclose()
