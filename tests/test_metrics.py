"""Prometheus metrics for the bearer of the token, summed over workers; JSON logs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from tests.conftest import BASE_DOMAIN, client_for
from tests.serving import served
from tests.test_cli import migrated, migrated_template  # noqa: F401 - fixtures

TOKEN = "metrics-token-for-the-test-1234"


@pytest.mark.asyncio
async def test_without_the_setting_there_is_no_metrics_page(app: Litestar) -> None:
    async with client_for(app, BASE_DOMAIN) as client:
        answer = await client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 404


def _value(text: str, pattern: str) -> float:
    found = re.findall(rf"^{pattern} ([0-9.e+]+)$", text, re.M)
    assert found, pattern
    return sum(float(v) for v in found)


def test_two_workers_count_into_one_scrape_for_the_token_only(migrated: Path) -> None:  # noqa: F811
    with served(migrated, "--workers", "2", SUNSHINE_METRICS_TOKEN=TOKEN) as base:
        for _ in range(20):  # spread over both workers by the kernel
            assert httpx.get(f"{base}/", headers={"host": "localhost"}).status_code == 200
        for wrong in ("", "Bearer nope", f"Bearer {TOKEN}x"):
            refused = httpx.get(f"{base}/metrics", headers={"authorization": wrong})
            assert refused.status_code == 404
        # The scraper comes by IP, whatever the host.
        scrape = httpx.get(f"{base}/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        assert scrape.status_code == 200 and "text/plain" in scrape.headers["content-type"]
        text = scrape.text
        home = r'sunshine_requests_total\{[^}]*path="/"[^}]*\}'
        assert _value(text, home) == 20
        # The page rendered once a worker, then replayed before Litestar, yet counted above.
        assert _value(text, r'sunshine_page_cache_total\{result="replay"\}') >= 17
        assert _value(text, r'sunshine_page_cache_total\{result="miss"\}') >= 1
        assert "sunshine_request_duration_seconds_bucket" in text
        assert 'path="/metrics"' not in text  # the scrape is not a request of the site


def test_production_logs_are_one_json_object_a_line(migrated: Path) -> None:  # noqa: F811
    with served(migrated, SUNSHINE_JSON_LOGS="1") as base:
        httpx.get(f"{base}/", headers={"host": "localhost"})
        httpx.get(f"{base}/nowhere", headers={"host": "localhost"})
    lines = [line for line in (migrated / "server.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert records and {"time", "level", "logger", "message"} <= records[-1].keys()
    # Only the CLI's own banner precedes them in plain text.
    assert all(line.startswith("{") or "Sunshine is serving" in line for line in lines), lines
