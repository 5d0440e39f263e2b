"""PostgreSQL restarted under load: every request succeeds or fails with a clean 503, the pool
recovers by itself, and no object is left half-written (a tenant without its policies, an
announcement without its audit entry, an account without its e-mail); the audit chain holds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from tests.faults.conftest import (
    REAL_SERVICES,
    draft,
    query,
    signed_in,
    tenant_host,
    visitor,
)
from tests.faults.rig import HOST, PASSWORD, Rig
from tests.faults.seed import Seeded

pytestmark = REAL_SERVICES
DOWN_S = 2.0  # between stop and start: long enough for the load to meet the outage
SUCCESSES_AFTER = 3  # each worker's, after the restart: the pool has recovered
LOAD_TIMEOUT_S = 90.0  # bounds a pool that never recovers


@dataclass
class Load:
    restarted: asyncio.Event = field(default_factory=asyncio.Event)
    answers: list[tuple[str, int, str]] = field(default_factory=list)

    def note(self, what: str, response: httpx.Response) -> bool:
        self.answers.append((what, response.status_code, response.text[:300]))
        return response.is_success

    async def until_recovered(self, step: Callable[[], Awaitable[bool]]) -> None:
        """Repeat ``step`` until it has succeeded a few times after the restart."""
        after = 0
        while after < SUCCESSES_AFTER:
            ok = await step()
            after += int(ok and self.restarted.is_set())
            await asyncio.sleep(0.05)


@pytest.mark.asyncio
async def test_postgres_restarted_under_load(
    faults: Rig, seeded: Seeded, clients: list[httpx.AsyncClient]
) -> None:
    host = tenant_host(seeded)
    staff = await signed_in(faults, clients, host, "jinan-admin")
    reviewer = await signed_in(faults, clients, HOST, "reviewer")
    portal, main = await visitor(faults, clients, host), await visitor(faults, clients, HOST)
    load = Load()
    published: list[int] = []
    registered: list[str] = []
    counter = iter(range(10_000, 20_000))

    async def publish() -> bool:
        created = await staff.post("/api/console/announcements", json=draft(next(counter)))
        if not load.note("create", created):
            return False
        announcement_id = created.json()["id"]
        done = await staff.post(f"/api/console/announcements/{announcement_id}/publish")
        if load.note("publish", done):
            published.append(announcement_id)
            return True
        return False

    async def read() -> bool:
        answers = [
            await portal.get("/announcements", params={"keyword": "故障"}),  # never cached
            await main.get("/api/announcements"),
            await main.get("/readyz"),
        ]
        return all([load.note(f"GET {r.url.path}", r) for r in answers])

    async def register() -> bool:
        username = f"reg-{uuid.uuid4().hex[:8]}"
        response = await main.post(
            "/api/applicants",
            json={
                "username": username,
                "password": PASSWORD,
                "display_name": "申请人",
                "email": "reg@example.cn",
            },
        )
        if load.note("register", response):
            registered.append(username)
            return True
        return False

    async def approve_all() -> None:
        """Provision every seeded application, one at a time, retrying what failed."""
        pending = list(seeded.requests)
        while pending:
            request_id = pending[0]
            decided = await reviewer.post(
                f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
            )
            if load.note("approve", decided):
                pending.pop(0)
            await asyncio.sleep(0.3)

    async def restart() -> None:
        await asyncio.sleep(0.5)  # the load is running
        await asyncio.to_thread(faults.postgres.stop)
        await asyncio.sleep(DOWN_S)
        await asyncio.to_thread(faults.postgres.start_again)
        load.restarted.set()

    await asyncio.wait_for(
        asyncio.gather(
            restart(),
            load.until_recovered(publish),
            load.until_recovered(read),
            load.until_recovered(register),
            approve_all(),
        ),
        LOAD_TIMEOUT_S,
    )

    unclean = [
        a for a in load.answers if not (200 <= a[1] < 300 or (a[1] == 503 and "database" in a[2]))
    ]
    assert unclean == [], faults.server.errors()
    assert any(status == 503 for _, status, _ in load.answers)  # the load met the outage

    # Every tenant has its policies, its branding, its audit entry and its application.
    provisioned = await query(
        faults,
        """SELECT t.id,
             EXISTS (SELECT 1 FROM casbin_rule r WHERE r.ptype = 'g' AND r.domain = 't' || t.id
                     AND r.v1 IN ('tenant_operator', 'tenant_admin')) AS policies,
             EXISTS (SELECT 1 FROM audit_entry e WHERE e.action = 'tenant.provision'
                     AND e.object = 'tenant:' || t.id) AS audited,
             EXISTS (SELECT 1 FROM tenant_application a WHERE a.tenant_id = t.id) AS applied,
             t.branding::jsonb -> 'tokens' ->> 'display_name' IS NOT NULL AS branded
           FROM tenant t WHERE t.operator_account IS NOT NULL""",
    )
    assert len(provisioned) == len(seeded.requests)
    assert [r["id"] for r in provisioned if not all(r[1:])] == []
    # Every announcement has its audit entries; every publication answered 200 is kept.
    unaudited = await query(
        faults,
        """SELECT a.id FROM announcement a WHERE NOT EXISTS (
             SELECT 1 FROM audit_entry e WHERE e.object = 'announcement:' || a.id
             AND e.action = 'announcement.create')
           OR (a.state = 'published' AND NOT EXISTS (
             SELECT 1 FROM audit_entry e WHERE e.object = 'announcement:' || a.id
             AND e.action = 'announcement.publish'))""",
    )
    assert unaudited == []
    kept = await query(
        faults,
        "SELECT id FROM announcement WHERE state = 'published' AND id = ANY($1::int[])",
        published,
    )
    assert len(kept) == len(published)
    # Every applicant registered is whole: the account with its e-mail.
    whole = await query(
        faults,
        "SELECT username FROM account WHERE username LIKE 'reg-%' AND email = 'reg@example.cn'",
    )
    half = await query(faults, "SELECT username FROM account WHERE username LIKE 'reg-%'")
    assert {r[0] for r in half} == {r[0] for r in whole} >= set(registered)
    # The audit chain verifies (infra.cli verify-audit).
    verified = await asyncio.to_thread(faults.server.python, "infra.cli", "verify-audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain intact" in verified.stdout
