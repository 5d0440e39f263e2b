"""Redis stopped mid-test: public pages are still served, whatever needs a session or a
counter answers a clean 503, nothing is lost or half-written, and every use of Redis (sessions,
page cache, sign-in counters, the authorization change feed) works again once it is back."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from redis.asyncio import Redis

from core.authz.authorizer import CHANNEL
from core.outages import STORE
from tests.faults.conftest import (
    REAL_SERVICES,
    assert_clean_failure,
    draft,
    query,
    sign_in,
    signed_in,
    tenant_host,
    visitor,
)
from tests.faults.rig import HOST, PASSWORD, Rig
from tests.faults.seed import Seeded

pytestmark = REAL_SERVICES
PUBLIC_PAGES = ("/", "/announcements", "/contact")


async def _count(faults: Rig, sql: str, *args: object) -> int:
    return int((await query(faults, sql, *args))[0][0])


async def _redis_keys(faults: Rig, pattern: str) -> list[bytes]:
    redis = Redis.from_url(faults.redis.url)
    try:
        return [key async for key in redis.scan_iter(match=pattern)]
    finally:
        await redis.aclose()


async def _subscribers(faults: Rig) -> int:
    """Listeners of the authorization change feed, once one is back (bounded wait)."""
    redis = Redis.from_url(faults.redis.url)
    try:
        for _ in range(100):
            [(_, count)] = await redis.pubsub_numsub(CHANNEL)
            if count:
                return int(count)
            await asyncio.sleep(0.2)
        return 0
    finally:
        await redis.aclose()


@pytest.mark.asyncio
async def test_redis_stopped_and_back(
    faults: Rig, seeded: Seeded, clients: list[httpx.AsyncClient]
) -> None:
    host = tenant_host(seeded)
    staff = await signed_in(faults, clients, host, "jinan-admin")
    portal, main = await visitor(faults, clients, host), await visitor(faults, clients, HOST)
    # Accepted before the outage.
    before = await staff.post("/api/console/announcements", json=draft(100))
    assert before.status_code == 201, before.text
    before_id = before.json()["id"]
    assert (await staff.post(f"/api/console/announcements/{before_id}/publish")).status_code == 200
    for path in PUBLIC_PAGES:
        assert (await portal.get(path)).status_code == 200  # now cached
    announcements = await _count(faults, "SELECT count(*) FROM announcement")

    faults.redis.stop()
    try:
        # Anonymous pages are rendered without the cache.
        for client in (portal, main):
            for path in PUBLIC_PAGES:
                page = await client.get(path, headers={"accept": "text/html"})
                assert page.status_code == 200, (client.headers["host"], path, page.text)
        published = await portal.get(f"/api/announcements/{before_id}")
        assert published.status_code == 200, published.text
        assert "故障注入测试采购项目 100" in published.text
        ready = await main.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["store"].startswith("down")

        # A session can't be read: refused cleanly, nothing written.
        assert_clean_failure(await staff.get("/api/console/announcements"), STORE)
        assert_clean_failure(await staff.post("/api/console/announcements", json=draft(101)), STORE)
        page = await staff.get("/", headers={"accept": "text/html"})
        assert_clean_failure(page, STORE)
        # Sign-in needs its failure counters: refused before the password is even checked.
        assert_clean_failure(
            await sign_in(await visitor(faults, clients, host), "jinan-admin"), STORE
        )
        # A write that needs no session is accepted, and kept.
        applicant = f"applicant-{uuid.uuid4().hex[:8]}"
        registered = await main.post(
            "/api/applicants",
            json={
                "username": applicant,
                "password": PASSWORD,
                "display_name": "申请人",
                "email": "applicant@example.cn",
            },
        )
        assert registered.status_code == 201, registered.text
    finally:
        faults.redis.start()

    assert await _count(faults, "SELECT count(*) FROM announcement") == announcements
    assert (
        await _count(
            faults,
            "SELECT count(*) FROM account WHERE username = $1 AND email = 'applicant@example.cn'",
            applicant,
        )
        == 1
    )

    # Back: Redis forgot every session (it keeps nothing on disk), so sign in again.
    assert (await staff.get("/api/console/announcements")).status_code == 401
    assert (await sign_in(staff, "jinan-admin")).status_code == 200
    after = await staff.post("/api/console/announcements", json=draft(102))
    assert after.status_code == 201, after.text
    assert (
        await staff.post(f"/api/console/announcements/{after.json()['id']}/publish")
    ).status_code == 200
    assert await _redis_keys(faults, "*:sessions:*")
    # The page cache fills again and shows the new announcement.
    for _ in range(2):
        home = await portal.get("/announcements", headers={"accept": "text/html"})
        assert home.status_code == 200 and "故障注入测试采购项目 102" in home.text
    assert await _redis_keys(faults, "*:pages:*")
    assert (await main.get("/readyz")).status_code == 200
    # The authorization change feed subscribes again by itself.
    assert await _subscribers(faults) == 1
    # The sign-in counters count again (every client here is 127.0.0.1: reset them after).
    stranger = await visitor(faults, clients, host)
    try:
        for _ in range(5):
            wrong = await stranger.post(
                "/api/auth/login", json={"login": "jinan-admin", "password": "wrong-Passw0rd"}
            )
            assert wrong.status_code == 401
        assert (await sign_in(stranger, "jinan-admin")).status_code == 429
    finally:
        redis = Redis.from_url(faults.redis.url)
        await redis.delete(*await _redis_keys(faults, "*:login_failures:*"))
        await redis.aclose()
    assert (await sign_in(stranger, "jinan-admin")).status_code == 200
