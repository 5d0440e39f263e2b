"""The access log: a line a request, written by its own thread, plain or JSON; off when asked."""

from __future__ import annotations

import asyncio
import json
import os
import select
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.access_log import AccessLog, _chunks
from tests.serving import served
from tests.test_cli import migrated, migrated_template  # noqa: F401 - fixtures


def _lines(data_dir: Path) -> list[str]:
    return (data_dir / "server.log").read_text().splitlines()


def test_each_request_is_a_line_with_status_and_time(migrated: Path) -> None:  # noqa: F811
    with served(migrated) as base:
        httpx.get(f"{base}/announcements?type=tender_notice", headers={"host": "localhost"})
        httpx.get(f"{base}/nowhere", headers={"host": "localhost"})
    lines = _lines(migrated)  # the server stopped: the queue was drained into the log
    home = [line for line in lines if '"GET /announcements?type=tender_notice" 200 ' in line]
    assert len(home) == 1 and home[0].startswith("20") and home[0].endswith("ms"), lines
    assert '127.0.0.1 "GET /nowhere" 404' in "\n".join(lines)


def test_production_access_lines_are_json(migrated: Path) -> None:  # noqa: F811
    with served(migrated, SUNSHINE_JSON_LOGS="1") as base:
        httpx.get(f"{base}/", headers={"host": "localhost"})
    records = [json.loads(line) for line in _lines(migrated) if line.startswith("{")]
    access = [r["message"] for r in records if r["logger"] == "sunshine.access"]
    assert [m for m in access if '"GET /" 200' in m], records


def test_no_access_log_when_turned_off(migrated: Path) -> None:  # noqa: F811
    with served(migrated, SUNSHINE_NO_ACCESS_LOG="1") as base:
        assert httpx.get(f"{base}/", headers={"host": "localhost"}).status_code == 200
    assert not [line for line in _lines(migrated) if '"GET /"' in line]


def test_batches_are_written_in_whole_lines_a_pipe_takes_at_once() -> None:
    lines = [f"{n:04d} {'x' * 95}\n".encode() for n in range(300)]
    chunks = _chunks(lines)
    assert b"".join(chunks) == b"".join(lines) and len(chunks) > 1
    assert all(len(c) <= select.PIPE_BUF and c.endswith(b"\n") for c in chunks)


@pytest.mark.asyncio
async def test_a_newline_in_the_path_cannot_forge_a_line() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    read, write = os.pipe()
    logged = AccessLog(app, json_lines=False)
    logged.buffer.fd = write
    scope = {"type": "http", "method": "GET", "path": '/a\n1.2.3.4 "GET /admin" 200', "headers": []}
    await logged(scope, None, lambda message: asyncio.sleep(0))  # type: ignore[arg-type]
    logged.buffer.flush()
    os.close(write)
    written = os.read(read, 4096).decode()
    os.close(read)
    assert written.count("\n") == 1 and '\\n1.2.3.4 "GET /admin" 200" 404' in written
