"""Rendered portal pages, cached per site and dropped when what they show changes.

Entries live in the site's own store (``t<id>:pages``, ``hq:pages``) under the site's current
generation. :func:`invalidate` gives a tenant (and the main portal, which aggregates every
tenant) a new generation after the change has committed. A render that read the old data
stores its page under the old generation, where nobody looks any more, so a page can never be
older than the last invalidation. If the store is down, pages are rendered uncached.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.types import Scope

from core import metrics
from core.stores import Stores
from core.tenancy.site import Site

log = logging.getLogger("sunshine.pages")

STORE = "pages"
TTL_S = 600  # bounds the life of entries of dead generations
GENERATION = "generation"
REPLAY = "replay"  # entries of whole responses (themes.replay), beside the pages'
# The request scope's note of the generation prefix its shared page belongs to.
RECORD = "sunshine.replay_prefix"


class PortalCache:
    def __init__(self) -> None:
        self._stores: Stores | None = None
        self._release = ""
        self._pending: set[str] = set()  # scopes whose invalidation failed, retried first

    def bind(self, stores: Stores, release: str) -> None:
        """``release`` names the theme's and the plugins' versions: an upgrade changes it, so
        no page rendered by the previous code is served after it (seed 000 Art. 19(7))."""
        self._stores = stores
        self._release = release

    def _store(self, scope: str) -> Store | None:
        if self._stores is None:
            return None
        return self._stores.registry.get(f"{scope}:{STORE}")

    @property
    def release(self) -> str:
        return self._release

    async def page(
        self,
        site: Site,
        key: str,
        render: Callable[[], Awaitable[bytes]],
        scope: Scope | None = None,
    ) -> bytes:
        """The cached page ``key`` of ``site``, rendered and stored on a miss. With the
        request's ``scope``, it notes there the generation the page belongs to (:data:`RECORD`),
        under which :mod:`themes.replay` keeps the whole response."""
        store = self._store(site.store_scope)
        if store is None:
            return await render()
        try:
            if site.store_scope in self._pending:
                await self._renew(site.store_scope, store)
            generation = await store.get(GENERATION)
            if generation is None:
                generation = secrets.token_hex(8).encode()
                await store.set(GENERATION, generation)
            prefix = f"{self._release}:{generation.decode()}"
            cached = await store.get(f"{prefix}:{key}")
        except Exception as exc:  # the store is down: serve uncached rather than fail
            log.warning("page cache unavailable: %s", exc)
            return await render()
        if scope is not None:
            scope[RECORD] = prefix  # type: ignore[literal-required]
        entry = f"{prefix}:{key}"
        if cached is not None:
            if metrics.ENABLED:
                metrics.PAGE_HIT.inc()
            return cached
        if metrics.ENABLED:
            metrics.PAGE_MISS.inc()
        body = await render()
        try:
            await store.set(entry, body, expires_in=TTL_S)
        except Exception as exc:
            log.warning("page cache unavailable: %s", exc)
        return body

    async def replayed(self, site: Site, key: str) -> bytes | None:
        """The response recorded for ``key`` under the site's current generation, if any.
        None also when the store is down or an invalidation is still owed: Litestar answers."""
        store = self._store(site.store_scope)
        if store is None or site.store_scope in self._pending:
            return None
        try:
            generation = await store.get(GENERATION)
            if generation is None:
                return None
            return await store.get(f"{self._release}:{generation.decode()}:{REPLAY}:{key}")
        except Exception as exc:
            log.warning("page cache unavailable: %s", exc)
            return None

    async def record(self, site: Site, prefix: str, key: str, response: bytes) -> None:
        """Keep ``response`` under the generation ``prefix`` its page was rendered in: if an
        invalidation came meanwhile, under the old one, where nobody looks."""
        store = self._store(site.store_scope)
        if store is None:
            return
        try:
            await store.set(f"{prefix}:{REPLAY}:{key}", response, expires_in=TTL_S)
        except Exception as exc:
            log.warning("page cache unavailable: %s", exc)

    async def invalidate(self, tenant_id: int | None) -> None:
        """After a change to ``tenant_id``'s portal (or to the head office's, when None)."""
        scopes = ["hq"] if tenant_id is None else [f"t{int(tenant_id)}", "hq"]
        for scope in scopes:
            store = self._store(scope)
            if store is None:
                continue
            try:
                await self._renew(scope, store)
            except Exception as exc:
                # The change has committed; it must not fail now. This process retries before
                # it next serves the scope; other workers' entries end with their TTL.
                self._pending.add(scope)
                log.error("page cache of %s not invalidated: %s", scope, exc)

    async def _renew(self, scope: str, store: Store) -> None:
        if isinstance(store, MemoryStore):
            # It never expires entries nobody reads; Redis does (TTL), and its delete_all
            # would SCAN the whole keyspace inside a script.
            await store.delete_all()
        await store.set(GENERATION, secrets.token_hex(8).encode())
        self._pending.discard(scope)


PORTAL_CACHE = PortalCache()
