"""The scheduler's job table: one row a clock's next event (a section to open at its deadline,
…), claimed by exactly one worker when due."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobState(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"  # gave up after MAX_ATTEMPTS


class Job(Table, tablename="job"):
    kind = Varchar(length=50)
    # What the job is about, e.g. "lot:12": one job a key, so scheduling again moves it.
    key = Varchar(length=100, unique=True)
    tenant_id = Integer(null=True, default=None, index=True)
    run_at = Timestamptz(index=True)
    payload = Text(default="{}")  # JSON
    state = Varchar(length=20, choices=JobState, default=JobState.pending.value, index=True)
    attempts = Integer(default=0)
    locked_by = Varchar(length=100, null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    error = Text(default="")
