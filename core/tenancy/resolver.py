"""Host → site resolution (after Zulip's ``get_subdomain`` / ``HostDomainMiddleware``).

* the base domain (and ``www.`` under it) is the head office's main portal;
* ``<slug>.<base domain>`` is that tenant's sub-site;
* any other host is looked up as a tenant's custom domain;
* in development, ``/t/<slug>/…`` on the main portal's host reaches the same sub-site;
* everything else, and a closed tenant, is "not found".
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from core.feed import announce, follow
from core.tenancy.registry import (
    DOMAIN_RE,
    SLUG_RE,
    TenantRef,
    find_tenant_by_domain,
    find_tenant_by_slug,
    list_tenants,
)
from core.tenancy.site import Site
from core.tenancy.tables import TenantState

DEV_PATH_RE = re.compile(r"^/t/([a-z0-9][a-z0-9-]{0,62})(?=/|$)")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
CHANNEL = "sunshine:tenants:changed"

Lookup = Callable[[str], Awaitable[TenantRef | None]]


def split_host(host_header: str) -> str:
    """Lower-case host without port; IPv6 literals keep their brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0].rstrip(".")


class TenantCache:
    """A per-process cache of lookups, the misses included.

    Every request resolves its host, so this sits on the hot path. A service that changes a
    tenant (provisioned, suspended, reinstated) calls :meth:`changed` after its commit: this
    worker drops its entries at once and, with Redis, every other worker through pub/sub, so
    entries may live for minutes (with 10,000 tenants a 5-second life sent most requests to
    the database). Without Redis (one process, embedded) entries live ``ttl_alone`` seconds.
    Concurrent misses of one key share a single lookup.
    """

    def __init__(
        self, ttl_alone: float = 5.0, ttl_followed: float = 300.0, max_entries: int = 50_000
    ) -> None:
        self.ttl = ttl_alone
        self._ttl_followed = ttl_followed
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, TenantRef | None]] = {}
        self._pending: dict[str, asyncio.Future[TenantRef | None]] = {}
        self._lists: dict[tuple[TenantState, ...], tuple[float, tuple[TenantRef, ...]]] = {}
        self._redis: Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._generation = 0  # bumped by every clear()

    def bind(self, redis: Redis | None) -> None:
        self._redis = redis

    async def start(self) -> None:
        if self._redis is not None:
            self.ttl = self._ttl_followed
            self._listener = asyncio.create_task(
                follow(self._redis, CHANNEL, lambda _: self.clear(), self.clear)
            )

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    async def get(self, key: str, lookup: Lookup, value: str) -> TenantRef | None:
        hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future = self._pending[key] = asyncio.get_running_loop().create_future()
        generation = self._generation
        try:
            tenant = await lookup(value)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when no one waits
            raise
        finally:
            if self._pending.get(key) is future:
                del self._pending[key]
        # A change announced while this lookup read may not be in what it read: answer the
        # requests that asked, but keep nothing.
        if generation == self._generation:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # bounded memory beats LRU bookkeeping
            self._entries[key] = (time.monotonic() + self.ttl, tenant)
        future.set_result(tenant)
        return tenant

    async def listed(self, states: tuple[TenantState, ...]) -> tuple[TenantRef, ...]:
        """Every tenant in these states, in id order, kept and dropped like the lookups: the
        main portal's sub-platform directory, which each of its list pages carries (300 rows
        through Piccolo cost 2.5 ms of a render, P5)."""
        hit = self._lists.get(states)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        generation = self._generation
        tenants = tuple(await list_tenants(states=states))
        if generation == self._generation:
            self._lists[states] = (time.monotonic() + self.ttl, tenants)
        return tenants

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._lists.clear()
        self._pending.clear()  # later requests look up again rather than join a stale read

    async def changed(self) -> None:
        """Call after the transaction that changed a tenant has committed."""
        self.clear()
        if self._redis is not None:
            await announce(self._redis, CHANNEL, "*")


# The process's cache: services that change a tenant call ``changed`` after their commit.
TENANT_CACHE = TenantCache()


class SiteResolver:
    def __init__(self, base_domain: str, *, development: bool, cache: TenantCache) -> None:
        self.base_domain = base_domain
        self.development = development
        self.cache = cache
        self._suffix = "." + base_domain

    def _is_main_host(self, host: str) -> bool:
        return host in (self.base_domain, "www" + self._suffix) or (
            self.development and host in LOOPBACK_HOSTS
        )

    async def resolve(self, host_header: str, path: str) -> Site | None:
        """The site for this host and path, or ``None`` for "not found"."""
        host = split_host(host_header)
        if self._is_main_host(host):
            match = DEV_PATH_RE.match(path) if self.development else None
            if match is None:
                return Site(tenant=None)
            tenant = await self.cache.get("slug:" + match[1], find_tenant_by_slug, match[1])
            return _visible(tenant, root_path=match[0])
        # Malformed hosts end here: no query, no cache entry.
        if host.endswith(self._suffix):
            label = host[: -len(self._suffix)]
            if not SLUG_RE.fullmatch(label):
                return None
            return _visible(await self.cache.get("slug:" + label, find_tenant_by_slug, label))
        if not DOMAIN_RE.fullmatch(host):
            return None
        return _visible(await self.cache.get("domain:" + host, find_tenant_by_domain, host))


def _visible(tenant: TenantRef | None, root_path: str = "") -> Site | None:
    if tenant is None or tenant.state is TenantState.closed:
        return None
    return Site(tenant=tenant, root_path=root_path)
