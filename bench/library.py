"""P6: the supplier library over a million suppliers on PostgreSQL, through the API, beside the
same SQL straight through asyncpg, in one run.

    DATABASE_URL=postgresql://… .venv/bin/python -m bench.library \\
        [--suppliers 1000000] [--lookups 3000] [--searches 500] [--keep] [--reuse]

Ours is the production server, ``python -m infra.cli serve --workers 1`` (uvicorn) on 127.0.0.1,
signed in through the API as a head-office administrator (``create-admin --username
bench-admin``; an existing ``bench-admin`` is reused), asked one request at a time over one
keep-alive connection (``http.client``: httpx costs ~1 ms more a request on the client side):

* ``GET /api/library/subjects/by-credit-code/{code}`` for random existing codes (after 200
  warm-up requests), target p99 ≤ 2 ms;
* ``GET /api/library/subjects?name=<prefix>`` for the first 2–6 characters of random seeded
  names, a user typing (after 50 warm-up requests), target p99 ≤ 50 ms. A 2-character prefix is
  a city and matches ~1/16 of the suppliers, a 3-character one ~800, longer ones a few.

The same lookups are then asked by wrk on one connection for ten seconds: a client in C, whose
own CPU takes less from the server on a two-core machine than Python's ``http.client`` does
(~0.2 ms a request). Each request is timed by the client and by the server itself (its
``Server-Timing: app;dur=`` header: the application, without uvicorn's HTTP parsing and the
loopback); the server's CPU time a request (``/proc``) is shown too, as it hardly depends on
load from elsewhere. The
reference is the database's floor: the same SELECTs through asyncpg on one connection, on the
same values. The reference passes over every value once untimed first (so both find the pages
cached), then reference and ours are timed in alternating blocks, so that load from elsewhere
on the machine falls on both alike. Answers are checked: every response 200, the code asked
for, the same names as the SQL. ``EXPLAIN ANALYZE`` of both SELECTs is printed.

PostgreSQL only (``DATABASE_URL``; a database it names that does not exist is created);
``REDIS_URL`` and ``S3_*``, when set, go to the server. What it changes in that database: it
runs the migrations, deletes the suppliers of earlier runs and seeds new ones (``library_subject``
rows with no account and a credit code whose 17th character is ``Y``, where a real code has the
organisation code's check digit, 0–9 or X: nothing else in the table is touched), and deletes
them again at the end unless ``--keep`` (``--reuse`` then skips the seeding next time). The
account ``bench-admin`` stays. The test suite drops the schema of the database it runs on: give
this one of its own (e.g. …/sunshine_bench) when the suite may run meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import httpx

from bench.portal import BenchError, Load, Run, Server, free_port, run_bench, run_command
from core.identifiers import USCC_CHARSET, uscc_check_character

ADMIN = "bench-admin"
ADMIN_PASSWORD = "Bench-Library-Pass-123"  # noqa: S105 - a throwaway benchmark account
LOOKUP_TARGET_MS = 2.0
SEARCH_TARGET_MS = 50.0
LOOKUP_WARMUP = 200
SEARCH_WARMUP = 50
BLOCK = 250  # requests a block; blocks of reference and ours alternate
WRK_SECONDS = 10
# wrk on one connection, asking for the measured codes in turn, signed in as the bench admin.
WRK_LOOKUPS = """
wrk.headers["Cookie"] = %s
local codes = {%s}
local i = 0
request = function()
  i = i %% #codes + 1
  return wrk.format("GET", "/api/library/subjects/by-credit-code/" .. codes[i])
