"""A policy change made in one process is enforced by another sharing the Redis within 1 s."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from tests.conftest import BASE_DOMAIN, PASSWORD, new_account, requires

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def second_process(tmp_path: Path) -> Iterator[str]:
    """The same application in a process of its own, on this machine's loopback."""
    port = free_port()
    env = {**os.environ, "SUNSHINE_PORT": str(port), "SUNSHINE_INSECURE_COOKIES": "1"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # generous: CI machines are busy
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            server.kill()
            output = (tmp_path / "server.log").read_text()[-3000:]
            pytest.fail(f"second process did not start (exit {server.poll()}): {output}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@requires("redis")
@requires("postgres")
@pytest.mark.asyncio
async def test_a_grant_here_is_enforced_there_within_a_second(
    app: Litestar, second_process: str
) -> None:
    authorizer = app.state.authorizer
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, admin.account_id, command="test")
    auditor = await new_account(AccountKind.hq_staff)
    async with httpx.AsyncClient(base_url=second_process, headers={"host": BASE_DOMAIN}) as there:
        await there.get("/api/site")
        there.headers["x-csrftoken"] = there.cookies["csrftoken"]
        signed_in = await there.post(
            "/api/auth/login", json={"login": auditor.username, "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        # The other process has loaded the head office's policies and decided "no".
        assert (await there.get("/api/audit/verify")).status_code == 403

        await grant_role(authorizer, admin, account_id=auditor.account_id, role="hq_auditor")
        granted_at = time.monotonic()
        while (await there.get("/api/audit/verify")).status_code != 200:
            assert time.monotonic() - granted_at < 1.0, "not enforced there within 1 s"
            await asyncio.sleep(0.02)
