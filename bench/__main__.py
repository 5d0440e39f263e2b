"""Every performance figure with one command, on PostgreSQL and Redis, and a summary table.

    .venv/bin/python -m bench [--only P5,P6] [--quick]

Without ``DATABASE_URL`` and ``REDIS_URL`` it starts PostgreSQL, Redis and S3 itself through
``infra/services.sh`` (``SERVICES_DIR=/tmp/sunshine-bench``, ports 25432, 26379, 29333; other
values through ``BENCH_SERVICES_DIR``, ``BENCH_PG_PORT``, ``BENCH_REDIS_PORT``,
``BENCH_S3_PORT``) and stops them at the end; with both set it uses those (and ``S3_*`` when
set). Each figure's script then runs in turn as a subprocess, on a database of its own,
``<database>_bench_<figure>`` (dropped and created again first), and a Redis database of its own
(numbers 1–8 of that server, emptied first): a script may empty or seed its database, and
pages cached by one must not be served to another. ``--quick`` passes each script a small scale
(a smoke run of the whole chain in minutes, not figures to quote). A figure whose script is not
there yet is skipped with a line saying so. The exit status is 1 if any script failed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from redis import Redis

from bench.portal import ROOT


@dataclass(frozen=True)
class Figure:
    name: str
    module: str
    what: str
    quick: tuple[str, ...] = ()  # arguments of a smoke run


FIGURES = (
    Figure(
        "P1",
        "bench.portal",
        "portal pages vs a bare Litestar page",
        ("--duration", "2", "--warmup", "1", "--rounds", "1"),
    ),
    Figure(
        "P2",
        "bench.authz",
        "authorization decision, 10,000 tenants",
        ("--tenants", "300", "--decisions", "20000"),
    ),
    Figure(
        "P3",
        "bench.startup",
        "worker start time and memory, 10,000 tenants",
        ("--tenants", "300", "--starts", "1", "--sample", "50"),
    ),
    Figure(
        "P4",
        "bench.scale",
        "portal throughput, 10,000 tenants vs 10",
        ("--tenants", "300", "--duration", "2", "--warmup", "1", "--rounds", "1"),
    ),
    Figure(
        "P5",
        "bench.announcements",
        "main-portal list over 1M announcements",
        ("--announcements", "20000", "--tenants", "30", "--requests", "200"),
    ),
    Figure(
        "P6",
        "bench.library",
        "supplier lookup and search over 1M suppliers",
        ("--suppliers", "20000", "--lookups", "300", "--searches", "100"),
    ),
    Figure(
        "P7",
        "bench.provisioning",
        "provisioning one tenant end to end",
        ("--tenants", "300", "--provisions", "10"),
    ),
    Figure(
        "P8",
        "bench.opening",
        "opening a lot of 200 sealed bids",
        ("--bids", "50", "--rounds", "1"),
    ),
    Figure(
        "P9",
        "bench.projects",
        "a tenant's project list over 100,000 projects",
        ("--projects", "5000", "--requests", "100"),
    ),
    Figure(
        "P10",
        "bench.statistics",
        "yearly statistics across tenants over 1M announcements, 100k projects",
        ("--announcements", "20000", "--projects", "2000", "--tenants", "10", "--requests", "50"),
    ),
    Figure(
        "P11",
        "bench.servers",
        "uvicorn vs granian, and the access log's cost",
        ("--duration", "2", "--warmup", "1", "--rounds", "1"),
    ),
    Figure(
        "load",
        "bench.load",
        "portal and console at 80 % of capacity",
        ("--capacity-seconds", "2", "--seconds", "3"),
    ),
)
SERVICES = {
    "SERVICES_DIR": ("BENCH_SERVICES_DIR", "/tmp/sunshine-bench"),  # noqa: S108 - like services.sh's own
    "PG_PORT": ("BENCH_PG_PORT", "25432"),
    "REDIS_PORT": ("BENCH_REDIS_PORT", "26379"),
    # weed also binds S3_PORT + 8 − 10000 (services.sh): 28333's 18341 is another S3's here
    "S3_PORT": ("BENCH_S3_PORT", "29333"),
}
# A figure line starts with its name ("P5 cached …", "load portal …").
FIGURE_LINE = re.compile(r"^(P\d+|load)\s")


class Services:
    """PostgreSQL, Redis and S3 through infra/services.sh, in the bench's own directory."""

    def __init__(self) -> None:
        self.env = dict(os.environ)
        for name, (override, default) in SERVICES.items():
            self.env[name] = os.environ.get(override, default)

    def _run(self, command: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own script
            ["bash", str(ROOT / "infra" / "services.sh"), command],  # noqa: S607
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"infra/services.sh {command} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> dict[str, str]:
        """The variables of the env file the script writes (export NAME=value lines)."""
        env_file = self._run("start").strip().splitlines()[-1]
        with open(env_file) as lines:
            return dict(
                line.removeprefix("export ").strip().split("=", 1)
                for line in lines
                if line.startswith("export ")
            )

    def stop(self) -> None:
        self._run("stop")


def database_url(base: str, figure: Figure) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_bench_{figure.name.lower()}"))


def redis_url(base: str, number: int) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{number}"))


async def fresh_database(url: str) -> None:
    """Drop the figure's database if an earlier run left it, and create it empty."""
    parts = urlsplit(url)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        name = parts.path.lstrip("/")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


@dataclass
class Outcome:
    figure: Figure
    status: str  # "ok", "failed (1)", "skipped: …"
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run(figure: Figure, env: dict[str, str], quick: bool) -> Outcome:
    if importlib.util.find_spec(figure.module) is None:
        print(f"== {figure.name}: skipped, {figure.module} does not exist yet", flush=True)
        return Outcome(figure, f"skipped: no {figure.module}")
    args = [sys.executable, "-m", figure.module, *(figure.quick if quick else ())]
    print(f"== {figure.name} ({figure.what}): {' '.join(args[1:])}", flush=True)
    started = time.perf_counter()
    lines = []
    with subprocess.Popen(  # noqa: S603 - our own interpreter and modules
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:  # shown as it comes; stderr goes straight through
                print(line, end="", flush=True)
                if FIGURE_LINE.match(line):
                    lines.append(line.rstrip())
        except BaseException:  # interrupted: the script cleans up after itself on SIGTERM
            process.terminate()
            raise
    seconds = time.perf_counter() - started
    status = "ok" if process.returncode == 0 else f"failed ({process.returncode})"
    print(f"== {figure.name}: {status} in {seconds:.0f} s", flush=True)
    return Outcome(figure, status, lines, seconds)


_NUMBER = r"[\d.,]+\s*(?:µs|us|ms|s|MB|req/s|x)?"
_FIELDS = {
    "ours": re.compile(rf"\bours\b\D*?((?:p50\s+)?{_NUMBER}(?:\s+p99\s+{_NUMBER})?)"),
    "reference": re.compile(
        rf"\b(?:reference|plain pycasbin|vs)\b\D*?((?:p50\s+)?{_NUMBER}(?:\s+p99\s+{_NUMBER})?)"
    ),
    "ratio": re.compile(r"\bratio\s+([\d.]+x?)"),
    "target": re.compile(r"\(?target\s*([^):;]*[^):;\s])"),
    "verdict": re.compile(r"\b(met|NOT MET|MISSED|missed)\b"),
}


def row(line: str) -> list[str]:
    """figure, ours, reference, ratio, target, met/missed: what each line says of them."""
    label = re.split(r"\s+(?:ours|capacity)\b|:", line, maxsplit=1)[0]
    cells = [label.strip()]
    for pattern in _FIELDS.values():
        found = pattern.search(line)
        cells.append(" ".join(found.group(1).split()) if found else "—")
    return cells


def table(outcomes: list[Outcome]) -> str:
    header = ["figure", "ours", "reference", "ratio", "target", "met/missed"]
    rows = []
    for outcome in outcomes:
        if not outcome.lines:
            rows.append([outcome.figure.name, outcome.status, "", "", "", ""])
        rows.extend(row(line) for line in outcome.lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="figures to run, e.g. P5,P6 (default: all, and load)")
    parser.add_argument("--quick", action="store_true", help="small scales: a smoke run")
    args = parser.parse_args()
    chosen = list(FIGURES)
    if args.only:
        names = {n.strip().lower() for n in args.only.split(",") if n.strip()}
        unknown = names - {f.name.lower() for f in FIGURES}
        if unknown:
            parser.error(f"unknown figures {sorted(unknown)}; known: {[f.name for f in FIGURES]}")
        chosen = [f for f in FIGURES if f.name.lower() in names]

    have_db, have_redis = bool(os.environ.get("DATABASE_URL")), bool(os.environ.get("REDIS_URL"))
    if have_db != have_redis:
        print("set both DATABASE_URL and REDIS_URL, or neither (to start our own)", file=sys.stderr)
        return 2
    # A plain `kill` ends like Ctrl-C: the services we started are stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    services = None if have_db else Services()
    started = time.perf_counter()
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}", flush=True)
    outcomes = []
    try:
        base = dict(os.environ)
        if services is not None:
            print("starting PostgreSQL, Redis and S3 (infra/services.sh)…", flush=True)
            base.update(services.start())
        for number, figure in enumerate(chosen, start=1):
            env = dict(base)
            env["DATABASE_URL"] = database_url(base["DATABASE_URL"], figure)
            env["REDIS_URL"] = redis_url(base["REDIS_URL"], number)
            asyncio.run(fresh_database(env["DATABASE_URL"]))
            with Redis.from_url(env["REDIS_URL"]) as redis:
                redis.flushdb()
            outcomes.append(run(figure, env, args.quick))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if services is not None:
            services.stop()
    print(
        f"\nsummary ({'quick scale, not figures to quote; ' if args.quick else ''}"
        f"load {os.getloadavg()[0]:.2f} at the end, {time.perf_counter() - started:.0f} s):"
    )
    print(table(outcomes))
    failed = [o.figure.name for o in outcomes if o.status.startswith("failed")]
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