end
"""
BATCH = 50_000  # rows a COPY

# Bench rows: no account, and ``Y`` where a real code has its organisation code's check digit.
BENCH_ROWS = "account IS NULL AND credit_code LIKE '91______________Y_'"
LOOKUP_SQL = (
    "SELECT id, kind, credit_code, name, region_code, state FROM library_subject "
    "WHERE credit_code = $1"
)
# What core.libraries.subjects.search sends on PostgreSQL.
SEARCH_SQL = (
    "SELECT id, kind, credit_code, name, region_code, state FROM library_subject "
    'WHERE name COLLATE "C" LIKE $1 ORDER BY name COLLATE "C" LIMIT 21'
)

# Shandong's cities with some of their districts (GB/T 2260).
CITIES: list[tuple[str, tuple[str, ...]]] = [
    ("济南", ("370102", "370103", "370104", "370105", "370112")),
    ("青岛", ("370202", "370203", "370211", "370212", "370213")),
    ("淄博", ("370302", "370303", "370304", "370305")),
    ("枣庄", ("370402", "370403", "370404")),
    ("东营", ("370502", "370503", "370505")),
    ("烟台", ("370602", "370611", "370612", "370613")),
    ("潍坊", ("370702", "370703", "370704", "370705")),
    ("济宁", ("370811", "370812")),
    ("泰安", ("370902", "370911")),
    ("威海", ("371002", "371003")),
    ("日照", ("371102", "371103")),
    ("临沂", ("371302", "371311", "371312")),
    ("德州", ("371402", "371403")),
    ("聊城", ("371502", "371503")),
    ("滨州", ("371602", "371603")),
    ("菏泽", ("371702", "371703")),
]
# 字号 (trade names) are two of these.
TRADE_CHARS = (
    "华宏鑫源泰达恒信瑞祥丰盛金鼎博远新兴科创佳美安康德利和昌隆永顺富通汇嘉诚海天中正宇辰明光"
    "凯旭晟润益浩祺坤豪茂弘亿锦程卓越聚星云方圆力元合立万联东齐鲁泉岳舜"
)
_INDUSTRY_WORDS = (
    "建筑工程 建设工程 市政工程 路桥工程 装饰工程 园林绿化 环保科技 信息技术 网络科技 软件科技 "
    "电子科技 智能科技 医疗器械 医药 生物科技 商贸 贸易 物资 办公设备 家具 印刷 文化传媒 广告 "
    "物业管理 保安服务 餐饮管理 食品 农业科技 机械设备 电气设备 电力工程 消防工程 水利工程 测绘 "
    "检测技术 工程咨询 招标代理 造价咨询 工程监理 新能源 石油化工 化工 汽车销售 汽车服务 物流 "
    "运输 实业 教育科技 体育用品 服装 纺织 钢结构 建材 节能科技 安防科技 通信工程 照明工程 "
    "仪器仪表 劳务 人力资源"
)
INDUSTRIES = _INDUSTRY_WORDS.split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌鹏辉浩宇晨阳"
_ROAD_WORDS = "经十 经七 泉城 历山 山大 香港中 延安 胜利 人民 解放 黄河 泰山 建设 和平 文化 新华"
ROADS = _ROAD_WORDS.split()

_TRADE_NAMES = [a + b for a in TRADE_CHARS for b in TRADE_CHARS if a != b]
_COMBOS = len(CITIES) * len(_TRADE_NAMES) * len(INDUSTRIES)
_STRIDE = 1_000_003  # prime, not a factor of _COMBOS: i ↦ i·stride mod _COMBOS is one-to-one


def supplier_name(i: int) -> tuple[str, int, str]:
    """The i-th supplier's name, city and industry: 济南宏达建筑工程有限公司, 0, 建筑工程; the
    names are all distinct for i < _COMBOS."""
    j = (i * _STRIDE + 12_345) % _COMBOS
    j, industry = divmod(j, len(INDUSTRIES))
    city, trade = divmod(j, len(_TRADE_NAMES))
    name = f"{CITIES[city][0]}{_TRADE_NAMES[trade]}{INDUSTRIES[industry]}有限公司"
    return name, city, INDUSTRIES[industry]


_PAIRS = [a + b for a in USCC_CHARSET for b in USCC_CHARSET]  # base 31, two digits at a time
_SERIALS = len(USCC_CHARSET) ** 8


def credit_code(i: int, region: str) -> str:
    """91 (enterprise) + region + 8 characters (i, scrambled) + Y + a valid check character."""
    serial = (i * 7_368_787 + 4_321) % _SERIALS  # a prime, not a factor of 31^8: one-to-one
    high, low = divmod(serial, 961**2)
    first17 = (
        f"91{region}{_PAIRS[high // 961]}{_PAIRS[high % 961]}"
        f"{_PAIRS[low // 961]}{_PAIRS[low % 961]}Y"
    )
    return first17 + uscc_check_character(first17)


def region_of(i: int, city: int) -> str:
    districts = CITIES[city][1]
    return districts[(i * 7 + 3) % len(districts)]


def supplier(i: int) -> tuple[str, str]:
    """The i-th supplier's credit code and name, as seeded."""
    name, city, _ = supplier_name(i)
    return credit_code(i, region_of(i, city)), name


