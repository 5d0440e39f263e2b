"""Host → site resolution."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from litestar import Litestar
from litestar.exceptions import NotFoundException

from core.errors import AlreadyExists, DomainError
from core.tenancy.registry import TenantRef, find_tenant_by_id, register_tenant
from core.tenancy.resolver import CHANNEL, SiteResolver, TenantCache, split_host
from core.tenancy.site import SCOPE_KEY, Site, provide_tenant
from core.tenancy.tables import Tenant, TenantKind, TenantState
from tests.conftest import BASE_DOMAIN, SETTINGS, client_for, requires, unique_slug


async def site_of(app: Litestar, host: str, path: str = "/api/site") -> httpx.Response:
    async with client_for(app, host) as client:
        return await client.get(path)


@pytest.mark.asyncio
async def test_base_domain_is_the_main_portal(app: Litestar) -> None:
    for host in (BASE_DOMAIN, f"www.{BASE_DOMAIN}", f"{BASE_DOMAIN}:8443", BASE_DOMAIN.upper()):
        response = await site_of(app, host)
        assert response.status_code == 200, host
        assert response.json()["kind"] == "main_portal"


@pytest.mark.asyncio
async def test_sub_domain_reaches_its_tenant(app: Litestar, tenant_a: TenantRef) -> None:
    response = await site_of(app, f"{tenant_a.slug}.{BASE_DOMAIN}:8000")
    assert response.status_code == 200
    # The name it shows is its display name (other tests of this session may set one).
    current = await find_tenant_by_id(tenant_a.id)
    assert current is not None
    assert response.json() == {
        "kind": "tenant",
        "name": current.shown_name,
        "slug": tenant_a.slug,
        "state": "active",
    }


async def _with_custom_domain() -> TenantRef:
    """A tenant of the test's own: the session's tenant A is also the OpenAPI fuzz's, whose
    head-office caller may have set or removed A's custom domain by then."""
    return await register_tenant(
        slug=unique_slug("domain"),
        name="自有域名分平台",
        kind=TenantKind.city,
        custom_domain=f"{unique_slug('cg')}.example.cn",
    )


@pytest.mark.asyncio
async def test_custom_domain_reaches_its_tenant(app: Litestar) -> None:
    tenant = await _with_custom_domain()
    assert tenant.custom_domain
    response = await site_of(app, tenant.custom_domain)
    assert response.json()["slug"] == tenant.slug


@pytest.mark.parametrize(
    "host",
    [
        f"nobody-here.{BASE_DOMAIN}",  # unknown sub-domain
        f"a.b.{BASE_DOMAIN}",  # nested labels are never tenants
        "unknown.example.org",  # not a registered custom domain
        f"evil{BASE_DOMAIN}",  # suffix without the dot
        "",  # no Host at all
    ],
)
@pytest.mark.asyncio
async def test_unknown_host_is_404(app: Litestar, host: str) -> None:
    async with client_for(app, BASE_DOMAIN) as client:
        response = await client.get("/api/site", headers={"host": host})
    assert response.status_code == 404
    assert "未找到" in response.text


@pytest.mark.asyncio
async def test_unknown_host_is_404_on_every_path(app: Litestar) -> None:
    response = await site_of(app, f"nobody-here.{BASE_DOMAIN}", "/no/such/route")
    assert response.status_code == 404


@pytest.mark.asyncio
async def test_health_probes_answer_on_any_host(app: Litestar) -> None:
    response = await site_of(app, "10.0.0.7:8000", "/healthz")
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_development_path_prefix_reaches_the_sub_site(
    app: Litestar, tenant_b: TenantRef
) -> None:
    for host in (BASE_DOMAIN, "localhost:8000", "127.0.0.1"):
        response = await site_of(app, host, f"/t/{tenant_b.slug}/api/site")
        assert response.status_code == 200, host
        assert response.json()["slug"] == tenant_b.slug
    assert (await site_of(app, BASE_DOMAIN, "/t/no-such-tenant/api/site")).status_code == 404


