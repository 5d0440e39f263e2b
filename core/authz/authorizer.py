"""The fast decision path.

pycasbin's enforce is linear in its enforcer's rules, so there is no global enforcer: each
domain gets its own, loaded on first use with only that domain's rules (plus the catalogue
and the region grants that reach it). Decisions are memoised per enforcer. A policy change
drops the domain here at once and, through Redis pub/sub, in every other worker; a domain
is also reloaded after ``ttl`` seconds in case a message was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from casbin import AsyncEnforcer
from redis.asyncio import Redis

from core import metrics
from core.authz.adapter import DomainFilter, PiccoloAdapter
from core.authz.model import (
    CATALOGUE,
    HQ,
    NATIONWIDE,
    new_model,
    region_ancestors,
    region_domain,
)
from core.feed import announce, follow
from core.tenancy.tables import Tenant

# pycasbin logs every model and policy it loads at INFO: one line per rule, per domain load.
logging.getLogger("casbin").setLevel(logging.WARNING)

CHANNEL = "sunshine:authz:changed"
EVERY_DOMAIN = "*"


@dataclass
class _Domain:
    enforcer: AsyncEnforcer
    loaded_at: float
    decisions: dict[tuple[str, str, str], bool] = field(default_factory=dict)


class Authorizer:
    def __init__(self, redis: Redis | None = None, ttl: float = 300.0) -> None:
        self.redis = redis
        self.ttl = ttl
        self._domains: dict[str, _Domain] = {}
        self._loading: dict[str, asyncio.Task[_Domain]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._generation = 0  # bumped by every forget()

    async def allowed(self, sub: str, dom: str, obj: str, act: str) -> bool:
        domain = self._domains.get(dom)
        if domain is None or time.monotonic() - domain.loaded_at > self.ttl:
            domain = await self._load(dom)
        key = (sub, obj, act)
        decision = domain.decisions.get(key)
        if metrics.ENABLED:
            (metrics.AUTHZ_MEMO_MISS if decision is None else metrics.AUTHZ_MEMO_HIT).inc()
        if decision is None:
            decision = domain.decisions[key] = bool(domain.enforcer.enforce(sub, dom, obj, act))
        return decision

    async def _load(self, dom: str) -> _Domain:
        # One load per domain at a time: a burst of first requests shares it.
        task = self._loading.get(dom)
        if task is None:
            task = self._loading[dom] = asyncio.create_task(self._read(dom))
            task.add_done_callback(lambda _: self._loading.pop(dom, None))
        return await asyncio.shield(task)

    async def _read(self, dom: str) -> _Domain:
        generation = self._generation
        enforcer = AsyncEnforcer(new_model(), PiccoloAdapter())
        await enforcer.load_filtered_policy(await _filter_for(dom))
        domain = _Domain(enforcer=enforcer, loaded_at=time.monotonic())
        # A change announced while this load was reading may not be in what it read: then
        # answer this one request from it, but keep nothing.
        if generation == self._generation:
            self._domains[dom] = domain
        return domain

    def forget(self, dom: str) -> None:
        """Drop this worker's copy of ``dom`` (``*``: every domain)."""
        self._generation += 1
        if dom == EVERY_DOMAIN:
            self._domains.clear()
        else:
            self._domains.pop(dom, None)

    async def changed(self, dom: str) -> None:
        """Call after the transaction that changed ``dom``'s policies has committed."""
        self.forget(dom)
        if self.redis is not None:
            await announce(self.redis, CHANNEL, dom)

    async def start(self) -> None:
        if self.redis is not None:
            self._listener = asyncio.create_task(self._listen())

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self) -> None:
        assert self.redis is not None
        await follow(self.redis, CHANNEL, self.forget, lambda: self.forget(EVERY_DOMAIN))


async def _filter_for(dom: str) -> DomainFilter:
    """A tenant's enforcer also holds the role grants of every region above the tenant."""
    if dom == HQ or not dom.startswith("t"):
        return DomainFilter(dom, shared=(CATALOGUE,))
    row = await Tenant.select(Tenant.region_code).where(Tenant.id == int(dom[1:])).first()
    codes = region_ancestors(row["region_code"] if row and row["region_code"] else NATIONWIDE)
    return DomainFilter(dom, shared=(CATALOGUE,), inherited=tuple(region_domain(c) for c in codes))
