"""The load test: the portal and the operator console at 80 % of their measured capacity, on
127.0.0.1, for a bounded time; any failed request fails the run.

    .venv/bin/python -m bench.load [--capacity-seconds 5] [--seconds 20] [--connections 32]

Ours is the production server, ``python -m infra.cli serve --workers 1`` (uvicorn), on a fresh
demo seed (``migrate``, ``seed-demo``) in development mode, so the sub-site answers under
``/t/jinan/``; with ``DATABASE_URL`` / ``REDIS_URL`` set, on that PostgreSQL (seeded in place,
not emptied) and Redis, otherwise on SQLite in a temporary directory and the in-process store.
Two targets, each two pages asked for in turn:

* portal: the tenant home ``/t/jinan/`` and the main portal's list ``/announcements``, as an
  anonymous visitor (both served from the page cache after their first render);
* console: the staff's list ``/t/jinan/console/announcements`` and its JSON
  ``/t/jinan/api/console/announcements``, signed in as ``jinan-admin`` through
  ``/api/auth/login`` (CSRF cookie and header), the session cookie passed to wrk as a header.

For each target: a 2 s warm-up; its capacity, wrk with ``--connections`` connections as fast as
they go for ``--capacity-seconds``; then ``--seconds`` at 80 % of that rate, paced by
``bench/pace.lua`` (wrk with a Lua ``delay()`` that sends the n-th request at start + n/rate:
wrk2, which holds a rate by itself, is not packaged in Debian; locust's ``constant_throughput``
would hold it too, but its Python workers would take the CPU the server needs on two cores).
The figures are the achieved rate and wrk's p50/p99 latency from sending a request to its
answer. Like wrk, this does not count the time a request waits for a free connection when the
server falls behind (coordinated omission); the achieved rate shows whether it did. The
defaults keep the load to 54 s in all. Exit status 1 if any request failed (a socket error, a
timeout or a status outside 2xx/3xx); a paced rate below 95 % of the one asked is said on the
figure's line (``NOT held``: on a shared machine the capacity of 5 s may not last 20). Needs wrk
(``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.library import Api, load
from bench.portal import (
    DEMO_PASSWORD,
    ROOT,
    BenchError,
    Server,
    describe_backends,
    free_port,
    run_bench,
    run_command,
)

SHARE = 0.8  # of the capacity
REACHED = 0.95  # of the asked rate, or the line says it was not held
WARMUP_S = 2
SITE = "/t/jinan"
STAFF = "jinan-admin"
PACE = ROOT / "bench" / "pace.lua"


@dataclass(frozen=True)
class Target:
    name: str
    paths: tuple[str, ...]
    signed_in: bool


TARGETS = (
    Target("portal", (f"{SITE}/", "/announcements"), signed_in=False),
    Target(
        "console",
        (f"{SITE}/console/announcements", f"{SITE}/api/console/announcements"),
        signed_in=True,
    ),
)


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


_PACED = re.compile(r"^PACED (.*)$", re.M)


def parse(output: str) -> Result:
    line = _PACED.search(output)
    if line is None:
        raise BenchError(f"no summary line from bench/pace.lua in wrk's output:\n{output}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in line.group(1).split())}
    return Result(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        max_ms=values["max_us"] / 1000,
        errors={k: values[k] for k in ("connect", "read", "write", "status", "timeout")},
    )


def wrk(
    binary: str,
    server: Server,
    target: Target,
    headers: dict[str, str],
    seconds: int,
    connections: int,
    rate: float = 0.0,
) -> Result:
    """One wrk run against ``server`` on 127.0.0.1: as fast as it goes, or paced at ``rate``."""
    env = dict(os.environ, BENCH_RATE=f"{rate:.3f}", BENCH_PATHS=" ".join(target.paths))
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    result = subprocess.run(  # noqa: S603 - wrk found on PATH, our arguments
        [
            binary,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(PACE),
            *header_args,
            server.url("/"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse(result.stdout)


def check_pages(server: Server, target: Target, headers: dict[str, str]) -> None:
    """Each page answers 200 to one request, before any load."""
    api = Api(server)
    api.headers.update(headers)
    try:
        for path in target.paths:
            api.fetch(path, None)
    finally:
        api.close()


def errors_text(result: Result) -> str:
    return ", ".join(f"{k} {v}" for k, v in result.errors.items() if v) or "none"


def bench(args: argparse.Namespace, binary: str, tmp: Path, servers: list[Server]) -> int:
    data_dir = tmp / "data"
    env = dict(os.environ)
    env.update(
        SUNSHINE_DATA_DIR=str(data_dir),
        SUNSHINE_ENV="development",
        SUNSHINE_BASE_DOMAIN="localhost",
        SUNSHINE_INSECURE_COOKIES="1",
        SUNSHINE_DEMO_PASSWORD=DEMO_PASSWORD,
        SUNSHINE_HOST="127.0.0.1",
        SUNSHINE_PORT=str(free_port()),
    )
    print(f"machine: {os.cpu_count()} CPUs, load {load()} before the run")
    print(describe_backends(env, data_dir))
    print("seeding the demo…", file=sys.stderr)
    run_command(["-m", "infra.cli", "migrate"], env)
    run_command(["-m", "infra.cli", "seed-demo"], env)
    server = Server(
        "ours",
        int(env["SUNSHINE_PORT"]),
        ["-m", "infra.cli", "serve", "--workers", "1"],
        env,
        tmp / "ours.log",
    )
    servers.append(server)
    server.wait_ready("/healthz")

    failures = []
    lines = []
    for target in TARGETS:
        headers = {"Host": server.host}
        if target.signed_in:
            api = Api(server)
            try:
                api.sign_in(STAFF, DEMO_PASSWORD, site=SITE)
            finally:
                api.close()
            headers["Cookie"] = api.headers["Cookie"]
        check_pages(server, target, headers)
        print(f"{target.name}: warm-up, capacity (load {load()})…", file=sys.stderr)
        wrk(binary, server, target, headers, WARMUP_S, args.connections)
        capacity = wrk(binary, server, target, headers, args.capacity_seconds, args.connections)
        asked = capacity.rate * SHARE
        print(f"{target.name}: {asked:.0f} req/s for {args.seconds} s…", file=sys.stderr)
        paced = wrk(binary, server, target, headers, args.seconds, args.connections, asked)
        problems = [
            f"{target.name} {what}: {errors_text(result)}"
            for what, result in (("capacity", capacity), ("paced", paced))
            if result.failed
        ]
        failures += problems
        # Not a failure of the server's: on a shared machine the rate it holds for 20 s may
        # fall short of one measured over 5 s; the line says so.
        held = "held" if paced.rate >= asked * REACHED else "NOT held"
        lines.append(
            f"load {target.name:<8} ours p50 {paced.p50_ms:.2f} ms p99 {paced.p99_ms:.2f} ms "
            f"(max {paced.max_ms:.1f} ms) at {paced.rate:.0f} req/s for {paced.seconds:.0f} s "
            f"(asked {asked:.0f}: 80 % of its capacity {capacity.rate:.0f} req/s, {held}), "
            f"{paced.requests} requests, errors: {errors_text(paced)}  target no failed "
            f"request: {'MISSED' if problems else 'met'}  [{', '.join(target.paths)}]"
        )
    print(
        f"wrk -t1 -c{args.connections}: capacity over {args.capacity_seconds} s, then "
        f"{args.seconds} s at 80 % paced by bench/pace.lua, after a {WARMUP_S} s warm-up"
    )
    for line in lines:
        print(line)
    print(f"machine load {load()} after the run")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("no request failed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--capacity-seconds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=20, help="of paced load a target")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if args.capacity_seconds < 1 or args.seconds < 1:
        parser.error("--capacity-seconds and --seconds take at least 1")

    binary = shutil.which("wrk")
    if binary is None:
        print(
            "wrk is not installed: apt-get install -y wrk (Debian package `wrk`), then run again",
            file=sys.stderr,
        )
        return 2

    return run_bench("load", lambda tmp, servers: bench(args, binary, tmp, servers))


if __name__ == "__main__":
    sys.exit(main())
