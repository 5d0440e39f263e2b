"""Tenants at scale for P3 and P4, in a scratch database of their own on DATABASE_URL's server.

A few tenants come from the real services (``migrate`` then ``seed-demo``: three tenants
registered, their management accounts created and granted ``tenant_admin``, branding, plugins
and published announcements, each with its audit entries). The rest are written by COPY in the
shape of a provisioned tenant whose operator has confirmed its operating unit:

* ``tenant``: slug ``sp<n>``, name, kind, region (a city or county of the ``region`` table),
  ``operator_account``, ``operating_unit_confirmed_at``, ``branding`` = ``{"tokens":
  {"display_name": name}}`` as provisioning writes it; every tenth a custom domain;
* ``account``: the operator ``sp<n>-admin`` and three staff ``sp<n>-staff<k>``, tenant staff of
  that tenant, with an argon2 hash of a random password (one hash, computed once);
* ``casbin_rule``: ``g, u:<account>, tenant_admin|tenant_staff, t<id>`` with domain ``t<id>``,
  what ``grant_role``/``confirm_operating_unit`` write;
* ``announcement``: three published ones a tenant, by its operator;
* ``audit_entry``: the ``tenant.provision`` entry of each tenant, chained with the digest of
  :mod:`core.audit.chain` (``verify-audit`` holds).

The database is named ``<DATABASE_URL's database>_<suffix>``; it is dropped and created again
at the start, dropped at the end unless ``--keep``. The page-cache generations of the seeded
tenant ids are deleted from Redis (``REDIS_URL``), so no page cached by an earlier run with the
same ids is served.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from argon2 import PasswordHasher
from redis.asyncio import Redis

from bench.library import bench_env
from bench.portal import BenchError, Server, run_command
from core.audit.chain import GENESIS, _digest, _payload
from core.authz.model import subject, tenant_domain

STAFF = 3  # besides the operator
ANNOUNCEMENTS = 3
KINDS = ("procurement_notice", "tender_notice", "award_notice")
DEMO_SLUGS = ("jinan", "qingdao", "sdenergy")  # what seed-demo registers


def scratch_dsn(dsn: str, suffix: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}_{suffix}"))


async def _admin(dsn: str) -> asyncpg.Connection:
    return await asyncpg.connect(urlunsplit(urlsplit(dsn)._replace(path="/postgres")))


async def create_database(dsn: str) -> None:
    """An empty database at ``dsn`` (dropped first if it exists)."""
    name = urlsplit(dsn).path.lstrip("/")
    admin = await _admin(dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_database(dsn: str) -> None:
    name = urlsplit(dsn).path.lstrip("/")
    admin = await _admin(dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def scratch_env(tmp: Path, dsn: str) -> dict[str, str]:
    """The server's environment (development mode, for /t/<slug>/) on the scratch database."""
    env = bench_env(tmp)
    env["DATABASE_URL"] = dsn
    return env


def tenant_slug(n: int) -> str:
    return f"sp{n:05d}"


def tenant_name(n: int) -> str:
    return f"阳光采购服务第{n:05d}分平台"


async def seed(dsn: str, env: dict[str, str], tenants: int, first_id: int = 1) -> list[str]:
    """Migrate, seed the demo through the services, then bulk tenants up to ``tenants`` in all;
    tenant ids start at ``first_id``. Returns every tenant's slug, demo ones first."""
    if tenants < len(DEMO_SLUGS):
        raise BenchError(f"at least {len(DEMO_SLUGS)} tenants (the demo's)")
    t0 = time.perf_counter()
    run_command(["-m", "infra.cli", "migrate"], env)
    conn = await asyncpg.connect(dsn)
    try:
        if first_id != 1:
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('tenant', 'id'), $1)", first_id - 1
            )
        run_command(["-m", "infra.cli", "seed-demo"], env)
        services_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        bulk = tenants - len(DEMO_SLUGS)
        await _bulk(conn, bulk)
        await conn.execute("VACUUM ANALYZE")
        counts = {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
            for table in ("tenant", "account", "casbin_rule", "announcement", "audit_entry")
        }
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM tenant ORDER BY id")]
    finally:
        await conn.close()
    print(
        f"  seeded {tenants:,} tenants: {len(DEMO_SLUGS)} by the services (migrate, seed-demo) "
        f"in {services_s:.1f} s, {bulk:,} by COPY in {time.perf_counter() - t0:.1f} s; "
        + ", ".join(f"{table} {n:,}" for table, n in counts.items()),
        file=sys.stderr,
    )
    await forget_cached_pages(env.get("REDIS_URL"), ids)
    return [*DEMO_SLUGS, *(tenant_slug(n) for n in range(1, bulk + 1))]


async def _ids(conn: asyncpg.Connection, table: str, count: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)",
        table,
        count,
    )
    return [r["id"] for r in rows]


