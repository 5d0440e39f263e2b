"""P3: worker start time and resident memory with 10,000 tenants in the database, beside the
bare Litestar app of ``bench/bare_app.py``, in one run.

    DATABASE_URL=postgresql://… REDIS_URL=redis://… .venv/bin/python -m bench.startup \\
        [--tenants 10000] [--starts 5] [--sample 1000] [--keep]

The tenants are seeded into a scratch database (``<database>_p3``, see ``bench/seeding.py``).
Then, ``--starts`` times in turn, ours and the reference are started cold:

* ours is ``python -m infra.cli serve --workers 1`` (its preflight of the services included),
  in development mode; start time is from the spawn of the process until ``GET /readyz``
  answers 200 (polled every 10 ms), and until the first tenant home ``/t/<slug>/`` has been
  served (a tenant not asked for before in the run, so the page is rendered, not taken from the
  Redis page cache);
* the reference is ``uvicorn bench.bare_app:app`` with the settings ``serve`` uses; its start
  time is until ``GET /`` (a rendered template page) answers 200 — it has no probes and no
  tenants, so its two start times are the same figure.

Resident memory (VmRSS of the process serving, from ``/proc``) is read right after start-up
and after serving ``--sample`` requests one at a time: ours the homes of that many distinct
tenants (each rendered once), the reference its page as many times. Figures are medians over
the starts (min–max beside them). Targets: start ≤ 2 s, RSS ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.library import load, process_cpu_s
from bench.portal import ROOT, BenchError, Server, free_port, run_bench
from bench.seeding import (
    check_seeded,
    create_database,
    drop_database,
    require_services,
    scratch_dsn,
    scratch_env,
    seed,
)

START_TARGET_S = 2.0
RSS_TARGET_MB = 150.0
POLL_S = 0.01


@dataclass
class Start:
    ready_s: float  # spawn → /readyz 200 (the reference: / 200)
    ready_cpu_s: float  # CPU time of the process by then: hardly depends on the machine's load
    first_page_s: float  # spawn → first tenant home served (the reference: same as ready)
    rss_start_mb: float
    rss_served_mb: float


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}")


def serving_pid(server: Server) -> int:
    """The process that serves: ours with one worker is the spawned process itself; a child
    would mean uvicorn forked workers."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return int(kids[0]) if kids else server.process.pid


