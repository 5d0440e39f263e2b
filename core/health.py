"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import ClassVar

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec

from core.data.engine import ping as ping_database

CHECK_TIMEOUT_S = 3.0
log = logging.getLogger(__name__)


class Liveness(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str  # "ready" or "not_ready"
    checks: dict[str, str]  # part → "up" or "down: <reason>"


async def _probe(check: Callable[[], Awaitable[object]]) -> str:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S)
    except Exception as exc:
        # The probe answers on any host: name the failure, never addresses or credentials.
        log.warning("readiness check failed: %r", exc)
        return f"down: {type(exc).__name__}"
    return "up"


class HealthController(Controller):
    tags: ClassVar[list[str]] = ["health"]

    @get("/healthz", operation_id="healthz")
    async def liveness(self) -> Liveness:
        """The process answers (存活探针)."""
        return Liveness(status="alive")

    @get(
        "/readyz",
        operation_id="readyz",
        responses={503: ResponseSpec(data_container=Readiness, description="a part is down")},
    )
    async def readiness(self, state: State) -> Response[Readiness]:
        """Database, store and object storage each reported; 503 when one is down (就绪探针)."""
        parts = {
            "database": ping_database,
            "store": state.stores.check,
            "object_storage": state.object_storage.check,
        }
        results = await asyncio.gather(*(_probe(check) for check in parts.values()))
        checks = dict(zip(parts, results, strict=True))
        ready = all(result == "up" for result in results)
        return Response(
            Readiness(status="ready" if ready else "not_ready", checks=checks),
            status_code=200 if ready else 503,
        )
