"""The scheduler: a due job runs exactly once however many workers look at the same moment, a
failure is retried then given up, scheduling a key again moves it, and a section opens by
itself at its deadline."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.data.engine import write_transaction
from core.jobs import service as jobs
from core.jobs.tables import Job
from tenants.projects.tables import Lot, Opening, Project
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import close, new_site
from tests.projects.helpers import purchaser_of, send, tendering_project

RAN: Counter[str] = Counter()


@pytest_asyncio.fixture
async def counting(app: Litestar) -> AsyncIterator[str]:
    kind = f"test.count.{uuid.uuid4().hex[:6]}"

    async def handler(payload: dict[str, Any], _: jobs.JobContext) -> None:
        await asyncio.sleep(0.01)  # long enough for the other workers to look meanwhile
        if payload.get("fail"):
            raise RuntimeError("as asked")
        RAN[payload["name"]] += 1

    jobs.register_job(kind, handler)
    yield kind
    await Job.delete().where(Job.kind == kind)
    jobs.HANDLERS.pop(kind)


def context(app: Litestar) -> jobs.JobContext:
    return jobs.JobContext(app.state.authorizer, app.state.object_storage)


@pytest.mark.asyncio
async def test_a_due_job_runs_once_across_workers(app: Litestar, counting: str) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    names = [uuid.uuid4().hex for _ in range(4)]
    async with write_transaction():
        for name in names:
            await jobs.schedule(counting, f"count:{name}", past, {"name": name}, None)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        await jobs.schedule(counting, "count:later", later, {"name": "later"}, None)
    await asyncio.gather(*(jobs.run_due(context(app), f"worker-{n}") for n in range(6)))
    assert [RAN[name] for name in names] == [1, 1, 1, 1] and RAN["later"] == 0
    states = await Job.select(Job.state).where(Job.key.is_in([f"count:{n}" for n in names]))
    assert {s["state"] for s in states} == {"done"}

    moved = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    async with write_transaction():
        await jobs.schedule(counting, "count:later", moved, {"name": "later"}, None)
    rows = await Job.select(Job.run_at).where(Job.key == "count:later")
    assert len(rows) == 1 and rows[0]["run_at"] == moved


@pytest.mark.asyncio
async def test_a_failing_job_is_retried_then_given_up(app: Litestar, counting: str) -> None:
    key = f"count:{uuid.uuid4().hex}"
    async with write_transaction():
        await jobs.schedule(counting, key, dt.datetime.now(dt.UTC), {"fail": True}, None)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        far = dt.datetime.now(dt.UTC) + dt.timedelta(days=attempt)  # past the retry's wait
        await jobs.run_due(context(app), "worker", now=far)
        row = (await Job.select().where(Job.key == key))[0]
        assert row["attempts"] == attempt and "as asked" in row["error"]
        assert row["state"] == ("failed" if attempt == jobs.MAX_ATTEMPTS else "pending")


@pytest.mark.asyncio
async def test_a_section_opens_itself_at_its_deadline(app: Litestar) -> None:
    site = await new_site(app, "自动开标测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(3)]
    try:
        project_id = await tendering_project(site.client, buyer)
        for _, _, client in suppliers:
            assert (await send(client, project_id, 1, "1000", "标书")).status_code == 303
        lot = (await Lot.select(Lot.id).where((Lot.project == project_id) & (Lot.number == 1)))[0]
        job = (await Job.select().where(Job.key == f"lot:{lot['id']}"))[0]
        deadline = (await Project.select(Project.bid_deadline).where(Project.id == project_id))[0]
        assert job["run_at"] == deadline["bid_deadline"] and job["state"] == "pending"
        await jobs.run_due(context(app), "worker")  # not due yet: nothing happens
        assert not await Opening.exists().where(Opening.project == project_id)

        now = dt.datetime.now(dt.UTC)
        await Project.update({Project.bid_deadline: now}).where(Project.id == project_id)
        await Job.update({Job.run_at: now}).where(Job.key == f"lot:{lot['id']}")
        await asyncio.gather(*(jobs.run_due(context(app), f"w{n}") for n in range(3)))
        opened = await Opening.select().where(Opening.project == project_id)
        assert [o["state"] for o in opened] == ["opened"] and opened[0]["bids"] == 3
        assert await AuditEntry.exists().where(
            (AuditEntry.action == "bid.open") & AuditEntry.request_id.like("scheduler:%")
        )
    finally:
        await buyer.client.aclose()
        for _, _, client in suppliers:
            await client.aclose()
        await close(site)
