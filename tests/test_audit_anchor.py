"""The audit chain's head anchored in object storage: cutting off the newest entries, which the
chain alone cannot see, is found against the latest anchor."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.anchor import (
    LATEST,
    Anchor,
    AnchorCheck,
    anchor_chain,
    anchor_key,
    chain_head,
    check_against_anchor,
)
from core.audit.anchor_job import ANCHOR, EVERY
from core.audit.chain import verify
from core.audit.tables import AuditEntry
from core.errors import Conflict
from core.jobs import service as jobs
from core.jobs.tables import Job
from core.settings import get_settings
from core.storage import ObjectStorage
from core.storage.local import LocalStorage
from tests.test_audit import ACTOR, append


@pytest_asyncio.fixture
async def context(app: Litestar) -> AsyncIterator[jobs.JobContext]:
    """The application's own runner stopped meanwhile, so only the test's looks run jobs. On S3
    the bucket outlives the test, so anchors another run signed with its own key are cleared."""
    context = jobs.JobContext(app.state.authorizer, app.state.object_storage)
    for key in await context.storage.keys():
        if key.value.startswith("hq/audit-anchors/"):
            await context.storage.delete(key)
    await app.state.jobs.close()
    yield context
    await app.state.jobs.start(context)


async def anchorings() -> int:
    return await AuditEntry.count().where(AuditEntry.action == "audit.anchor")


async def due_now(context: jobs.JobContext) -> dt.datetime:
    """The anchoring job's row, due now (a look adds it, if no runner has looked yet)."""
    await jobs.run_due(context, "look")
    now = dt.datetime.now(dt.UTC)
    await Job.update({Job.run_at: now, Job.state: "pending"}).where(Job.key == ANCHOR)
    return now


@pytest.mark.asyncio
async def test_an_anchor_is_written_signed_and_holds(context: jobs.JobContext) -> None:
    storage: ObjectStorage = context.storage
    await append(2)
    anchor = await anchor_chain(storage, ACTOR)

    head = await chain_head()
    assert head is not None and (head.seq, head.digest, head.at) == (
        anchor.seq,
        anchor.digest,
        anchor.at,
    )
    entry = await AuditEntry.select().where(AuditEntry.seq == anchor.seq).first()
    assert entry is not None and entry["action"] == "audit.anchor"
    assert entry["object"] == "hq/audit-anchors/latest.json" and entry["actor"] == ACTOR.label
    assert anchor_key(anchor.seq).value == f"hq/audit-anchors/{anchor.seq}.json"
    stored = await storage.get(anchor_key(anchor.seq))
    assert stored == await storage.get(LATEST)
    assert msgspec.json.decode(stored, type=Anchor) == anchor
    assert await check_against_anchor(storage) == AnchorCheck(
        status="intact",
        message=f"审计日志与第 {anchor.seq} 条的锚点一致 / "
        f"the audit chain holds against the anchor at entry {anchor.seq}",
        head_seq=anchor.seq,
        anchor=anchor,
    )
    await append(1)  # entries after the anchor are not lost entries
    later = await check_against_anchor(storage)
    assert later.status == "intact" and later.head_seq == anchor.seq + 1