@pytest.mark.asyncio
async def test_development_prefix_keeps_the_root_path_for_pages(
    app: Litestar, tenant_b: TenantRef
) -> None:
    response = await site_of(app, BASE_DOMAIN, f"/t/{tenant_b.slug}/")
    assert response.status_code == 200
    assert tenant_b.name in response.text
    bare = await site_of(app, BASE_DOMAIN, f"/t/{tenant_b.slug}")
    assert bare.status_code == 308 and bare.headers["location"] == f"/t/{tenant_b.slug}/"


@pytest.mark.asyncio
async def test_production_ignores_the_development_prefix(tenant_b: TenantRef) -> None:
    resolver = SiteResolver(BASE_DOMAIN, development=False, cache=TenantCache())
    site = await resolver.resolve(BASE_DOMAIN, f"/t/{tenant_b.slug}/api/site")
    assert site == Site(tenant=None)
    assert await resolver.resolve("localhost", "/") is None  # loopback is not the portal there


@pytest.mark.asyncio
async def test_closed_tenant_does_not_resolve_and_suspended_does(app: Litestar) -> None:
    closed = await register_tenant(slug=unique_slug("closed"), name="已关闭", kind=TenantKind.city)
    suspended = await register_tenant(slug=unique_slug("susp"), name="已中止", kind=TenantKind.city)
    await Tenant.update({Tenant.state: TenantState.closed.value}).where(Tenant.id == closed.id)
    await Tenant.update({Tenant.state: TenantState.suspended.value}).where(
        Tenant.id == suspended.id
    )
    resolver = SiteResolver(BASE_DOMAIN, development=True, cache=TenantCache())
    assert await resolver.resolve(f"{closed.slug}.{BASE_DOMAIN}", "/") is None
    site = await resolver.resolve(f"{suspended.slug}.{BASE_DOMAIN}", "/")
    assert site is not None and site.tenant is not None
    assert site.tenant.state is TenantState.suspended


@pytest.mark.asyncio
async def test_cache_serves_repeat_lookups_and_clears(tenant_a: TenantRef) -> None:
    calls: list[str] = []

    async def lookup(slug: str) -> TenantRef | None:
        calls.append(slug)
        return tenant_a

    cache = TenantCache(ttl_alone=60)
    for _ in range(3):
        assert await cache.get("slug:x", lookup, "x") is tenant_a
    assert calls == ["x"]
    cache.clear()
    await cache.get("slug:x", lookup, "x")
    assert calls == ["x", "x"]


@requires("redis")
@pytest.mark.asyncio
async def test_a_change_in_one_worker_clears_every_workers_cache(tenant_a: TenantRef) -> None:
    from redis.asyncio import Redis

    assert SETTINGS.redis_url
    redis = Redis.from_url(SETTINGS.redis_url)
    here, there = TenantCache(), TenantCache()  # two workers' caches
    calls: list[str] = []

    async def lookup(slug: str) -> TenantRef | None:
        calls.append(slug)
        return tenant_a

    async def subscribers() -> int:
        return dict(await redis.pubsub_numsub(CHANNEL))[CHANNEL.encode()]

    try:
        before = await subscribers()  # the suite's own app follows the channel too
        for cache in (here, there):
            cache.bind(redis)
            await cache.start()
        assert there.ttl == 300.0  # followed: entries may live long
        for _ in range(100):  # both subscribed, and so done with their own first clear
            if await subscribers() == before + 2:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        for _ in range(2):
            await there.get("slug:x", lookup, "x")
        assert calls == ["x"]
        await here.changed()
        for _ in range(50):  # the message arrives within a moment
            await asyncio.sleep(0.05)
            await there.get("slug:x", lookup, "x")
            if len(calls) == 2:
                break
        assert calls == ["x", "x"]
    finally:
        for cache in (here, there):
            await cache.close()
        await redis.aclose()


@pytest.mark.asyncio
async def test_a_lookup_that_read_before_a_change_is_not_kept(tenant_a: TenantRef) -> None:
    cache = TenantCache(ttl_alone=60)
    reading, answered = asyncio.Event(), asyncio.Event()
    calls: list[str] = []

    async def slow_lookup(slug: str) -> TenantRef | None:
        calls.append(slug)
        reading.set()
        await answered.wait()
        return tenant_a  # what the row said before the change committed

    first = asyncio.create_task(cache.get("slug:x", slow_lookup, "x"))
    await reading.wait()
    await cache.changed()  # a suspension commits while that lookup is out
    answered.set()
    assert await first is tenant_a  # the request that asked gets its answer
    await cache.get("slug:x", slow_lookup, "x")
    assert calls == ["x", "x"]  # but nothing read before the change was kept