COLUMNS = [
    "kind",
    "credit_code",
    "name",
    "legal_representative",
    "address",
    "region_code",
    "contact_name",
    "contact_phone",
    "contact_email",
    "business_scope",
    "account",
    "origin_tenant",
    "state",
    "reviewed_at",
    "pending_change",
    "created_at",
    "updated_at",
]


_PEOPLE = [s + g for s in SURNAMES for g in GIVEN] + [
    s + g + h for s in SURNAMES for g in GIVEN for h in GIVEN[::3]
]


def records(start: int, stop: int, now: dt.datetime) -> Iterator[tuple[object, ...]]:
    """Rows for suppliers start … stop-1, the same on every run."""
    people, roads = len(_PEOPLE), len(ROADS)
    for i in range(start, stop):
        name, city, industry = supplier_name(i)
        region = region_of(i, city)
        h = (i * 2_654_435_761) % 2**32  # Knuth's multiplicative hash: the other fields
        yield (
            "supplier",
            credit_code(i, region),
            name,
            _PEOPLE[h % people],
            f"山东省{CITIES[city][0]}市{ROADS[h % roads]}路{h % 997 + 1}号",
            region,
            _PEOPLE[(h >> 7) % people],
            f"1{3 + h % 7}{(h * 40_503) % 10**9:09d}",
            f"contact{i}@example.com",
            f"{industry}相关业务；销售；技术服务",
            None,
            None,
            "approved",
            now,
            "{}",
            now,
            now,
        )


def ms(ns: float) -> float:
    return ns / 1e6