@pytest.mark.asyncio
async def test_deleting_the_newest_entries_is_found(context: jobs.JobContext) -> None:
    storage: ObjectStorage = context.storage
    await append(2)
    anchor = await anchor_chain(storage, ACTOR)
    cut = anchor.seq - 2  # the two appended entries and the anchoring go
    kept = await AuditEntry.select().where(AuditEntry.seq > cut).order_by(AuditEntry.seq)
    try:
        # The database's owner deletes the newest entries: what is left still links up.
        await AuditEntry.delete().where(AuditEntry.seq > cut)
        assert (await verify()).intact
        check = await check_against_anchor(storage)
        assert check.status == "truncated" and not check.holds and check.anchor == anchor
        assert check.head_seq == cut
        assert check.message == (
            f"审计日志被截断：锚点记到第 {anchor.seq} 条，数据库只到第 {cut} 条 / "
            f"the audit chain is truncated: the anchor reaches entry {anchor.seq}, "
            f"the database only entry {cut}"
        )
        # Not anchored over, neither now nor by the job: a new latest anchor would hide it.
        with pytest.raises(Conflict, match="truncated"):
            await anchor_chain(storage, ACTOR)
        now = await due_now(context)
        await jobs.run_due(context, "worker")
        row = await Job.select().where(Job.key == ANCHOR).first()
        assert row is not None and "truncated" in row["error"]
        assert row["state"] == "pending" and row["run_at"] >= now + EVERY  # tried again later
        assert await storage.get(LATEST) == msgspec.json.encode(anchor)

        # New entries take the deleted sequence numbers: the anchored one is another entry.
        await append(3)
        assert (await verify()).intact
        regrown = await check_against_anchor(storage)
        assert regrown.status == "truncated" and regrown.head_seq == cut + 3
        assert f"entry {anchor.seq} does not match the anchor's digest" in regrown.message
    finally:
        await AuditEntry.delete().where(AuditEntry.seq > cut)
        await AuditEntry.insert(
            *(AuditEntry(**{k: v for k, v in r.items() if k != "id"}) for r in kept)
        )
    assert (await check_against_anchor(storage)).status == "intact"
    assert (await verify()).intact


@pytest.mark.asyncio
async def test_a_tampered_anchor_is_refused(context: jobs.JobContext) -> None:
    storage: ObjectStorage = context.storage
    anchor = await anchor_chain(storage, ACTOR)
    genuine = await storage.get(LATEST)
    # A lower head that would cover a truncation, its signature kept; another key's signature
    # (the secret key itself, as the local storage's URLs use it); not an anchor at all.
    lower = msgspec.structs.replace(anchor, seq=anchor.seq - 1)
    other_key = msgspec.structs.replace(anchor, signature=_signed_with_the_bare_secret(anchor))
    try:
        for forged in (msgspec.json.encode(lower), msgspec.json.encode(other_key), b"{}"):
            await storage.put(LATEST, forged, "application/json")
            check = await check_against_anchor(storage)
            assert check.status == "refused" and not check.holds and check.anchor is None
            assert check.message.startswith("锚点无法读取或签名不符")
            assert "its signature does not hold" in check.message
            with pytest.raises(Conflict, match="refused"):
                await anchor_chain(storage, ACTOR)
    finally:
        await storage.put(LATEST, genuine, "application/json")
    assert (await check_against_anchor(storage)).status == "intact"


def _signed_with_the_bare_secret(anchor: Anchor) -> str:
    message = msgspec.json.encode([anchor.seq, anchor.digest, anchor.at, anchor.anchored_at])
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()


@pytest.mark.asyncio
async def test_no_anchor_yet_is_said_so(app: Litestar, tmp_path: Path) -> None:
    await append(1)
    empty = LocalStorage(tmp_path, secret_key=get_settings().secret_key)
    check = await check_against_anchor(empty)
    head = await chain_head()
    assert head is not None
    assert check == AnchorCheck(
        status="no_anchor",
        message="尚无锚点：审计日志还未锚定到对象存储 / "
        "no anchor yet: the audit chain has not been anchored in object storage",
        head_seq=head.seq,
    )
    assert check.holds


@pytest.mark.asyncio
async def test_the_job_anchors_only_when_the_head_moved(context: jobs.JobContext) -> None:
    storage: ObjectStorage = context.storage
    now = await due_now(context)
    await append(1)
    before = await anchorings()
    # Two workers look at once: the one row is claimed by one of them, anchored once.
    await asyncio.gather(jobs.run_due(context, "worker-1"), jobs.run_due(context, "worker-2"))
    assert await anchorings() == before + 1
    written = await storage.get(LATEST)
    head = await chain_head()
    assert head is not None and msgspec.json.decode(written, type=Anchor).seq == head.seq
    row = await Job.select().where(Job.key == ANCHOR).first()
    assert row is not None and row["state"] == "pending" and row["error"] == ""
    assert row["run_at"] >= now + EVERY

    # Due again with nothing new: the head is where the anchor is, nothing is written.
    await due_now(context)
    await jobs.run_due(context, "worker-1")
    assert await storage.get(LATEST) == written and await anchorings() == before + 1
    assert (await chain_head()) == head