async def _bulk(conn: asyncpg.Connection, count: int) -> None:
    if count == 0:
        return
    now = dt.datetime.now(dt.UTC)
    regions = [
        r["code"]
        for r in await conn.fetch("SELECT code FROM region WHERE level >= 2 ORDER BY code")
    ]
    password_hash = PasswordHasher().hash(secrets.token_urlsafe(24))
    tenant_ids = await _ids(conn, "tenant", count)
    account_ids = await _ids(conn, "account", count * (1 + STAFF))
    tenants, accounts, rules, announcements = [], [], [], []
    for n, tenant_id in enumerate(tenant_ids, start=1):
        slug, name = tenant_slug(n), tenant_name(n)
        region = regions[n % len(regions)]
        staff = account_ids[(n - 1) * (1 + STAFF) : n * (1 + STAFF)]
        operator = staff[0]
        tenants.append(
            (
                tenant_id,
                slug,
                name,
                "city" if n % 5 else "enterprise",
                "active",
                f"{slug}.example.cn" if n % 10 == 0 else None,
                region,
                operator,
                now,
                json.dumps({"tokens": {"display_name": name}}, ensure_ascii=False),
                None,
                now,
            )
        )
        dom = tenant_domain(tenant_id)
        for k, account_id in enumerate(staff):
            username = f"{slug}-admin" if k == 0 else f"{slug}-staff{k}"
            display = f"{name}管理员" if k == 0 else f"{name}工作人员{k}"
            accounts.append(
                (
                    account_id,
                    username,
                    None,
                    display,
                    "tenant_staff",
                    tenant_id,
                    f"{username}@example.cn",
                    password_hash,
                    now,
                    True,
                    None,
                    now,
                )
            )
            role = "tenant_admin" if k == 0 else "tenant_staff"
            rules.append(("g", dom, subject(account_id), role, dom, "", "", ""))
        for k, kind in enumerate(KINDS[:ANNOUNCEMENTS]):
            published = now - dt.timedelta(minutes=n * ANNOUNCEMENTS + k)
            announcements.append(
                (
                    tenant_id,
                    kind,
                    f"{name}2026年第{k + 1}批采购项目公告",
                    f"SP{n:05d}-2026-{k + 1:03d}",
                    "goods",
                    "open_tender",
                    region,
                    f"<p>{name}采购项目，欢迎符合条件的供应商参加。</p>",
                    "published",
                    None,
                    published + dt.timedelta(days=20),
                    published,
                    operator,
                    published,
                    published,
                )
            )
    await conn.copy_records_to_table(
        "tenant",
        records=tenants,
        columns=[
            "id",
            "slug",
            "name",
            "kind",
            "state",
            "custom_domain",
            "region_code",
            "operator_account",
            "operating_unit_confirmed_at",
            "branding",
            "sessions_valid_after",
            "created_at",
        ],
    )
    await conn.copy_records_to_table(
        "account",
        records=accounts,
        columns=[
            "id",
            "username",
            "credit_code",
            "display_name",
            "kind",
            "tenant",
            "email",
            "password_hash",
            "password_changed_at",
            "is_active",
            "totp_secret",
            "created_at",
        ],
    )
    await conn.copy_records_to_table(
        "casbin_rule",
        records=rules,
        columns=["ptype", "domain", "v0", "v1", "v2", "v3", "v4", "v5"],
    )
    await conn.copy_records_to_table(
        "announcement",
        records=announcements,
        columns=[
            "tenant",
            "type",
            "title",
            "project_code",
            "category",
            "method",
            "region_code",
            "body_html",
            "state",
            "corrects",
            "deadline_at",
            "published_at",
            "created_by",
            "created_at",
            "updated_at",
        ],
    )
    await _audit(conn, tenant_ids, now)


async def _audit(conn: asyncpg.Connection, tenant_ids: list[int], now: dt.datetime) -> None:
    """The ``tenant.provision`` entry of each tenant, appended to the chain as record() does."""
    last = await conn.fetchrow("SELECT seq, digest FROM audit_entry ORDER BY seq DESC LIMIT 1")
    seq, prev = (last["seq"], last["digest"]) if last else (0, GENESIS)
    entries = []
    for tenant_id in tenant_ids:
        seq += 1
        row: dict[str, object] = {
            "seq": seq,
            "at": now,
            "actor_id": None,
            "actor": "system:bench-seed",
            "tenant_id": tenant_id,
            "action": "tenant.provision",
            "object": f"tenant:{tenant_id}",
            "outcome": "success",
            "client_ip": None,
            "request_id": None,
            "algorithm": "sm3",
            "prev_digest": prev,
        }
        row["digest"] = prev = _digest("sm3", _payload(row))
        entries.append(row)
    columns = list(entries[0])
    await conn.copy_records_to_table(
        "audit_entry", records=[tuple(e[c] for c in columns) for e in entries], columns=columns
    )


async def forget_cached_pages(redis_url: str | None, tenant_ids: list[int]) -> None:
    """Drop the page-cache generation of these tenant ids (and the main portal's)."""
    if not redis_url:
        return
    redis = Redis.from_url(redis_url)
    try:
        keys = ["sunshine_hq:pages:generation"]
        keys += [f"sunshine_t{i}:pages:generation" for i in tenant_ids]
        for start in range(0, len(keys), 5000):
            await redis.delete(*keys[start : start + 5000])
    finally:
        await redis.aclose()


def check_home(server: Server, slug: str, name: str | None = None) -> None:
    """The tenant's home answers 200 and shows its name (a bulk tenant works)."""
    response = server.get(f"/t/{slug}/")
    if response.status_code != 200:
        raise BenchError(
            f"/t/{slug}/ answered {response.status_code}:\n{response.text[:300]}\n"
            f"{server.log_tail(15)}"
        )
    if name is not None and name not in response.text:
        raise BenchError(f"/t/{slug}/ does not show {name}")


def check_seeded(server: Server, slugs: list[str]) -> None:
    """A demo tenant, the first and the last bulk tenant render with their names."""
    check_home(server, slugs[0])
    bulk = len(slugs) - len(DEMO_SLUGS)
    for n in sorted({1, bulk}) if bulk else []:
        check_home(server, tenant_slug(n), tenant_name(n))


def require_services() -> str | None:
    """One line saying what is missing, or None."""
    dsn = os.environ.get("DATABASE_URL", "")
    if not dsn.startswith(("postgresql://", "postgres://")) or not os.environ.get("REDIS_URL"):
        return (
            "needs PostgreSQL and Redis: set DATABASE_URL=postgresql://… and REDIS_URL=redis://… "
            '(local services: source "$(bash infra/services.sh start)"), then run again'
        )
    return None
