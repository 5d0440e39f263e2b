"""Sessions, caches and counters: Litestar stores, Redis when ``REDIS_URL`` is set.

Every store name carries its site's scope (``hq`` or ``t<tenant id>``), so one tenant's keys
can never be read through another's: :meth:`Stores.get` takes the site and is the only way
handlers get one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core.errors import ConfigError
from core.settings import Settings
from core.tenancy.site import Site

REDIS_TIMEOUT_S = 2.0
SCOPED_NAME = re.compile(r"^(hq|t\d+):[a-z_]+$")


def _scoped(factory: Callable[[str], Store]) -> Callable[[str], Store]:
    """Refuse a store whose name carries no site scope: Litestar features that ask for a
    plain name (response cache, rate limit) would otherwise share keys across tenants."""

    def make(name: str) -> Store:
        if not SCOPED_NAME.fullmatch(name):
            raise LookupError(f"store {name!r} has no site scope: use Stores.get(site, name)")
        return factory(name)

    return make


class Stores:
    """The store registry plus the Redis client behind it, for start-up checks and shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.redis: Redis | None = None
        if settings.redis_url:
            # Short timeouts: a dead Redis must fail a request or a probe fast, not hang it.
            # One retry on a fresh connection: after a Redis restart every pooled connection
            # is dead, and without it each would fail one request before being replaced.
            # (Our commands — get, set, delete, publish — are safe to repeat.)
            self.redis = Redis.from_url(
                settings.redis_url,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
                retry=Retry(NoBackoff(), 1),
                # A connection idle this long is pinged before use: the change feeds' pub/sub
                # connections then notice a peer that silently went away.
                health_check_interval=30,
            )
            root = RedisStore(self.redis, namespace="sunshine", handle_client_shutdown=False)
            self.registry = StoreRegistry(default_factory=_scoped(root.with_namespace))
        else:
            self.registry = StoreRegistry(default_factory=_scoped(lambda _name: MemoryStore()))

    def get(self, site: Site, name: str) -> Store:
        """The store ``name`` of this site: ``hq:name`` or ``t<id>:name``."""
        return self.registry.get(f"{site.store_scope}:{name}")

    async def check(self) -> None:
        """Raise when the backing service cannot be reached."""
        if self.redis is not None:
            await asyncio.wait_for(self.redis.ping(), timeout=REDIS_TIMEOUT_S)

    async def start(self) -> None:
        try:
            await self.check()
        except Exception as exc:
            raise ConfigError(
                "REDIS_URL", f"cannot reach Redis ({type(exc).__name__}: {exc})"
            ) from exc

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
