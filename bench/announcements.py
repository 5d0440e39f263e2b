"""P5: the main portal's announcement list over a million announcements of many sub-platforms,
on PostgreSQL and Redis, beside the same SQL straight through asyncpg, in one run.

    DATABASE_URL=postgresql://… REDIS_URL=redis://… .venv/bin/python -m bench.announcements \\
        [--announcements 1000000] [--tenants 300] [--requests 1500] [--keep] [--reuse]

Ours is the production server, ``python -m infra.cli serve --workers 1`` (uvicorn) on 127.0.0.1,
asked for ``/announcements`` on the main portal's host one request at a time over one keep-alive
connection, as an anonymous visitor. The figure is the server's own time, its
``Server-Timing: app;dur=`` header (target p99 ≤ 20 ms); the client's time is shown beside it.
The pages asked for are those visitors open: the first page (a third of the requests), a type
(招标公告 …), a type and category, pages 2–10 of either, and (a separate figure) one
sub-platform's list, page 1–3, of a random listed sub-platform. Three figures:

* ``cached``: the page cache (``themes/cache.py``) holds every page asked for (each was asked
  once first), as between two publications;
* ``uncached``: the same requests, but before each the main portal's cache generation is renewed
  in Redis (what a publication anywhere does), so every one is rendered: the store's miss, the
  queries, the template, the store's set;
* ``by sub-platform``: ``?tenant=<slug>``, which the page never caches (a visitor could vary it
  without bound).

The reference is the database's floor for the same pages: the SQL the list page runs (the
search in ``tenants/announcements/queries.py`` and the sub-platform directory of the filter
form, ``core/tenancy/registry.list_tenants``; for one sub-platform's list first the lookup of
its id by its slug), as Piccolo writes it, through asyncpg on one
connection, with the same values. Reference and ours are timed in alternating blocks (see
``bench.library.measure``). Answers are checked: every page lists the ids of the SQL's first
20 rows, in order. ``EXPLAIN ANALYZE`` of the slowest statements is printed.

PostgreSQL and Redis only. What it changes in that database: it runs the migrations, deletes the
sub-platforms of earlier runs (slug ``p5-`` and four digits: a real one named so would go too)
with their announcements, and
seeds new ones by COPY: ``--tenants`` tenants (2 % suspended, whose announcements the main portal
withdraws, 1 % closed, some warned or revoked), and ``--announcements`` announcements spread over
them unevenly (a Zipf-like share: a few large cities, many small ones), published over three
years in id order, 3 % still drafts, 8 % corrections naming one of the 1000 announcements before
them (of any sub-platform, unlike real ones: the list never follows the link). They are deleted
again at the end unless ``--keep`` (``--reuse`` then skips the seeding).
The test suite drops the schema of the database it runs on: give this one of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import secrets
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import asyncpg
from redis import Redis

from bench.library import (
    CITIES,
    INDUSTRIES,
    Api,
    Measured,
    Timings,
    bench_env,
    connect,
    load,
    measure,
    p50_p99,
)
from bench.portal import BenchError, Server, run_bench, run_command

TARGET_MS = 20.0
WARMUP = 50
BATCH = 50_000  # rows a COPY
PER_PAGE = 20  # tenants/announcements/queries.PER_PAGE
SLUG_PREFIX = "p5-"
BENCH_TENANTS = "slug LIKE 'p5-____'"
LISTED = ("active", "warned", "admin_revoked")  # queries.LISTED_STATES
# The main portal's page cache generation (core/stores.py: RedisStore namespace "sunshine",
# scope "hq", store "pages"; themes/cache.py: key "generation").
GENERATION_KEY = "sunshine_hq:pages:generation"

# The SQL of the list page as Piccolo writes it, captured from PostgreSQL's statement log: the
# search of queries.search on the main portal (each filter nests the WHERE clause once more,
# see Variant.sql), the sub-platform directory of the filter form (registry.list_tenants) and,
# when the list is one sub-platform's, the lookup of its id by its slug (TENANT_SQL).
_SEARCH_COLUMNS = (
    *(
        f'"announcement"."{c}" AS "{c}"'
        for c in (
            "id",
            "type",
            "title",
            "project_code",
            "category",
            "method",
            "region_code",
            "published_at",
            "deadline_at",
            "corrects",
        )
    ),
    '"announcement$tenant"."slug" AS "tenant_slug"',
    '"announcement$tenant"."name" AS "tenant_name"',
)
SEARCH_FROM = (
    f'SELECT ALL {", ".join(_SEARCH_COLUMNS)} FROM "announcement" '  # noqa: S608 - our columns
    'LEFT JOIN "tenant" "announcement$tenant" '
    'ON ("announcement"."tenant" = "announcement$tenant"."id")'
)
SEARCH_SCOPE = '("announcement"."state" = $1 AND "announcement$tenant"."state" IN ($2, $3, $4))'
SEARCH_ORDER = (
    ' ORDER BY "announcement"."published_at" DESC, "announcement"."id" DESC '
    "LIMIT {limit} OFFSET {offset}"
)
TENANT_SQL = 'SELECT ALL "tenant"."id" AS "id" FROM "tenant" WHERE "tenant"."slug" = $1 LIMIT 1'
DIRECTORY_SQL = (
    "SELECT ALL "  # noqa: S608 - fixed column names
    + ", ".join(
        f'"tenant"."{c}" AS "{c}"'
        for c in (
            "id",
            "slug",
            "name",
            "kind",
            "state",
            "custom_domain",
            "region_code",
            "sessions_valid_after",
        )
    )
    + ' FROM "tenant" WHERE "tenant"."state" IN ($1, $2, $3) ORDER BY "tenant"."id" ASC'
)

TYPES = {  # the ten types and their share of what is published
    "tender_notice": 20,
    "procurement_notice": 20,
    "grant_notice": 2,
    "transfer_notice": 3,
    "correction": 8,
    "special_matters": 2,
    "candidate_publicity": 12,
    "deal_result_publicity": 10,
    "award_notice": 13,
    "deal_notice": 10,
}
TYPE_WORDS = {
    "tender_notice": "招标公告",
    "procurement_notice": "采购公告",
    "grant_notice": "出让公告",
    "transfer_notice": "转让公告",
    "correction": "更正公告",
    "special_matters": "特殊事项公告",
    "candidate_publicity": "中标候选人公示",
    "deal_result_publicity": "成交结果公示",
    "award_notice": "中标结果公告",
    "deal_notice": "成交公告",
}
WITH_DEADLINE = {"tender_notice", "procurement_notice", "grant_notice", "transfer_notice"}
CATEGORIES = ("goods", "works", "services")
METHODS = (
    "open_tender",
    "invited_tender",
    "competitive_negotiation",
    "competitive_consultation",
    "request_for_quotation",
    "single_source",
    "framework_agreement",
    "other",
)
BUYERS = (
    "市人民医院",
    "市第一中学",
    "市公安局",
    "市交通运输局",
    "市水务集团",
    "市城市管理局",
    "市教育局",
    "市卫生健康委员会",
    "市住房和城乡建设局",
    "市农业农村局",
    "区人民政府",
    "县人民医院",
    "集团有限公司",
    "能源集团有限公司",
)
TENANT_COLUMNS = ["slug", "name", "kind", "state", "region_code", "branding", "created_at"]
ANNOUNCEMENT_COLUMNS = [
    "id",
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
]
YEARS = 3


def tenant_rows(count: int, now: dt.datetime) -> list[tuple[object, ...]]:
    """Cities and their districts (地市机构) and provincial enterprises (省属企业)."""
    rows = []
    for i in range(count):
        city, districts = CITIES[i % len(CITIES)]
        enterprise = i % 5 == 4
        name = (
            f"山东{INDUSTRIES[i % len(INDUSTRIES)]}集团{i:04d}阳光采购服务分平台"
            if enterprise
            else f"{city}{i:04d}阳光采购服务分平台"
        )
        state = "active"
        if i % 50 == 7:
            state = "suspended"
        elif i % 100 == 13:
            state = "closed"
        elif i % 25 == 3:
            state = "warned"
        elif i % 100 == 21:
            state = "admin_revoked"
        rows.append(
            (
                f"{SLUG_PREFIX}{i:04d}",
                name,
                "enterprise" if enterprise else "city",
                state,
                "370000" if enterprise else districts[i % len(districts)],
                "{}",
                now - dt.timedelta(days=4 * 365),
            )
        )
    return rows


@dataclass(frozen=True)
class Seeded:
    tenants: list[tuple[int, str, str, str]]  # id, slug, state, region
    first_id: int


def shares(tenants: int) -> list[float]:
    """Each tenant's share of the announcements: Zipf-like, in a shuffled order."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(tenants)]
    random.Random(3).shuffle(weights)
    return weights


