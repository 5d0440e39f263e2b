"""``serve`` in a process of its own on a data directory of its own, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.browser.test_portal_browser import free_port
from tests.fresh import SERVICE_SETTINGS
from tests.test_cli import ROOT


@contextmanager
def served(data_dir: Path, *args: str, **env: str) -> Iterator[str]:
    """Yield the base URL of ``python -m infra.cli serve *args`` on ``data_dir`` (embedded
    services, development, plain-HTTP cookies); its output goes to ``data_dir/server.log``."""
    port = free_port()
    settings = {k: v for k, v in os.environ.items() if k not in SERVICE_SETTINGS}
    settings.update(
        SUNSHINE_DATA_DIR=str(data_dir),
        SUNSHINE_ENV="development",
        SUNSHINE_PORT=str(port),
        SUNSHINE_INSECURE_COOKIES="1",
        SUNSHINE_BASE_DOMAIN="localhost",
        **env,
    )
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "infra.cli", "serve", *args],
            cwd=ROOT,
            env=settings,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # generous: CI machines are busy
            while server.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                server.kill()
                pytest.fail(f"server did not start: {log_path.read_text()[-3000:]}")
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
