"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import socket
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from core.stores import Stores
from tests.conftest import SETTINGS


@pytest.mark.asyncio
async def test_liveness(main_client: httpx.AsyncClient) -> None:
    response = await main_client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


@pytest.mark.asyncio
async def test_every_response_says_how_long_the_server_took(main_client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/", "/no-such-page"):
        timing = (await main_client.get(path)).headers["server-timing"]
        assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0, path


@pytest.mark.asyncio
async def test_readiness_reports_each_part(main_client: httpx.AsyncClient) -> None:
    response = await main_client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "up", "store": "up", "object_storage": "up"},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A Redis of this test's own, so stopping it disturbs nothing else."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (infra/test.sh installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    yield process, port
    process.kill()
    process.wait()


@pytest.mark.asyncio
async def test_readiness_reports_a_stopped_redis(
    app: Litestar,
    main_client: httpx.AsyncClient,
    own_redis: tuple[subprocess.Popen[bytes], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    process, port = own_redis
    stores = Stores(dataclasses.replace(SETTINGS, redis_url=f"redis://127.0.0.1:{port}/0"))
    for _ in range(50):  # Redis takes a moment to listen
        try:
            await stores.start()
            break
        except Exception:
            await asyncio.sleep(0.1)
    monkeypatch.setattr(app.state, "stores", stores)
    assert (await main_client.get("/readyz")).status_code == 200

    process.kill()
    process.wait()
    response = await main_client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["store"].startswith("down:")
    assert body["checks"]["database"] == "up" and body["checks"]["object_storage"] == "up"
    await stores.close()