def p50_p99(samples_ms: Sequence[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return q[49], q[98]


async def connect(dsn: str) -> asyncpg.Connection:
    """A connection to DATABASE_URL's database, created first if it does not exist."""
    try:
        return await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        pass
    parts = urlsplit(dsn)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    print(f"  created database {name}")
    return await asyncpg.connect(dsn)


async def bench_rows_in_place(conn: asyncpg.Connection, suppliers: int) -> bool:
    """Whether an earlier --keep run left exactly these suppliers."""
    count = await conn.fetchval(f"SELECT count(*) FROM library_subject WHERE {BENCH_ROWS}")  # noqa: S608
    probes = [supplier(i)[0] for i in (0, suppliers // 2, suppliers - 1)]
    found = await conn.fetchval(
        "SELECT count(*) FROM library_subject WHERE credit_code = ANY($1)", probes
    )
    return count == suppliers and found == len(probes)


async def seed(conn: asyncpg.Connection, suppliers: int) -> None:
    t0 = time.perf_counter()
    deleted = await conn.execute(f"DELETE FROM library_subject WHERE {BENCH_ROWS}")  # noqa: S608
    print(f"  deleted earlier bench rows ({deleted}) in {time.perf_counter() - t0:.1f} s")
    others = await conn.fetchval("SELECT count(*) FROM library_subject")
    if others:
        print(f"  ({others} other subjects in the table are left as they are)")
    now = dt.datetime.now(dt.UTC)
    loop = asyncio.get_running_loop()

    def batch(start: int) -> list[tuple[object, ...]]:
        return list(records(start, min(start + BATCH, suppliers), now))

    t0 = time.perf_counter()
    upcoming = loop.run_in_executor(None, batch, 0)
    for start in range(0, suppliers, BATCH):
        rows = await upcoming
        if start + BATCH < suppliers:  # the next batch is made while this one is copied
            upcoming = loop.run_in_executor(None, batch, start + BATCH)
        await conn.copy_records_to_table("library_subject", records=rows, columns=COLUMNS)
        print(
            f"\r  seeded {start + len(rows):,} of {suppliers:,} ({time.perf_counter() - t0:.0f} s)",
            end="",
            file=sys.stderr,
            flush=True,
        )
    print(file=sys.stderr)
    copy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    await conn.execute("VACUUM ANALYZE library_subject")
    print(
        f"  seeded {suppliers:,} suppliers by COPY in {copy_s:.1f} s "
        f"({suppliers / copy_s:,.0f} rows/s), VACUUM ANALYZE {time.perf_counter() - t0:.1f} s"
    )


@dataclass
class Timings:
    client: list[float] = field(default_factory=list)  # ms
    server: list[float] = field(default_factory=list)  # ms, from Server-Timing
    cpu_s: float = 0.0  # the server process's CPU time over the timed requests
    wall_s: float = 0.0


_SERVER_TIMING = re.compile(r"\bapp;dur=([\d.]+)")


def process_cpu_s(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Api:
    """One keep-alive connection to our server; :meth:`sign_in` makes it an account's."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.headers = {"Host": server.host}

    def sign_in(self, login: str = ADMIN, password: str = ADMIN_PASSWORD, site: str = "") -> None:
        """Sign in on the main portal, or on the sub-site whose path prefix is ``site``."""
        with httpx.Client(
            base_url=f"http://127.0.0.1:{self.server.port}",
            headers={"Host": self.server.host},
            trust_env=False,
            timeout=30.0,
        ) as client:
            client.get(f"{site}/api/site").raise_for_status()
            token = client.cookies.get("csrftoken")
            if not token:
                raise BenchError("GET /api/site set no csrftoken cookie")
            response = client.post(
                f"{site}/api/auth/login",
                json={"login": login, "password": password},
                headers={"x-csrftoken": token},
            )
            if response.status_code != 200:
                raise BenchError(
                    f"sign-in as {login} answered {response.status_code}: {response.text[:300]}"
                    f" (an existing {login} with another password? use another database)"
                )
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    def _exchange(self, path: str) -> tuple[int, bytes, http.client.HTTPResponse, int]:
        t0 = time.perf_counter_ns()
        try:
            self.connection.request("GET", path, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # uvicorn closes a connection idle for 5 s: once more, on a new one
            self.connection.close()
            t0 = time.perf_counter_ns()
            self.connection.request("GET", path, headers=self.headers)
            response = self.connection.getresponse()
        body = response.read()
        return response.status, body, response, time.perf_counter_ns() - t0

    def get(self, path: str, into: Timings | None) -> object:
        return json.loads(self.fetch(path, into))

    def fetch(self, path: str, into: Timings | None) -> bytes:
        """The body of a 200 answer; its client and server time go ``into``."""
        status, body, response, elapsed = self._exchange(path)
        if status != 200:
            raise BenchError(
                f"GET {path} answered {status}: {body[:300].decode(errors='replace')}\n"
                f"{self.server.log_tail(10)}"
            )
        if into is not None:
            into.client.append(ms(elapsed))
            timing = _SERVER_TIMING.search(response.getheader("server-timing") or "")
            if timing is None:
                raise BenchError(f"GET {path}: no Server-Timing app;dur= header")
            into.server.append(float(timing.group(1)))
        return body

    def close(self) -> None:
        self.connection.close()


@dataclass
class Measured:
    ours: Timings
    reference: list[float]  # ms
    answers: list[object]  # ours, in the order of the values
    expected: list[list[asyncpg.Record]]  # the reference's


async def measure(
    values: Sequence[str],
    warmup: int,
    ours: Callable[[str, Timings | None], object],
    reference: Callable[[str], Awaitable[list[asyncpg.Record]]],
    server_pid: int,
) -> Measured:
    """Warm-up, one untimed pass over every value by the reference, then blocks in turn."""
    for value in random.Random(5).choices(values, k=warmup):
        ours(value, None)
        await reference(value)
    expected = [await reference(value) for value in values]
    timings, ref_ms, answers = Timings(), [], []
    for start in range(0, len(values), BLOCK):
        block = values[start : start + BLOCK]
        for value in block:
            t0 = time.perf_counter_ns()
            await reference(value)
            ref_ms.append(ms(time.perf_counter_ns() - t0))
        ours(block[0], None)  # untimed: the connection may have gone idle meanwhile
        cpu0, wall0 = process_cpu_s(server_pid), time.perf_counter()
        answers += [ours(value, timings) for value in block]
        timings.cpu_s += process_cpu_s(server_pid) - cpu0
        timings.wall_s += time.perf_counter() - wall0
    return Measured(timings, ref_ms, answers, expected)


async def plan(conn: asyncpg.Connection, sql: str, value: str) -> str:
    rows = await conn.fetch(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) {sql}", value)
    lines = [r[0].strip().removeprefix("-> ").strip() for r in rows]
    return " | ".join(line for line in lines if line)


def lookups_by_wrk(server: Server, cookie: str, codes: Sequence[str], tmp: Path) -> Run | None:
    """The same lookups one at a time from wrk, a client in C: http.client's own CPU (~0.2 ms
    a request) competes with the server for the machine's two cores."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("   (wrk not installed: no lookups from a C client)")
        return None
    script = tmp / "lookups.lua"
    script.write_text(WRK_LOOKUPS % (json.dumps(cookie), ",".join(json.dumps(c) for c in codes)))
    load = Load(wrk, WRK_SECONDS, connections=1, threads=1)
    run = load.run(server, "/", script=script)
    if load.failures:
        raise BenchError("; ".join(load.failures))
    return run


def figure(label: str, measured: Measured, target: float) -> str:
    ours = measured.ours
    o50, o99 = p50_p99(ours.client)
    s50, s99 = p50_p99(ours.server)
    r50, r99 = p50_p99(measured.reference)
    cpu_ms = ours.cpu_s / len(ours.client) * 1000
    verdict = "met" if o99 <= target else "MISSED"
    return (
        f"P6 {label:<14} ours p50 {o50:7.2f} ms p99 {o99:7.2f} ms "
        f"(server p50 {s50:7.2f} p99 {s99:7.2f} ms, CPU {cpu_ms:.2f} ms a request)  "
        f"reference p50 {r50:6.2f} ms p99 {r99:7.2f} ms  ratio {o99 / r99:5.1f}  "
        f"target p99 <= {target:g} ms: {verdict}"
    )


def check_answers(
    codes: Sequence[str], lookups: Measured, prefixes: Sequence[str], searches: Measured
) -> None:
    for code, answer, rows in zip(codes, lookups.answers, lookups.expected, strict=True):
        if not isinstance(answer, dict) or answer.get("credit_code") != code or len(rows) != 1:
            raise BenchError(f"lookup of {code}: API answered {answer!r}, SQL {len(rows)} rows")
    for prefix, answer, rows in zip(prefixes, searches.answers, searches.expected, strict=True):
        names = [item["name"] for item in answer["items"]] if isinstance(answer, dict) else None
        if names != [r["name"] for r in rows[:20]]:
            raise BenchError(f"search {prefix!r}: API names {names}, SQL {len(rows)} rows")


def bench_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNSHINE_")}
    env.update(
        SUNSHINE_DATA_DIR=str(tmp / "data"),
        SUNSHINE_ENV="development",
        SUNSHINE_BASE_DOMAIN="localhost",
        SUNSHINE_INSECURE_COOKIES="1",
        SUNSHINE_HOST="127.0.0.1",
        SUNSHINE_PORT=str(free_port()),
        SUNSHINE_ADMIN_PASSWORD=ADMIN_PASSWORD,
    )
    return env


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


async def bench(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> int:
    started = time.perf_counter()
    dsn = os.environ["DATABASE_URL"]
    env = bench_env(tmp)
    where = urlsplit(dsn)
    print(
        f"machine: {os.cpu_count()} CPUs, load {load()}; database {where.path.lstrip('/')} on "
        f"{where.hostname}:{where.port or 5432}; sessions in "
        f"{'Redis' if env.get('REDIS_URL') else 'the in-process store'}"
    )
    conn = await connect(dsn)
    try:
        print("migrating…", file=sys.stderr)
        run_command(["-m", "infra.cli", "migrate"], env)
        if args.reuse and await bench_rows_in_place(conn, args.suppliers):
            print(f"  reusing the {args.suppliers:,} suppliers an earlier run left")
        else:
            print(f"seeding {args.suppliers:,} suppliers…", file=sys.stderr)
            await seed(conn, args.suppliers)
        size = await conn.fetchval(
            "SELECT pg_size_pretty(pg_total_relation_size('library_subject'))"
        )
        try:
            run_command(["-m", "infra.cli", "create-admin", "--username", ADMIN], env)
        except BenchError as exc:
            if "已存在" not in str(exc):
                raise
            print(f"  {ADMIN} exists already: reused")

        server = Server(
            "ours",
            int(env["SUNSHINE_PORT"]),
            ["-m", "infra.cli", "serve", "--workers", "1"],
            env,
            tmp / "ours.log",
        )
        servers.append(server)
        server.wait_ready("/api/site")
        api = Api(server)
        try:
            api.sign_in()
            rng = random.Random(17)
            codes = [supplier(rng.randrange(args.suppliers))[0] for _ in range(args.lookups)]
            prefixes = [
                supplier(rng.randrange(args.suppliers))[1][: rng.randint(2, 6)]
                for _ in range(args.searches)
            ]

            def lookup(code: str, into: Timings | None) -> object:
                return api.get(f"/api/library/subjects/by-credit-code/{code}", into)

            def name_search(prefix: str, into: Timings | None) -> object:
                return api.get(f"/api/library/subjects?{urlencode({'name': prefix})}", into)

            print(f"{args.lookups} lookups by credit code (load {load()})…", file=sys.stderr)
            lookups = await measure(
                codes,
                LOOKUP_WARMUP,
                lookup,
                lambda code: conn.fetch(LOOKUP_SQL, code),
                server.process.pid,
            )
            print(f"{args.searches} name searches (load {load()})…", file=sys.stderr)
            searches = await measure(
                prefixes,
                SEARCH_WARMUP,
                name_search,
                lambda prefix: conn.fetch(SEARCH_SQL, prefix + "%"),
                server.process.pid,
            )
            by_wrk = lookups_by_wrk(server, api.headers["Cookie"], codes, tmp)
        finally:
            api.close()
        check_answers(codes, lookups, prefixes, searches)

        slowest = max(zip(searches.reference, prefixes, strict=True))[1]
        longest = next(p for p in prefixes if len(p) == max(map(len, prefixes)))
        plans = [
            ("lookup", await plan(conn, LOOKUP_SQL, codes[0])),
            (f"name LIKE '{slowest}%' (the slowest)", await plan(conn, SEARCH_SQL, slowest + "%")),
            (f"name LIKE '{longest}%'", await plan(conn, SEARCH_SQL, longest + "%")),
        ]
        if not args.keep:
            t0 = time.perf_counter()
            await conn.execute(f"DELETE FROM library_subject WHERE {BENCH_ROWS}")  # noqa: S608
            await conn.execute("VACUUM ANALYZE library_subject")
            print(
                f"bench rows deleted again in {time.perf_counter() - t0:.1f} s (--keep leaves them)"
            )
    finally:
        await conn.close()

    by_length: dict[int, list[float]] = {}
    for prefix, client_ms in zip(prefixes, searches.ours.client, strict=True):
        by_length.setdefault(len(prefix), []).append(client_ms)
    print(
        f"{args.suppliers:,} suppliers (library_subject with indexes {size}); "
        f"{args.lookups} lookups, {args.searches} name searches, one at a time"
    )
    print(figure("lookup by code", lookups, LOOKUP_TARGET_MS))
    if by_wrk is not None:
        r50, r99 = p50_p99(lookups.reference)
        verdict = "met" if by_wrk.p99_ms <= LOOKUP_TARGET_MS else "MISSED"
        print(
            f"P6 lookup by code, wrk client ours p50 {by_wrk.p50_ms:7.2f} ms p99 "
            f"{by_wrk.p99_ms:7.2f} ms ({by_wrk.requests} requests on one connection in "
            f"{WRK_SECONDS} s)  reference p50 {r50:6.2f} ms p99 {r99:6.2f} ms  "
            f"ratio {by_wrk.p99_ms / r99:5.1f}  target p99 <= {LOOKUP_TARGET_MS:g} ms: {verdict}"
        )
    print(figure("name search", searches, SEARCH_TARGET_MS))
    print(
        "   name search, ours by prefix length: "
        + ", ".join(
            f"{n} chars (×{len(v)}) median {statistics.median(v):.1f} max {max(v):.1f} ms"
            for n, v in sorted(by_length.items())
        )
    )
    for what, text in plans:
        print(f"   plan, {what}: {text}")
    print(f"machine load {load()} after the run; total {time.perf_counter() - started:.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=3000)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="leave the seeded suppliers")
    parser.add_argument(
        "--reuse", action="store_true", help="use the suppliers a --keep run left, if they match"
    )
    args = parser.parse_args()
    if not 1000 <= args.suppliers <= _COMBOS:
        parser.error(f"--suppliers takes 1000 to {_COMBOS:,}")
    if args.lookups < 100 or args.searches < 100:
        parser.error("--lookups and --searches take at least 100 (for a p99)")

    if not os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")):
        print(
            "P6 is a PostgreSQL figure: set DATABASE_URL=postgresql://… (local services: "
            'source "$(bash infra/services.sh start)"), then run again',
            file=sys.stderr,
        )
        return 2

    return run_bench("library", lambda tmp, servers: asyncio.run(bench(args, tmp, servers)))


if __name__ == "__main__":
    sys.exit(main())
