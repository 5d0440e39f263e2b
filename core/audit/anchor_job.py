"""The chain's head anchored every ten minutes by the scheduler (core.jobs), when it moved.

One periodic row, claimed by one worker at a time; a run that finds the head where the latest
anchor is writes nothing, so workers looking one after another add no anchors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.audit.anchor import anchor_if_moved
from core.audit.chain import Actor
from core.jobs.service import JobContext, register_periodic

ANCHOR = "audit.anchor"
EVERY = dt.timedelta(minutes=10)


async def _anchor(_: dict[str, Any], context: JobContext) -> None:
    """A chain that lost entries since the latest anchor fails the run every time (Conflict,
    in the job's error and the log), and is never anchored over."""
    await anchor_if_moved(context.storage, Actor.system("audit-anchor"))


register_periodic(ANCHOR, _anchor, EVERY)