@pytest.mark.asyncio
async def test_the_directory_is_kept_until_a_change() -> None:
    cache = TenantCache(ttl_alone=60)
    states = (TenantState.active,)
    before = await cache.listed(states)
    added = await register_tenant(slug=unique_slug("dir"), name="目录", kind=TenantKind.city)
    assert await cache.listed(states) == before  # kept: no query
    await cache.changed()
    after = await cache.listed(states)
    assert [t.id for t in after] == [t.id for t in before] + [added.id]
    assert added.id not in [t.id for t in await cache.listed((TenantState.closed,))]


def test_split_host() -> None:
    assert split_host("City-A.Sunshine.Test:8000") == "city-a.sunshine.test"
    assert split_host("[::1]:8000") == "[::1]"
    assert split_host("example.cn.") == "example.cn"


@pytest.mark.asyncio
async def test_tenant_dependency_is_404_on_the_main_portal(tenant_a: TenantRef) -> None:
    class Conn:
        def __init__(self, site: Site) -> None:
            self.scope = {SCOPE_KEY: site}

    assert await provide_tenant(Conn(Site(tenant=tenant_a))) is tenant_a  # type: ignore[arg-type]
    with pytest.raises(NotFoundException):
        await provide_tenant(Conn(Site(tenant=None)))  # type: ignore[arg-type]


@pytest.mark.parametrize("slug", ["www", "admin", "api", "-bad", "UPPER_", "a" * 64, "中文"])
@pytest.mark.asyncio
async def test_reserved_or_malformed_slug_is_refused(app: Litestar, slug: str) -> None:
    with pytest.raises(DomainError) as refused:
        await register_tenant(slug=slug, name="x", kind=TenantKind.city)
    assert refused.value.detail["field"] == "slug"


@pytest.mark.asyncio
async def test_duplicate_slug_and_domain_are_one_domain_error(app: Litestar) -> None:
    tenant_a = await _with_custom_domain()
    with pytest.raises(AlreadyExists):
        await register_tenant(slug=tenant_a.slug, name="重复", kind=TenantKind.city)
    with pytest.raises(AlreadyExists):
        await register_tenant(
            slug=unique_slug("other"),
            name="重复域名",
            kind=TenantKind.city,
            custom_domain=tenant_a.custom_domain,
        )
    assert await Tenant.count().where(Tenant.slug == tenant_a.slug) == 1


@pytest.mark.asyncio
async def test_concurrent_registrations_of_one_slug_give_one_tenant(app: Litestar) -> None:
    slug = unique_slug("race")
    results = await asyncio.gather(
        *(register_tenant(slug=slug, name=f"并发{i}", kind=TenantKind.city) for i in range(10)),
        return_exceptions=True,
    )
    created = [r for r in results if isinstance(r, TenantRef)]
    refused = [r for r in results if isinstance(r, AlreadyExists)]
    assert len(created) == 1 and len(refused) == 9, results
    assert await Tenant.count().where(Tenant.slug == slug) == 1


@pytest.mark.asyncio
async def test_malformed_hosts_cost_no_lookup_and_no_cache_entry() -> None:
    cache = TenantCache()
    resolver = SiteResolver(BASE_DOMAIN, development=True, cache=cache)
    for host in ("x" * 8000 + f".{BASE_DOMAIN}", "a_b." + BASE_DOMAIN, "no-tld", "x" * 300):
        assert await resolver.resolve(host, "/") is None
    assert cache._entries == {}


@pytest.mark.asyncio
async def test_concurrent_misses_share_one_lookup(tenant_a: TenantRef) -> None:
    calls = 0

    async def slow_lookup(slug: str) -> TenantRef | None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return tenant_a

    cache = TenantCache()
    results = await asyncio.gather(*(cache.get("slug:x", slow_lookup, "x") for _ in range(50)))
    assert calls == 1 and all(r is tenant_a for r in results)
