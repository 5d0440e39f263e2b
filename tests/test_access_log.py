"""The access log: a line a request, written by its own thread, plain or JSON; off when asked."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

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
