"""P4: portal throughput with 10,000 tenants beside the same with 10 tenants, in one run.

    DATABASE_URL=postgresql://… REDIS_URL=redis://… .venv/bin/python -m bench.scale \\
        [--tenants 10000] [--few 10] [--duration 10] [--rounds 3] [--connections 32] [--keep]

Two scratch databases on DATABASE_URL's server are seeded (``bench/seeding.py``): one with
``--tenants`` tenants, one with ``--few``; the few get tenant ids from 100,001 so that the two
servers' page caches (the same Redis, keys ``sunshine_t<id>:pages:…``) never meet. Each is
served by its own ``python -m infra.cli serve --workers 1`` with the same settings (development
mode, so a tenant's sub-site answers under ``/t/<slug>/`` on the main host); wrk loads one at a
time, after a warm-up of each, in rounds of pairs (few, many); figures are medians over the
rounds. Any non-2xx response fails the run.

The request mix: tenant home pages ``/t/<slug>/`` only, over every tenant of the database with
Zipf-distributed popularity (s = 1: the k-th most visited tenant gets 1/k of the top one's
requests; which tenant is k-th is shuffled, not the seeding order). A real audience is like
that: a few big cities and enterprises draw most visitors, and a long tail of small
sub-platforms is visited now and then. wrk's Lua script walks a fixed list of 50,000 paths drawn
from that distribution (the same seed for both sizes), each thread from a random offset; with
10,000 tenants about 6,800 distinct ones appear in it.

P4 is the steady state of a server that has been up for a while: before the load, every page of
the mix is asked for once (4 clients; these first visits render the page, which the page cache
then keeps for 10 minutes, and their rate is printed, not a target), then wrk warms up. What
still differs with 10,000 tenants is that most host lookups miss the per-process 5 s tenant
cache (one indexed query), and that the page cache's entries are spread over many more keys.
In production a tenant's page is rendered again at most every 10 minutes (the cache's TTL):
at 300 requests a second over 10,000 tenants that is ≈ 5 % of the requests, which the
first-visit rate tells the cost of.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import http.client
import os
import random
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.library import load
from bench.portal import ROOT, BenchError, Load, Run, Server, free_port, run_bench
from bench.seeding import (
    check_seeded,
    create_database,
    drop_database,
    require_services,
    scratch_dsn,
    scratch_env,
    seed,
)

TARGET = 0.9
PATHS = 50_000
ZIPF_S = 1.0
FEW_FIRST_ID = 100_001


def zipf_paths(slugs: list[str], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    ranked = slugs[:]
    rng.shuffle(ranked)
    weights = [1 / (k**ZIPF_S) for k in range(1, len(ranked) + 1)]
    return [f"/t/{slug}/" for slug in rng.choices(ranked, weights=weights, k=count)]


def lua_script(paths: list[str], target: Path) -> Path:
    """A wrk script asking for ``paths`` in turn, each thread from its own random offset."""
    items = ",".join(f'"{p}"' for p in paths)
    target.write_text(
        f"local paths = {{{items}}}\n"
        "local n = #paths\n"
        "local i = 0\n"
        "local threads = 0\n"
        "function setup(thread)\n"
        "  threads = threads + 1\n"
        "  thread:set('seed', threads * 7919 + os.time())\n"
        "end\n"
        "function init(args)\n"
        "  math.randomseed(seed or os.time())\n"
        "  i = math.random(n)\n"
        "end\n"
        "function request()\n"
        "  i = i % n + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )
    return target


def describe(paths: list[str]) -> str:
    counts = collections.Counter(paths)
    top = counts.most_common(1)[0][1]
    return f"{len(counts):,} distinct tenants, the most visited has {top / len(paths):.1%}"


def visit_once(server: Server, paths: list[str], clients: int = 4) -> float:
    """Ask for each path once, ``clients`` at a time; pages a second. These are first visits:
    each page is rendered (and then cached for 10 minutes)."""
    chunks = [paths[i::clients] for i in range(clients)]

    def visit(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            for path in chunk:
                conn.request("GET", path, headers={"Host": server.host})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise BenchError(f"{server.name} {path} answered {response.status}")
        finally:
            conn.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(visit, chunks))  # raises what a client raised
    return len(paths) / (time.perf_counter() - t0)


def serve(name: str, env: dict[str, str], tmp: Path) -> Server:
    port = free_port()
    return Server(
        name,
        port,
        ["-m", "infra.cli", "serve", "--workers", "1"],
        {**env, "SUNSHINE_PORT": str(port)},
        tmp / f"{name}.log",
    )


async def bench(args: argparse.Namespace, wrk: str, tmp: Path, scratch: list[str]) -> int:
    base = os.environ["DATABASE_URL"]
    print(f"machine: {os.cpu_count()} CPUs, load {load()} before the run")
    sizes = {"many": args.tenants, "few": args.few}
    envs, slugs = {}, {}
    for name, count in sizes.items():
        dsn = scratch_dsn(base, f"p4_{count}")
        print(f"seeding {count:,} tenants into {dsn.rsplit('/', 1)[1]}…", file=sys.stderr)
        await create_database(dsn)
        scratch.append(dsn)
        envs[name] = scratch_env(tmp / name, dsn)
        first = FEW_FIRST_ID if name == "few" else 1
        slugs[name] = await seed(dsn, envs[name], count, first_id=first)

    servers = {name: serve(name, envs[name], tmp) for name in sizes}
    try:
        for name, server in servers.items():
            server.wait_ready("/readyz")
            check_seeded(server, slugs[name])
        scripts, mixes = {}, {}
        for name in sizes:
            paths = zipf_paths(slugs[name], PATHS)
            mixes[name] = describe(paths)
            scripts[name] = lua_script(paths, tmp / f"{name}.lua")

        first_visits = {}
        for name, server in servers.items():
            print(f"  first visit of every tenant in the {name} mix…", file=sys.stderr)
            first_visits[name] = visit_once(server, sorted(set(zipf_paths(slugs[name], PATHS))))
        runner = Load(wrk, args.duration, args.connections, args.threads)
        print(f"warming up ({args.warmup} s each)…", file=sys.stderr)
        for name, server in servers.items():
            runner.run(server, "/", args.warmup, scripts[name])
        runs: dict[str, list[Run]] = {name: [] for name in sizes}
        for round_ in range(1, args.rounds + 1):
            for name, server in servers.items():
                runs[name].append(runner.run(server, "/", script=scripts[name]))
                run = runs[name][-1]
                print(
                    f"  round {round_} {name:<5} {run.rps:7.0f} req/s p99 {run.p99_ms:7.1f} ms "
                    f"(load {load()})",
                    file=sys.stderr,
                )
    finally:
        for server in servers.values():
            server.stop()

    def median(name: str) -> tuple[float, float]:
        return (
            statistics.median(r.rps for r in runs[name]),
            statistics.median(r.p99_ms for r in runs[name]),
        )

    many_rps, many_p99 = median("many")
    few_rps, few_p99 = median("few")
    ratio = many_rps / few_rps
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds, "
        f"medians; tenant homes /t/<slug>/, Zipf (s={ZIPF_S:g}) over the tenants, "
        f"{PATHS:,} paths: {args.tenants:,} tenants → {mixes['many']}; "
        f"{args.few} tenants → {mixes['few']}"
    )
    print(
        f"P4 tenant homes  ours {many_rps:6.0f} req/s p99 {many_p99:6.1f} ms with "
        f"{args.tenants:,} tenants  reference {few_rps:6.0f} req/s p99 {few_p99:6.1f} ms with "
        f"{args.few} tenants  "
        f"ratio {ratio:.2f} (target >= {TARGET}) {'met' if ratio >= TARGET else 'NOT MET'}"
    )
    print(
        f"   (not a target) first visits, every page rendered, 4 clients: {args.tenants:,} "
        f"tenants {first_visits['many']:.0f} pages/s, {args.few} tenants "
        f"{first_visits['few']:.0f} pages/s"
    )
    print(f"machine load {load()} after the run")
    if runner.failures:
        print("FAILED: " + "; ".join(runner.failures))
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--few", type=int, default=10)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load a run")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of warm-up a server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--keep", action="store_true", help="leave the scratch databases")
    args = parser.parse_args()
    missing = require_services()
    if missing:
        print(f"P4 {missing}", file=sys.stderr)
        return 2
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install -y wrk, then run again", file=sys.stderr)
        return 2

    scratch: list[str] = []  # the scratch databases made, dropped at the end unless --keep

    def drop_scratch() -> None:
        if not args.keep:
            for dsn in scratch:
                asyncio.run(drop_database(dsn))

    os.chdir(ROOT)
    return run_bench(
        "scale", lambda tmp, _: asyncio.run(bench(args, wrk, tmp, scratch)), clean_up=drop_scratch
    )


if __name__ == "__main__":
    sys.exit(main())