def fetch(conn: http.client.HTTPConnection, host: str, path: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    return response.status, response.read()


def poll_until_200(server: Server, path: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited at start:\n{server.log_tail()}")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            if fetch(conn, server.host, path)[0] == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(POLL_S)
    raise BenchError(f"{server.name}: {path} not 200 after {timeout_s:.0f} s:\n{server.log_tail()}")


def serve_all(server: Server, paths: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for path in paths:
            status, _ = fetch(conn, server.host, path)
            if status != 200:
                raise BenchError(f"{server.name} {path} answered {status}:\n{server.log_tail()}")
    finally:
        conn.close()


def start_ours(env: dict[str, str], tmp: Path, run: int, first: str, sample: list[str]) -> Start:
    port = free_port()
    env = {**env, "SUNSHINE_PORT": str(port)}
    t0 = time.perf_counter()
    server = Server(
        "ours", port, ["-m", "infra.cli", "serve", "--workers", "1"], env, tmp / f"ours{run}.log"
    )
    try:
        poll_until_200(server, "/readyz")
        ready = time.perf_counter() - t0
        pid = serving_pid(server)
        cpu, rss_start = process_cpu_s(pid), rss_mb(pid)
        serve_all(server, [f"/t/{first}/"])
        first_page = time.perf_counter() - t0
        serve_all(server, [f"/t/{slug}/" for slug in sample])
        return Start(ready, cpu, first_page, rss_start, rss_mb(pid))
    finally:
        server.stop()


def start_reference(env: dict[str, str], tmp: Path, run: int, sample: int) -> Start:
    port = free_port()
    args = [
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-proxy-headers",
        "--log-level",
        "info",
    ]
    t0 = time.perf_counter()
    server = Server("reference", port, args, env, tmp / f"reference{run}.log")
    try:
        poll_until_200(server, "/")
        ready = time.perf_counter() - t0
        pid = serving_pid(server)
        cpu, rss_start = process_cpu_s(pid), rss_mb(pid)
        serve_all(server, ["/"] * sample)
        return Start(ready, cpu, ready, rss_start, rss_mb(pid))
    finally:
        server.stop()


def spread(values: list[float], unit: str, digits: int) -> str:
    return (
        f"{statistics.median(values):.{digits}f} {unit} "
        f"({min(values):.{digits}f}–{max(values):.{digits}f})"
    )


def figure(label: str, ours: list[float], ref: list[float], unit: str, target: float) -> str:
    digits = 2 if unit == "s" else 0
    o, r = statistics.median(ours), statistics.median(ref)
    verdict = "met" if o <= target else "MISSED"
    return (
        f"P3 {label:<34} ours {spread(ours, unit, digits):<24} "
        f"reference {spread(ref, unit, digits):<24} ratio {o / r:4.2f}  "
        f"target <= {target:g} {unit}: {verdict}"
    )


async def bench(args: argparse.Namespace, tmp: Path, scratch: list[str]) -> int:
    dsn = scratch_dsn(os.environ["DATABASE_URL"], "p3")
    env = scratch_env(tmp, dsn)
    print(f"machine: {os.cpu_count()} CPUs, load {load()} before the run")
    print(f"seeding {args.tenants:,} tenants into {dsn.rsplit('/', 1)[1]}…", file=sys.stderr)
    await create_database(dsn)
    scratch.append(dsn)
    slugs = await seed(dsn, env, args.tenants)

    # Check the seed, and warm the OS's file cache (bytecode, templates) for both.
    port = free_port()
    check = Server(
        "ours",
        port,
        ["-m", "infra.cli", "serve", "--workers", "1"],
        {**env, "SUNSHINE_PORT": str(port)},
        tmp / "check.log",
    )
    try:
        check.wait_ready("/readyz")
        check_seeded(check, slugs)
    finally:
        check.stop()
    ref_env = {k: v for k, v in os.environ.items() if not k.startswith("SUNSHINE_")}
    start_reference(ref_env, tmp, 0, 1)

    rng = random.Random(3)
    unused = slugs[3:-1]  # the ones check_seeded did not ask for
    rng.shuffle(unused)
    need = args.starts * (1 + args.sample)
    if len(unused) < need:
        raise BenchError(f"--starts × (1 + --sample) = {need}: more than {len(unused)} tenants")
    ours: list[Start] = []
    refs: list[Start] = []
    for run in range(1, args.starts + 1):
        print(f"  start {run} of {args.starts} (load {load()})…", file=sys.stderr)
        refs.append(start_reference(ref_env, tmp, run, args.sample))
        chunk, unused = unused[: 1 + args.sample], unused[1 + args.sample :]
        ours.append(start_ours(env, tmp, run, chunk[0], chunk[1:]))
        print(f"    reference {refs[-1]}\n    ours      {ours[-1]}", file=sys.stderr)

    print(
        f"{args.tenants:,} tenants (PostgreSQL, Redis); {args.starts} cold starts each, medians "
        f"(min–max); RSS of the serving process; {args.sample} requests before the second RSS"
    )
    print(
        figure(
            "start to /readyz 200",
            [s.ready_s for s in ours],
            [s.ready_s for s in refs],
            "s",
            START_TARGET_S,
        )
    )
    print(
        figure(
            "start to first tenant home served",
            [s.first_page_s for s in ours],
            [s.first_page_s for s in refs],
            "s",
            START_TARGET_S,
        )
    )
    o_cpu, r_cpu = [s.ready_cpu_s for s in ours], [s.ready_cpu_s for s in refs]
    print(
        f"   (not a target) CPU time to /readyz 200: ours {spread(o_cpu, 's', 2)}, "
        f"reference {spread(r_cpu, 's', 2)}: wall time above is this plus waiting for a core"
    )
    print(
        figure(
            "RSS after start-up",
            [s.rss_start_mb for s in ours],
            [s.rss_start_mb for s in refs],
            "MB",
            RSS_TARGET_MB,
        )
    )
    print(
        figure(
            f"RSS after {args.sample} tenant homes",
            [s.rss_served_mb for s in ours],
            [s.rss_served_mb for s in refs],
            "MB",
            RSS_TARGET_MB,
        )
    )
    print(f"machine load {load()} after the run")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each server")
    parser.add_argument(
        "--sample", type=int, default=1000, help="tenant homes served before the second RSS"
    )
    parser.add_argument("--keep", action="store_true", help="leave the scratch database")
    args = parser.parse_args()
    missing = require_services()
    if missing:
        print(f"P3 {missing}", file=sys.stderr)
        return 2

    scratch: list[str] = []  # the scratch databases made, dropped at the end unless --keep

    def drop_scratch() -> None:
        if not args.keep:
            for dsn in scratch:
                asyncio.run(drop_database(dsn))

    os.chdir(ROOT)
    return run_bench(
        "startup", lambda tmp, _: asyncio.run(bench(args, tmp, scratch)), clean_up=drop_scratch
    )


if __name__ == "__main__":
    sys.exit(main())
