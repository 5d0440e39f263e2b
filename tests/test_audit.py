"""The audit chain: appended in the change's transaction, and tampering is found."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.chain import Actor, RequestContext, Verification, record, verify
from core.audit.tables import AuditEntry
from core.data.engine import write_transaction
from core.settings import get_settings
from core.tenancy.tables import Tenant
from tests.conftest import unique_slug

ACTOR = Actor(label="tester", account_id=None)


async def append(n: int, action: str = "test.touch") -> list[int]:
    seqs = []
    for i in range(n):
        async with write_transaction():
            seqs.append(
                await record(
                    actor=ACTOR,
                    action=action,
                    object=f"thing:{i}",
                    context=RequestContext(client_ip="127.0.0.1", request_id=f"r{i}"),
                )
            )
    return seqs


@pytest_asyncio.fixture
async def three(app: Litestar) -> AsyncIterator[list[int]]:
    """Three fresh entries; the test may tamper with them, the chain is mended after."""
    seqs = await append(3)
    before = {r["seq"]: r for r in await AuditEntry.select().where(AuditEntry.seq.is_in(seqs))}
    yield seqs
    await AuditEntry.delete().where(AuditEntry.seq.is_in(seqs))
    await AuditEntry.insert(
        *(AuditEntry(**{k: v for k, v in r.items() if k != "id"}) for r in before.values())
    )
    assert (await verify()).intact


@pytest.mark.asyncio
async def test_a_chain_of_appends_verifies(three: list[int]) -> None:
    result = await verify()
    assert result.intact and result.entries >= 3 and result.first_broken_seq is None
    rows = await AuditEntry.select().where(AuditEntry.seq.is_in(three)).order_by(AuditEntry.seq)
    assert [r["prev_digest"] for r in rows[1:]] == [r["digest"] for r in rows[:-1]]
    assert rows[0]["algorithm"] == "sm3" and rows[0]["client_ip"] == "127.0.0.1"


@pytest.mark.asyncio
async def test_an_edited_entry_is_found(three: list[int]) -> None:
    await AuditEntry.update({AuditEntry.outcome: "failure"}).where(AuditEntry.seq == three[1])
    assert await verify() == Verification(
        intact=False,
        entries=three[1] - 1,
        first_broken_seq=three[1],
        problem="内容与摘要不符（条目被篡改）/ "
        "its content does not match its digest (edited entry)",
    )


@pytest.mark.asyncio
async def test_a_deleted_entry_is_found(three: list[int]) -> None:
    await AuditEntry.delete().where(AuditEntry.seq == three[1])
    result = await verify()
    assert not result.intact and result.first_broken_seq == three[2]
    assert "deleted" in (result.problem or "")


@pytest.mark.asyncio
async def test_reordered_entries_are_found(three: list[int]) -> None:
    first, second = three[0], three[1]
    await AuditEntry.update({AuditEntry.seq: -1}).where(AuditEntry.seq == first)
    await AuditEntry.update({AuditEntry.seq: first}).where(AuditEntry.seq == second)
    await AuditEntry.update({AuditEntry.seq: second}).where(AuditEntry.seq == -1)
    result = await verify()
    assert not result.intact and result.first_broken_seq == first


@pytest.mark.asyncio
async def test_the_entry_rolls_back_with_the_change(app: Litestar) -> None:
    slug = unique_slug("rollback")
    before = await AuditEntry.count()
    with pytest.raises(RuntimeError, match="boom"):
        async with write_transaction():
            await Tenant.insert(Tenant(slug=slug, name="x", kind="city"))
            await record(actor=ACTOR, action="tenant.create", object=f"tenant:{slug}")
            raise RuntimeError("boom")
    assert await AuditEntry.count() == before
    assert not await Tenant.exists().where(Tenant.slug == slug)


@pytest.mark.asyncio
async def test_an_entry_outside_a_transaction_is_refused(app: Litestar) -> None:
    with pytest.raises(RuntimeError, match="in the transaction of the change"):
        await record(actor=ACTOR, action="x", object="y")


@pytest.mark.asyncio
async def test_sha256_is_selectable_and_the_chain_stays_verifiable(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = dataclasses.replace(get_settings(), audit_hash="sha256")
    monkeypatch.setattr("core.audit.chain.get_settings", lambda: sha)
    [seq] = await append(1)
    row = await AuditEntry.select().where(AuditEntry.seq == seq).first()
    assert row is not None and row["algorithm"] == "sha256"
    assert (await verify()).intact


@pytest.mark.asyncio
async def test_concurrent_appends_keep_one_unbroken_chain(app: Litestar) -> None:
    import asyncio

    async def one(i: int) -> int:
        async with write_transaction():
            return await record(actor=ACTOR, action="test.concurrent", object=f"n:{i}")

    seqs = await asyncio.gather(*(one(i) for i in range(20)))
    assert len(set(seqs)) == 20
    assert (await verify()).intact
