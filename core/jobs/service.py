"""The scheduler (定时任务): every statutory clock's next event is a row of ``job``, and each
worker's runner claims due rows one at a time, so an event happens exactly once however many
workers run. PostgreSQL: ``FOR UPDATE SKIP LOCKED`` (a row one worker holds is passed over by
the others); SQLite: the write lock taken at BEGIN. A claim is a lease: a worker that dies
mid-job leaves it to be claimed again once the lease ends, and a handler must be idempotent
(the opening of a section is). A failure is retried later, up to ``MAX_ATTEMPTS``.

A periodic job (``register_periodic``: the audit chain's anchoring) is one row keyed by its
kind, added by the first look of any runner and never done: after each run, succeeded or
failed, it is due again ``every`` later.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from core.data.engine import get_engine, write_transaction
from core.jobs.tables import Job, JobState

log = logging.getLogger("sunshine.jobs")
LEASE = dt.timedelta(minutes=5)
RETRY = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class JobContext:
    """What a handler may use: the application's authorizer and object storage."""

    authorizer: Any
    storage: Any


Handler = Callable[[dict[str, Any], JobContext], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
PERIODIC: dict[str, dt.timedelta] = {}  # kind → time between runs


def register_job(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler


def register_periodic(kind: str, handler: Handler, every: dt.timedelta) -> None:
    """Run ``handler`` every ``every``, on one worker at a time (its row's lease)."""
    register_job(kind, handler)
    PERIODIC[kind] = every


async def _add_periodic(now: dt.datetime) -> None:
    """Each periodic kind's row, due at once when it is first added; the unique key makes
    two workers adding it at the same moment add one."""
    for kind in PERIODIC:
        if not await Job.exists().where(Job.key == kind):
            await Job.insert(Job(kind=kind, key=kind, run_at=now)).on_conflict(
                target=Job.key, action="DO NOTHING"
            )


async def schedule(
    kind: str, key: str, run_at: dt.datetime, payload: dict[str, Any], tenant_id: int | None
) -> None:
    """Schedule the event ``key`` (once: scheduling it again moves it, as a correction moves a
    deadline). Runs in the caller's transaction, so the event exists if and only if the
    decision that made it does."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind}")
    existing = await Job.select(Job.id).where(Job.key == key).first()
    values = {
        Job.run_at: run_at,
        Job.payload: json.dumps(payload),
        Job.state: JobState.pending.value,
        Job.attempts: 0,
        Job.locked_by: None,
        Job.locked_until: None,
        Job.error: "",
    }
    if existing is None:
        await Job.insert(
            Job(kind=kind, key=key, run_at=run_at, payload=json.dumps(payload), tenant_id=tenant_id)
        )
    else:
        await Job.update(values).where(Job.id == existing["id"])  # type: ignore[arg-type]


async def _claim(worker: str, now: dt.datetime) -> dict[str, Any] | None:
    """The oldest due job no other worker holds, leased to ``worker``."""
    due = (Job.run_at <= now) & (
        (Job.state == JobState.pending.value)
        | ((Job.state == JobState.running.value) & (Job.locked_until < now))
    )
    async with write_transaction():
        if isinstance(get_engine(), PostgresEngine):
            rows = await Job.raw(
                "SELECT id FROM job WHERE run_at <= {} AND (state = 'pending' OR "
                "(state = 'running' AND locked_until < {})) ORDER BY run_at "
                "LIMIT 1 FOR UPDATE SKIP LOCKED",
                now,
                now,
            )
        else:
            rows = await Job.select(Job.id).where(due).order_by(Job.run_at).limit(1)
        if not rows:
            return None
        job_id = rows[0]["id"]
        await Job.update(
            {
                Job.state: JobState.running.value,
                Job.locked_by: worker,
                Job.locked_until: now + LEASE,
                Job.attempts: Job.attempts + 1,
            }
        ).where(Job.id == job_id)
        return await Job.select().where(Job.id == job_id).first()


async def run_due(context: JobContext, worker: str, now: dt.datetime | None = None) -> int:
    """Run every job due now; returns how many ran (successfully or not)."""
    ran = 0
    await _add_periodic(now or dt.datetime.now(dt.UTC))
    while (job := await _claim(worker, moment := now or dt.datetime.now(dt.UTC))) is not None:
        ran += 1
        try:
            handler = HANDLERS[job["kind"]]
        except KeyError:  # a kind this version no longer has: nothing will ever run it
            log.warning("job %s: no handler for %s; given up", job["id"], job["kind"])
            await Job.update({Job.state: JobState.failed.value, Job.error: "no handler"}).where(
                Job.id == job["id"]
            )
            continue
        every = PERIODIC.get(job["kind"])
        try:
            await handler(json.loads(job["payload"]), context)
        except Exception as exc:
            log.exception("job %s (%s) failed", job["id"], job["key"])
            if every is not None:
                await _again(job, worker, moment + every, f"{type(exc).__name__}: {exc}")
                continue
            gave_up = job["attempts"] >= MAX_ATTEMPTS
            await Job.update(
                {
                    Job.state: (JobState.failed if gave_up else JobState.pending).value,
                    Job.run_at: moment + RETRY * job["attempts"],  # not again in this pass
                    Job.locked_by: None,
                    Job.error: f"{type(exc).__name__}: {exc}"[:2000],
                }
            ).where((Job.id == job["id"]) & (Job.locked_by == worker))
            continue
        if every is not None:
            await _again(job, worker, moment + every, "")
            continue
        await Job.update(
            {Job.state: JobState.done.value, Job.done_at: dt.datetime.now(dt.UTC)}
        ).where((Job.id == job["id"]) & (Job.locked_by == worker))
    return ran


async def _again(job: dict[str, Any], worker: str, run_at: dt.datetime, error: str) -> None:
    """A periodic job's run is over: due again at ``run_at``, whatever its outcome."""
    await Job.update(
        {
            Job.state: JobState.pending.value,
            Job.run_at: run_at,
            Job.attempts: 0,
            Job.locked_by: None,
            Job.locked_until: None,
            Job.done_at: dt.datetime.now(dt.UTC),
            Job.error: error[:2000],
        }
    ).where((Job.id == job["id"]) & (Job.locked_by == worker))


class Runner:
    """A worker's loop: look for due jobs every ``interval`` seconds (0: never)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._task: asyncio.Task[None] | None = None

    async def start(self, context: JobContext) -> None:
        if self.interval > 0:
            self._task = asyncio.create_task(self._loop(context))

    async def _loop(self, context: JobContext) -> None:
        while True:
            try:
                await run_due(context, self.worker)
            except Exception:
                log.exception("the scheduler could not look for due jobs")
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
