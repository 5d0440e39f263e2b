"""A server error leaves a trace in production's log; a refusal given on purpose does not."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from litestar import Litestar

from core.libraries.subjects import search
from tests.libraries.helpers import library_manager


@pytest.fixture
def litestar_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    # Litestar's logger does not propagate to the root logger that caplog listens on.
    logger = logging.getLogger("litestar")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


@pytest.mark.asyncio
async def test_an_unexpected_error_is_logged_with_its_stack(
    app: Litestar, litestar_log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not app.debug

    async def broken(code: str) -> None:
        raise RuntimeError("a bug reached the user")

    _, client = await library_manager(app)
    try:
        missing = await client.get("/api/library/subjects/by-credit-code/91370100MA3C0000X0")
        assert missing.status_code == 404
        assert "Traceback" not in litestar_log.text  # a refusal, not an error of ours
        monkeypatch.setattr(search, "by_credit_code", broken)
        failed = await client.get("/api/library/subjects/by-credit-code/91370100MA3C0000X0")
    finally:
        await client.aclose()
    assert failed.status_code == 500
    assert "a bug reached the user" not in failed.text  # not shown to the caller
    assert "RuntimeError: a bug reached the user" in litestar_log.text
    assert "Traceback" in litestar_log.text
