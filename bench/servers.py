"""P11: which ASGI server, and what the access log costs — our app under each, in one run.

The same app (``core.app:create_app``) on the same freshly seeded demo, one worker each, served
in turn by

* uvicorn as ``serve`` runs it (uvloop and httptools, from ``uvicorn[standard]``);
* granian (Rust HTTP, ``--interface asgi``);

each with the app's access log (``core.access_log``) and without (``SUNSHINE_NO_ACCESS_LOG``),

and loaded by wrk on two pages: the tenant home an anonymous visitor gets (replayed before
Litestar, ``themes.replay``: the server's own cost shows most) and a list filtered by type
(``?type=``: through Litestar to the page cache, what most requests are). Rounds of every
server on every page; medians; each ratio is granian's against uvicorn's, and each access-log
cost is a server's throughput without its log against with it.

    .venv/bin/python -m bench.servers [--duration 8] [--rounds 2] [--connections 32]

The embedded default unless ``DATABASE_URL`` / ``REDIS_URL`` are set (as ``bench.portal``).
Needs wrk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from bench.portal import (
    DEMO_PASSWORD,
    Load,
    Run,
    Server,
    check_page,
    free_port,
    run_bench,
    run_command,
    summary,
)

PAGES = [
    ("replayed tenant home", "/t/jinan/"),
    ("cached list", "/t/jinan/announcements?type=tender_notice"),
]


def _servers(port: int) -> dict[str, list[str]]:
    """The command of each server on ``port``. The access log is the app's own
    (``core.access_log``), the same under both; the servers' own are off."""
    return {
        "uvicorn": ["-m", "infra.cli", "serve", "--workers", "1"],
        "granian": [
            "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--no-access-log", "core.app:create_app",
        ],
    }  # fmt: skip


def bench(args: argparse.Namespace, wrk: str, tmp: Path, servers: list[Server]) -> int:
    env = dict(os.environ)
    env.update(
        SUNSHINE_DATA_DIR=str(tmp / "data"),
        SUNSHINE_ENV="development",
        SUNSHINE_BASE_DOMAIN="localhost",
        SUNSHINE_INSECURE_COOKIES="1",
        SUNSHINE_DEMO_PASSWORD=DEMO_PASSWORD,
        SUNSHINE_HOST="127.0.0.1",
    )
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} before the run")
    print("seeding the demo…", file=sys.stderr)
    run_command(["-m", "infra.cli", "migrate"], env)
    run_command(["-m", "infra.cli", "seed-demo"], env)
    load = Load(wrk, args.duration, args.connections, args.threads)
    runs: dict[tuple[str, bool, str], list[Run]] = {}
    for round_ in range(1, args.rounds + 1):
        for logged in (True, False):
            for name in ("uvicorn", "granian"):
                port = free_port()
                server_env = env | {"SUNSHINE_PORT": str(port)}
                if not logged:
                    server_env["SUNSHINE_NO_ACCESS_LOG"] = "1"
                label = f"{name}{'' if logged else '-quiet'}-{round_}"
                server = Server(label, port, _servers(port)[name], server_env, tmp / f"{label}.log")
                servers.append(server)
                try:
                    server.wait_ready(PAGES[0][1])
                    for _, path in PAGES:
                        check_page(server, path)
                        load.run(server, path, args.warmup)
                        run = load.run(server, path)
                        runs.setdefault((name, logged, path), []).append(run)
                        print(
                            f"  round {round_} {label:<18} {path:<44} {run.rps:7.0f} req/s "
                            f"p99 {run.p99_ms:6.1f} ms",
                            file=sys.stderr,
                        )
                finally:
                    server.stop()
                    servers.remove(server)
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds, "
        "medians, one worker each"
    )
    for label, path in PAGES:
        figures = {key: summary(runs[(*key, path)]) for key in _keys()}
        uvicorn, granian = figures[("uvicorn", True)], figures[("granian", True)]
        print(
            f"P11 server {label:<20} granian {granian[0]:6.0f} req/s p99 {granian[1]:6.1f} ms  "
            f"uvicorn {uvicorn[0]:6.0f} req/s p99 {uvicorn[1]:6.1f} ms  "
            f"ratio {granian[0] / uvicorn[0]:.2f} (access log on)"
        )
        for name in ("uvicorn", "granian"):
            with_log, without = figures[(name, True)][0], figures[(name, False)][0]
            print(
                f"P11 access log {name:<8} {label:<20} with {with_log:6.0f} req/s  "
                f"without {without:6.0f} req/s  costs {1 - with_log / without:.0%}"
            )
    print(f"machine load {os.getloadavg()[0]:.2f} after the run")
    if load.failures:
        print("FAILED: " + "; ".join(load.failures))
        return 1
    return 0


def _keys() -> list[tuple[str, bool]]:
    return [(name, logged) for name in ("uvicorn", "granian") for logged in (True, False)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds of load a run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up a run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("error: wrk not found (apt-get install -y wrk)", file=sys.stderr)
        return 1
    return run_bench("servers", lambda tmp, servers: bench(args, wrk, tmp, servers))


if __name__ == "__main__":
    sys.exit(main())
