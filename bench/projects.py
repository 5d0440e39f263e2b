"""P9: a tenant's project list (项目登记 list) over 100,000 projects, against the database's
floor of the same query, in one run.

    .venv/bin/python -m bench.projects [--projects 100000] [--requests 500]

Ours is ``GET /console/projects/`` as the tenant's administrator, in process (the whole
application with its middleware, Litestar's test client, no network), timed by the server
itself (its ``Server-Timing: app;dur=`` header): the session, the Casbin decision, the query
of the newest page (50) with the purchaser's and the service owner's names, and the page's render.
The reference is that query alone through the engine, on the same rows. Target: p99 ≤ 20 ms.
The projects are written straight to the table in batches (registration's rules are not what
is measured). Runs on the embedded default in a scratch directory, or on PostgreSQL when
``DATABASE_URL`` is given (as ``python -m bench`` does); that database is migrated, and the
bench's tenant and rows are left in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sqlite3
import statistics
import sys
import time
import uuid

from bench.in_process import run_in_process

TARGET_MS = 20.0
BATCH = 1000  # rows an insert: PostgreSQL takes 32,767 parameters a statement


class _Reference:
    """The list's SQL on a connection of its own (the application's pool lives in the test
    client's event loop, not this one)."""

    def __init__(self, sql: str, connection: object) -> None:
        self.sql, self.connection = sql, connection

    async def run(self) -> tuple[float, int]:
        begun = time.perf_counter()
        if isinstance(self.connection, sqlite3.Connection):
            rows = self.connection.execute(self.sql).fetchall()
        else:
            rows = await self.connection.fetch(self.sql)  # type: ignore[attr-defined]
        return (time.perf_counter() - begun) * 1000, len(rows)

    async def close(self) -> None:
        if isinstance(self.connection, sqlite3.Connection):
            self.connection.close()
        else:
            await self.connection.close()  # type: ignore[attr-defined]


async def _reference(sql: str, settings: object) -> _Reference:
    url = os.environ.get("DATABASE_URL")
    if url:
        import asyncpg

        return _Reference(sql, await asyncpg.connect(url))
    path = settings.database.sqlite_path  # type: ignore[attr-defined]
    return _Reference(sql, sqlite3.connect(path))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> int:
    from litestar.testing import AsyncTestClient

    from core.app import create_app
    from core.authz.authorizer import Authorizer
    from core.authz.policies import grant_first_admin, grant_role, sync_role_catalogue
    from core.data.engine import close_database, open_database
    from core.data.migrations import migrate
    from core.identity.accounts import create_account
    from core.identity.principal import Principal
    from core.identity.tables import AccountKind
    from core.settings import get_settings
    from core.stores import Stores
    from core.tenancy.registry import register_tenant
    from core.tenancy.tables import TenantKind
    from tenants.projects.reading import PAGE
    from tenants.projects.tables import Project, Purchaser

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line a request otherwise
    settings = get_settings()
    run = uuid.uuid4().hex[:8]
    password = f"Bench-{uuid.uuid4().hex}"
    await open_database(settings.database)
    stores = Stores(settings)
    try:
        await migrate()
        authorizer = Authorizer(stores.redis)
        await sync_role_catalogue(authorizer)
        tenant = await register_tenant(
            slug=f"bench-list-{run}",
            name="项目列表基准分平台",
            kind=TenantKind.city,
            region_code="370100",
        )
        hq_id = await create_account(
            username=f"bench-hq-{run}",
            display_name="hq",
            kind=AccountKind.hq_staff,
            password=password,
        )
        hq = Principal(hq_id, f"bench-hq-{run}", AccountKind.hq_staff)
        await grant_first_admin(authorizer, hq_id, command="bench")
        admin_id = await create_account(
            username=f"bench-admin-{run}",
            display_name="管理员",
            kind=AccountKind.tenant_staff,
            password=password,
            tenant_id=tenant.id,
        )
        await grant_role(
            authorizer, hq, account_id=admin_id, role="tenant_admin", tenant_id=tenant.id
        )
        unit = (
            await Purchaser.insert(
                Purchaser(
                    tenant=tenant.id,
                    tenant_code=f"{tenant.id}:bench",
                    credit_code="x" * 18,
                    name="基准采购人",
                    region_code="370100",
                )
            ).returning(Purchaser.id)
        )[0]["id"]
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        for first in range(0, args.projects, BATCH):
            await Project.insert(
                *[
                    Project(
                        tenant=tenant.id,
                        purchaser=unit,
                        code=f"B{run}{n:08d}",
                        title=f"基准项目 {n}",
                        track="tender",
                        method="open_tender",
                        category="goods",
                        budget_fen=100_000 + n,
                        state=("draft", "submitted", "registered")[n % 3],
                        created_by=admin_id,
                        due_at=now,
                    )
                    for n in range(first, min(first + BATCH, args.projects))
                ]
            )
        await Project.raw("ANALYZE project")  # as autovacuum would after such a load
        seeded = time.perf_counter() - started
    finally:
        await stores.close()
        await close_database()

    app = create_app()
    ours: list[float] = []
    floor: list[float] = []
    async with AsyncTestClient(app, base_url=f"https://{tenant.slug}.{settings.base_domain}") as c:
        await c.get("/api/site")
        c.headers["x-csrftoken"] = c.cookies.get("__Host-csrftoken", "")
        login = {"login": f"bench-admin-{run}", "password": password}
        signed = await c.post("/api/auth/login", json=login)
        if signed.status_code != 200:
            raise SystemExit(f"sign-in failed: {signed.status_code} {signed.text[:300]}")
        query = (
            Project.select(
                *Project.all_columns(),
                Project.purchaser.name.as_alias("purchaser_name"),
                Project.service_owner.display_name.as_alias("owner_name"),
            )
            .where(Project.tenant == tenant.id)
            .order_by(Project.id, ascending=False)
            .limit(PAGE)
        )
        reference = await _reference(str(query), settings)  # its own connection and loop
        try:
            for n in range(50 + args.requests):  # 50 warm-up requests first
                page = await c.get("/console/projects/")
                if page.status_code != 200 or "基准项目" not in page.text:
                    raise SystemExit(f"the list went wrong: {page.status_code}")
                timing = page.headers["server-timing"].split("dur=")[1]
                spent, count = await reference.run()
                if n >= 50:
                    ours.append(float(timing))
                    floor.append(spent)
                assert count == PAGE
        finally:
            await reference.close()
    where = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {where}; "
        f"{args.projects:,} projects seeded in {seeded:.0f} s; {args.requests} requests"
    )
    p99, ref99 = _p(ours, 0.99), _p(floor, 0.99)
    print(
        f"P9 project list: ours p50 {statistics.median(ours):.2f} ms p99 {p99:.2f} ms, "
        f"reference p50 {statistics.median(floor):.2f} ms p99 {ref99:.2f} ms, "
        f"ratio {p99 / ref99:.2f}, target p99 ≤ {TARGET_MS} ms "
        f"{'met' if p99 <= TARGET_MS else 'missed'}"
    )
    return 0 if p99 <= TARGET_MS else 1


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    return run_in_process(main, args, "projects")


if __name__ == "__main__":
    sys.exit(cli())
