"""Fault injection (issue 7): the production server on private services that these tests stop,
restart and cut off. Real services only: the embedded run has nothing to take down."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
import pytest_asyncio

from tests.conftest import SETTINGS, requires
from tests.faults.rig import HOST, PASSWORD, Postgres, Rig, rig
from tests.faults.seed import Seeded

APPLICATIONS = 4  # submitted at seeding, approved (provisioned) under load
# Bounds a hung request, so that a hang fails the test instead of stalling the suite.
REQUEST_TIMEOUT_S = 30.0
REAL_SERVICES = [requires("postgres"), requires("redis"), requires("s3")]  # each module's mark


@pytest.fixture(scope="package")
def faults() -> Iterator[Rig]:
    if shutil.which("redis-server") is None or not Postgres.installed():
        pytest.skip("redis-server or PostgreSQL binaries not installed (infra/services.sh does)")
    assert SETTINGS.s3 is not None and SETTINGS.s3.endpoint_url
    credentials = {
        name: os.environ[name]
        for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION")
        if name in os.environ
    }
    with rig(SETTINGS.s3.endpoint_url, credentials, APPLICATIONS) as started:
        yield started


@pytest.fixture(scope="package")
def seeded(faults: Rig) -> Seeded:
    return msgspec.json.decode(faults.seeded, type=Seeded)


def tenant_host(seeded: Seeded) -> str:
    return f"{seeded.tenant_slug}.{HOST}"


@pytest_asyncio.fixture
async def clients(faults: Rig) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Closed at the end of the test; :func:`visitor` adds to it."""
    made: list[httpx.AsyncClient] = []
    yield made
    for client in made:
        await client.aclose()


async def visitor(faults: Rig, made: list[httpx.AsyncClient], host: str) -> httpx.AsyncClient:
    """A client of ``host`` on the fault server, holding the CSRF cookie."""
    client = httpx.AsyncClient(
        base_url=faults.server.url, headers={"host": host}, timeout=REQUEST_TIMEOUT_S
    )
    made.append(client)
    response = await client.get("/healthz")
    assert response.status_code == 200
    await client.get("/api/site")
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
    return client


async def signed_in(
    faults: Rig, made: list[httpx.AsyncClient], host: str, login: str
) -> httpx.AsyncClient:
    client = await visitor(faults, made, host)
    response = await sign_in(client, login)
    assert response.status_code == 200, response.text
    return client


async def sign_in(client: httpx.AsyncClient, login: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"login": login, "password": PASSWORD})


async def query(faults: Rig, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Read the fault server's database directly (this process's engine is the suite's)."""
    conn = await asyncpg.connect(faults.postgres.dsn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def assert_clean_failure(response: httpx.Response, message: str) -> None:
    """503 naming the part that is down: a page shows the reader's (Chinese) half of the
    bilingual message, JSON carries both halves."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert message.split(" / ")[0] in response.text, response.text


def draft(n: int) -> dict[str, object]:
    return {
        "type": "tender_notice",
        "title": f"故障注入测试采购项目 {n}",
        "project_code": f"FAULT-{n:05d}",
        "category": "goods",
        "method": "open_tender",
        "region_code": "370100",
        "body_html": "<p>故障注入测试</p>",
    }
