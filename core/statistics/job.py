"""The rollups kept up to date by the scheduler (core.jobs): one periodic row, one worker at a
time, every five minutes; a run with nothing changed only reads."""

from __future__ import annotations

from typing import Any

from core.jobs.service import JobContext, register_periodic
from core.statistics.rollups import EVERY, refresh

REFRESH = "statistics.refresh"


async def _refresh(_: dict[str, Any], __: JobContext) -> None:
    await refresh()


register_periodic(REFRESH, _refresh, EVERY)
