"""The decision path's caching rules."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar

from core.authz import authorizer as module
from core.authz.adapter import DomainFilter
from core.authz.authorizer import Authorizer
from core.authz.model import HQ


@pytest.mark.asyncio
async def test_a_change_during_a_load_is_not_cached_stale(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    authorizer = Authorizer()
    reading = asyncio.Event()
    release = asyncio.Event()
    real = module._filter_for

    async def slow_filter(dom: str) -> DomainFilter:
        reading.set()
        await release.wait()
        return await real(dom)

    monkeypatch.setattr(module, "_filter_for", slow_filter)
    decision = asyncio.create_task(authorizer.allowed("u:1", HQ, "audit", "read"))
    await reading.wait()
    await authorizer.changed(HQ)  # a policy change lands while the load is reading
    release.set()
    assert await decision is False
    assert HQ not in authorizer._domains  # the next decision reloads

    monkeypatch.setattr(module, "_filter_for", real)
    await authorizer.allowed("u:1", HQ, "audit", "read")
    assert HQ in authorizer._domains


@pytest.mark.asyncio
async def test_concurrent_first_decisions_share_one_load(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    authorizer = Authorizer()
    loads = 0
    real = module._filter_for

    async def counting(dom: str) -> DomainFilter:
        nonlocal loads
        loads += 1
        await asyncio.sleep(0.01)
        return await real(dom)

    monkeypatch.setattr(module, "_filter_for", counting)
    await asyncio.gather(*(authorizer.allowed("u:1", HQ, "tenant", "read") for _ in range(20)))
    assert loads == 1