def announcement_rows(
    seeded: Seeded, start: int, stop: int, total: int, now: dt.datetime
) -> Iterator[tuple[object, ...]]:
    """Announcements start … stop-1 of ``total``, the same on every run: published in id order
    over the last three years."""
    rng = random.Random(start)
    weights = shares(len(seeded.tenants))
    tenants = rng.choices(seeded.tenants, weights, k=stop - start)
    types = rng.choices(list(TYPES), list(TYPES.values()), k=stop - start)
    span = dt.timedelta(days=365 * YEARS)
    origin = now - span
    for n, i in enumerate(range(start, stop)):
        tenant_id, slug, _, region = tenants[n]
        kind = types[n]
        published_at = origin + span * (i / total)
        draft = rng.random() < 0.03
        corrects = None
        if kind == "correction" and i > 1000:
            # one of the same tenant would need a lookup; the list never follows the link
            corrects = seeded.first_id + rng.randrange(i - 1000, i)
        buyer = BUYERS[(i * 7) % len(BUYERS)]
        project = f"{INDUSTRIES[(i * 13) % len(INDUSTRIES)]}采购项目"
        code = f"{slug.upper()}-{published_at.year}-{i % 100_000:05d}"
        body = (
            f"<p>{buyer}{project}（项目编号：{code}）{TYPE_WORDS[kind]}。</p>"
            "<p>一、项目概况：本项目采用公开方式，欢迎符合条件的供应商参加。</p>"
            "<p>二、供应商资格要求：具有独立承担民事责任的能力；具有良好的商业信誉和健全的"
            "财务会计制度；参加采购活动前三年内，在经营活动中没有重大违法记录。</p>"
            "<p>三、获取采购文件：请于公告期内登录本平台下载。</p>"
            f"<p>四、联系方式：{buyer}，联系电话 0531-{i % 10**8:08d}。</p>"
        )
        yield (
            seeded.first_id + i,
            tenant_id,
            kind,
            f"{buyer}{project}{TYPE_WORDS[kind]}",
            code,
            CATEGORIES[i % 3],
            METHODS[(i // 3) % len(METHODS)],
            region,
            body,
            "draft" if draft else "published",
            corrects,
            published_at + dt.timedelta(days=20) if kind in WITH_DEADLINE else None,
            None if draft else published_at,
            1,
            published_at - dt.timedelta(hours=20),
            published_at,
        )


async def delete_bench_rows(conn: asyncpg.Connection) -> str:
    await conn.execute(
        f"DELETE FROM announcement WHERE tenant IN (SELECT id FROM tenant WHERE {BENCH_TENANTS})"  # noqa: S608
    )
    return await conn.execute(f"DELETE FROM tenant WHERE {BENCH_TENANTS}")  # noqa: S608


async def bench_tenants(conn: asyncpg.Connection) -> list[tuple[int, str, str, str]]:
    rows = await conn.fetch(
        f"SELECT id, slug, state, region_code FROM tenant WHERE {BENCH_TENANTS} ORDER BY slug"  # noqa: S608
    )
    return [(r["id"], r["slug"], r["state"], r["region_code"]) for r in rows]


async def in_place(conn: asyncpg.Connection, tenants: int, announcements: int) -> Seeded | None:
    """What an earlier --keep run left, if it is exactly this size."""
    seeded = await bench_tenants(conn)
    count = await conn.fetchval(
        f"SELECT count(*) FROM announcement WHERE tenant IN "  # noqa: S608
        f"(SELECT id FROM tenant WHERE {BENCH_TENANTS})"
    )
    if len(seeded) != tenants or count != announcements:
        return None
    first = await conn.fetchval(
        "SELECT min(id) FROM announcement WHERE tenant = ANY($1)", [t[0] for t in seeded]
    )
    return Seeded(seeded, first)


async def seed(conn: asyncpg.Connection, tenants: int, announcements: int) -> Seeded:
    t0 = time.perf_counter()
    deleted = await delete_bench_rows(conn)
    print(f"  deleted earlier bench rows ({deleted} tenants) in {time.perf_counter() - t0:.1f} s")
    now = dt.datetime.now(dt.UTC)
    await conn.copy_records_to_table(
        "tenant", records=tenant_rows(tenants, now), columns=TENANT_COLUMNS
    )
    seeded_tenants = await bench_tenants(conn)
    # A block of ids of our own, so that corrections can name earlier ones.
    first_id = await conn.fetchval(
        "SELECT setval(pg_get_serial_sequence('announcement', 'id'), "
        "nextval(pg_get_serial_sequence('announcement', 'id')) + $1) - $1 + 1",
        announcements,
    )
    seeded = Seeded(seeded_tenants, first_id)
    loop = asyncio.get_running_loop()

    def batch(start: int) -> list[tuple[object, ...]]:
        stop = min(start + BATCH, announcements)
        return list(announcement_rows(seeded, start, stop, announcements, now))

    t0 = time.perf_counter()
    upcoming = loop.run_in_executor(None, batch, 0)
    for start in range(0, announcements, BATCH):
        rows = await upcoming
        if start + BATCH < announcements:  # the next batch is made while this one is copied
            upcoming = loop.run_in_executor(None, batch, start + BATCH)
        await conn.copy_records_to_table("announcement", records=rows, columns=ANNOUNCEMENT_COLUMNS)
        print(
            f"\r  seeded {start + len(rows):,} of {announcements:,} "
            f"({time.perf_counter() - t0:.0f} s)",
            end="",
            file=sys.stderr,
            flush=True,
        )
    print(file=sys.stderr)
    copy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    await conn.execute("VACUUM ANALYZE announcement")
    await conn.execute("VACUUM ANALYZE tenant")
    print(
        f"  seeded {tenants} sub-platforms and {announcements:,} announcements by COPY in "
        f"{copy_s:.1f} s ({announcements / copy_s:,.0f} rows/s), VACUUM ANALYZE "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return seeded


@dataclass(frozen=True)
class Variant:
    """One list page: its query string and the SQL the page runs for it."""

    query: dict[str, str | int]

    @property
    def path(self) -> str:
        return "/announcements" + (f"?{urlencode(self.query)}" if self.query else "")

    def sql(self, tenant_id: int | None = None) -> tuple[str, list[object]]:
        """The search, as Piccolo writes it for these filters (a sub-platform by the id that
        TENANT_SQL finds for its slug), with its arguments."""
        args: list[object] = ["published", *LISTED]
        where = SEARCH_SCOPE
        for column in ("type", "category", "tenant"):
            if column in self.query:
                args.append(tenant_id if column == "tenant" else self.query[column])
                where = f'({where} AND "announcement"."{column}" = ${len(args)})'
        page = int(self.query.get("page", 1))
        order = SEARCH_ORDER.format(limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
        return f"{SEARCH_FROM} WHERE {where}{order}", args


def visitors(count: int, listed: Sequence[str], seed: int) -> tuple[list[Variant], list[Variant]]:
    """What ``count`` visitors ask for: cacheable pages, and one sub-platform's list."""
    rng = random.Random(seed)
    types = list(TYPES)
    cacheable, by_tenant = [], []
    for _ in range(count):
        roll = rng.random()
        query: dict[str, str | int] = {}
        if roll >= 1 / 3:
            query["type"] = rng.choice(types)
            if roll >= 0.8:
                query["category"] = rng.choice(CATEGORIES)
        if rng.random() < 0.3:
            query["page"] = rng.randint(2, 10)
        cacheable.append(Variant(query))
        tenant_query: dict[str, str | int] = {"tenant": rng.choice(listed)}
        if rng.random() < 0.3:
            tenant_query["page"] = rng.randint(2, 3)
        by_tenant.append(Variant(tenant_query))
    return cacheable, by_tenant


_LINK = re.compile(rb'href="/announcements/(\d+)"')


def check(variants: Sequence[Variant], measured: Measured) -> None:
    for variant, body, rows in zip(variants, measured.answers, measured.expected, strict=True):
        shown = [int(i) for i in _LINK.findall(body)]  # type: ignore[arg-type]
        expected = [r["id"] for r in rows[:PER_PAGE]]
        if shown != expected:
            raise BenchError(
                f"{variant.path}: the page lists {shown[:5]}…, the SQL {expected[:5]}…"
            )


async def plan(conn: asyncpg.Connection, variant: Variant) -> str:
    tenant = variant.query.get("tenant")
    sql, args = variant.sql(await conn.fetchval(TENANT_SQL, tenant) if tenant else None)
    rows = await conn.fetch(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) {sql}", *args)
    lines = [r[0].strip().removeprefix("-> ").strip() for r in rows]
    return " | ".join(line for line in lines if line)


def figure(label: str, measured: Measured) -> str:
    ours = measured.ours
    c50, c99 = p50_p99(ours.client)
    s50, s99 = p50_p99(ours.server)
    r50, r99 = p50_p99(measured.reference)
    cpu_ms = ours.cpu_s / len(ours.client) * 1000
    verdict = "met" if s99 <= TARGET_MS else "MISSED"
    return (
        f"P5 {label:<16} ours server p50 {s50:6.2f} ms p99 {s99:6.2f} ms "
        f"(client p50 {c50:6.2f} p99 {c99:6.2f} ms, CPU {cpu_ms:.2f} ms a request)  "
        f"reference p50 {r50:6.2f} ms p99 {r99:6.2f} ms  ratio {s99 / r99:5.2f}  "
        f"target p99 <= {TARGET_MS:g} ms: {verdict}"
    )


async def bench(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> int:
    started = time.perf_counter()
    dsn = os.environ["DATABASE_URL"]
    env = bench_env(tmp)
    where = urlsplit(dsn)
    print(
        f"machine: {os.cpu_count()} CPUs, load {load()}; database {where.path.lstrip('/')} on "
        f"{where.hostname}:{where.port or 5432}; page cache in Redis"
    )
    conn = await connect(dsn)
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        print("migrating…", file=sys.stderr)
        run_command(["-m", "infra.cli", "migrate"], env)
        seeded = None
        if args.reuse:
            seeded = await in_place(conn, args.tenants, args.announcements)
            if seeded:
                print(f"  reusing the {args.announcements:,} announcements an earlier run left")
        if seeded is None:
            print(f"seeding {args.announcements:,} announcements…", file=sys.stderr)
            seeded = await seed(conn, args.tenants, args.announcements)
        size = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('announcement'))")
        published = await conn.fetchval(
            "SELECT count(*) FROM announcement a JOIN tenant t ON t.id = a.tenant "
            "WHERE a.state = 'published' AND t.state = ANY($1)",
            list(LISTED),
        )
        listed = [slug for _, slug, state, _ in seeded.tenants if state in LISTED]

        server = Server(
            "ours",
            int(env["SUNSHINE_PORT"]),
            ["-m", "infra.cli", "serve", "--workers", "1"],
            env,
            tmp / "ours.log",
        )
        servers.append(server)
        server.wait_ready("/healthz")
        api = Api(server)

        async def reference(variant: Variant) -> list[asyncpg.Record]:
            tenant_id = None
            if "tenant" in variant.query:
                tenant_id = await conn.fetchval(TENANT_SQL, variant.query["tenant"])
            sql, sql_args = variant.sql(tenant_id)
            rows = await conn.fetch(sql, *sql_args)
            await conn.fetch(DIRECTORY_SQL, *LISTED)
            return rows

        generations = iter(range(10**9))
        run = secrets.token_hex(4)

        def cached_page(variant: Variant, into: Timings | None) -> bytes:
            return api.fetch(variant.path, into)

        def uncached_page(variant: Variant, into: Timings | None) -> bytes:
            # What a publication does: the main portal's pages are looked for under a new
            # generation, so this request misses (outside the server's and the client's time).
            redis.set(GENERATION_KEY, f"{run}-{next(generations)}")
            return api.fetch(variant.path, into)

        cacheable, by_tenant = visitors(args.requests, listed, seed=23)
        pid = server.process.pid
        try:
            print(f"{args.requests} cached list pages (load {load()})…", file=sys.stderr)
            # Pages an earlier run cached from other rows are not looked at again.
            redis.set(GENERATION_KEY, f"{run}-start")
            for variant in {v.path: v for v in cacheable}.values():  # each into the cache
                cached_page(variant, None)
            cached = await measure(cacheable, WARMUP, cached_page, reference, pid)
            print(f"{args.requests} uncached list pages (load {load()})…", file=sys.stderr)
            uncached = await measure(cacheable, WARMUP, uncached_page, reference, pid)
            print(f"{args.requests} lists of one sub-platform (load {load()})…", file=sys.stderr)
            tenant_lists = await measure(by_tenant, WARMUP, cached_page, reference, pid)
        finally:
            api.close()
        check(cacheable, cached)
        check(cacheable, uncached)
        check(by_tenant, tenant_lists)
        plans = []
        for label, variants, measured in (
            ("uncached", cacheable, uncached),
            ("by sub-platform", by_tenant, tenant_lists),
        ):
            slowest = max(zip(measured.reference, range(len(variants)), strict=True))[1]
            plans.append(
                (f"{label}, slowest {variants[slowest].path}", await plan(conn, variants[slowest]))
            )
        if not args.keep:
            t0 = time.perf_counter()
            await delete_bench_rows(conn)
            await conn.execute("VACUUM ANALYZE announcement")
            print(
                f"bench rows deleted again in {time.perf_counter() - t0:.1f} s (--keep leaves them)"
            )
    finally:
        await conn.close()
        redis.close()

    print(
        f"{args.announcements:,} announcements of {len(seeded.tenants)} sub-platforms, "
        f"{published:,} listed on the main portal (announcement with indexes {size}); "
        f"{args.requests} requests a figure, one at a time"
    )
    print(figure("cached", cached))
    print(figure("uncached", uncached))
    print(figure("by sub-platform", tenant_lists))
    for what, text in plans:
        print(f"   plan, {what}: {text}")
    print(f"machine load {load()} after the run; total {time.perf_counter() - started:.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--announcements", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--requests", type=int, default=1500, help="requests a figure")
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows")
    parser.add_argument(
        "--reuse", action="store_true", help="use the rows a --keep run left, if they match"
    )
    args = parser.parse_args()
    if not 10 <= args.tenants <= 9999 or args.announcements < 10_000:
        parser.error("--tenants takes 10 to 9999, --announcements at least 10,000")
    if args.requests < 100:
        parser.error("--requests takes at least 100 (for a p99)")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")) or (
        not os.environ.get("REDIS_URL")
    ):
        print(
            "P5 is a PostgreSQL and Redis figure: set DATABASE_URL=postgresql://… and "
            'REDIS_URL=redis://… (local services: source "$(bash infra/services.sh start)"), '
            "then run again",
            file=sys.stderr,
        )
        return 2

    return run_bench("announcements", lambda tmp, servers: asyncio.run(bench(args, tmp, servers)))


if __name__ == "__main__":
    sys.exit(main())
