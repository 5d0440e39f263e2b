"""Test set-up. The environment is fixed here, before the application is imported, because
settings are read once per process.

With no service settings the suite runs embedded (SQLite file, memory store, local objects);
``infra/test.sh`` exports ``DATABASE_URL``, ``REDIS_URL`` and ``S3_*`` to run it on the real ones.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import uuid
from collections.abc import AsyncIterator

import pytest

BASE_DOMAIN = "sunshine.test"
os.environ["SUNSHINE_ENV"] = "development"
os.environ["SUNSHINE_BASE_DOMAIN"] = BASE_DOMAIN
os.environ["SUNSHINE_DATA_DIR"] = tempfile.mkdtemp(prefix="sunshine-tests-")
os.environ.pop("SUNSHINE_SECRET_KEY", None)
# Thousands of accounts are created and signed in: argon2 at ~100 ms each would be minutes.
os.environ["SUNSHINE_CHEAP_PASSWORD_HASHING"] = "1"

import httpx  # noqa: E402
import pytest_asyncio  # noqa: E402
from litestar import Litestar  # noqa: E402

from core.app import create_app  # noqa: E402
from core.data.migrations import migrate  # noqa: E402
from core.identity.accounts import create_account  # noqa: E402
from core.identity.principal import Principal  # noqa: E402
from core.identity.tables import Account, AccountKind  # noqa: E402
from core.settings import Settings, get_settings  # noqa: E402
from core.tenancy.registry import TenantRef, register_tenant  # noqa: E402
from core.tenancy.tables import TenantKind  # noqa: E402

SETTINGS: Settings = get_settings()


def requires(part: str) -> pytest.MarkDecorator:
    """Skip unless the suite runs on the real service behind ``part``."""
    present = {
        "postgres": SETTINGS.database.postgres_dsn is not None,
        "redis": SETTINGS.redis_url is not None,
        "s3": SETTINGS.s3 is not None,
    }[part]
    return pytest.mark.skipif(not present, reason=f"{part} settings absent: embedded run")


async def _empty_real_services() -> None:
    """Start from nothing: an empty schema, an empty Redis database."""
    if SETTINGS.database.postgres_dsn:
        import asyncpg

        conn = await asyncpg.connect(SETTINGS.database.postgres_dsn)
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
    if SETTINGS.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(SETTINGS.redis_url)
        await redis.flushdb()
        await redis.aclose()


@pytest_asyncio.fixture(scope="session")
async def app() -> AsyncIterator[Litestar]:
    """The application with its lifespan entered, on a schema built by the migrations only."""
    await _empty_real_services()
    application = create_app()
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        # Litestar's lifespan holds an anyio cancel scope, which must be left by the task
        # that entered it; pytest-asyncio tears session fixtures down from another task.
        async with application.lifespan():
            started.set()
            await stop.wait()

    lifespan = asyncio.create_task(run_lifespan())
    await asyncio.wait(
        [lifespan, asyncio.create_task(started.wait())], return_when="FIRST_COMPLETED"
    )
    if lifespan.done():
        lifespan.result()  # start-up failed: raise its error
    await migrate()
    yield application
    stop.set()
    await lifespan


_addresses = itertools.count(1)


def client_for(app: Litestar, host: str) -> httpx.AsyncClient:
    """A client whose requests carry ``Host: host``, served in this event loop over HTTPS
    (so ``Secure`` cookies travel as in a browser), from an address of its own (so per-IP
    lockout counters of one test never reach another)."""
    n = next(_addresses)
    client_ip = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(client_ip, 40000)),
        base_url=f"https://{host}",
        follow_redirects=False,
    )


async def with_csrf(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Fetch the CSRF cookie and send it back as the header, as the site's pages would."""
    await client.get("/api/site")
    client.headers["x-csrftoken"] = client.cookies["__Host-csrftoken"]
    return client


PASSWORD = "Sunsh1ne-Test"


async def new_account(
    kind: AccountKind,
    tenant: TenantRef | None = None,
    *,
    password: str = PASSWORD,
    credit_code: str | None = None,
) -> Principal:
    username = unique_slug(kind.value.replace("_", "-"))
    account_id = await create_account(
        username=username,
        display_name=username,
        kind=kind,
        password=password,
        tenant_id=tenant.id if tenant else None,
    )
    if credit_code:
        await Account.update({Account.credit_code: credit_code}).where(Account.id == account_id)
    return Principal(account_id, username, kind, tenant.id if tenant else None)


async def sign_in(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD
) -> httpx.Response:
    await with_csrf(client)
    return await client.post("/api/auth/login", json={"login": login, "password": password})


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest_asyncio.fixture(scope="session")
async def tenant_a(app: Litestar) -> TenantRef:
    return await register_tenant(
        slug=unique_slug("city-a"),
        name="甲市阳光采购服务分平台",
        kind=TenantKind.city,
        custom_domain=f"{uuid.uuid4().hex[:6]}.cg-a.example.cn",
    )


@pytest_asyncio.fixture(scope="session")
async def tenant_b(app: Litestar) -> TenantRef:
    return await register_tenant(
        slug=unique_slug("corp-b"), name="乙集团阳光采购服务分平台", kind=TenantKind.enterprise
    )


@pytest_asyncio.fixture
async def main_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, BASE_DOMAIN) as client:
        yield client


@pytest_asyncio.fixture
async def client_a(app: Litestar, tenant_a: TenantRef) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, f"{tenant_a.slug}.{BASE_DOMAIN}") as client:
        yield client


@pytest_asyncio.fixture
async def client_b(app: Litestar, tenant_b: TenantRef) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, f"{tenant_b.slug}.{BASE_DOMAIN}") as client:
        yield client
