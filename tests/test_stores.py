"""Store keys are namespaced by site."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.stores import Stores
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tests.conftest import SETTINGS, requires


@pytest.mark.asyncio
async def test_same_key_in_two_tenants_is_two_entries(
    app: Litestar, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    stores: Stores = app.state.stores
    site_a, site_b, main = Site(tenant=tenant_a), Site(tenant=tenant_b), Site(tenant=None)
    await stores.get(site_a, "cache").set("announcements:latest", b"A's list", expires_in=60)
    assert await stores.get(site_b, "cache").get("announcements:latest") is None
    assert await stores.get(main, "cache").get("announcements:latest") is None
    await stores.get(site_b, "cache").set("announcements:latest", b"B's list", expires_in=60)
    assert await stores.get(site_a, "cache").get("announcements:latest") == b"A's list"


@requires("redis")
@pytest.mark.asyncio
async def test_redis_keys_carry_the_tenant(app: Litestar, tenant_a: TenantRef) -> None:
    stores: Stores = app.state.stores
    assert stores.redis is not None
    await stores.get(Site(tenant=tenant_a), "counters").set("logins", b"1", expires_in=60)
    # RedisStore joins nested namespaces with "_" and the key with ":"
    keys = await stores.redis.keys(f"sunshine_t{tenant_a.id}:counters:*")
    assert keys == [f"sunshine_t{tenant_a.id}:counters:logins".encode()]


def test_each_setting_switches_the_store() -> None:
    assert (Stores(SETTINGS).redis is not None) == (SETTINGS.redis_url is not None)


def test_a_store_without_a_site_scope_is_refused(app: Litestar) -> None:
    stores: Stores = app.state.stores
    for name in ("response_cache", "sessions", "rate_limit"):
        with pytest.raises(LookupError, match="no site scope"):
            stores.registry.get(name)
