"""P1: portal pages beside a bare Litestar template page, on the same machine, in one run.

Ours is the production server, ``python -m infra.cli serve --workers 1`` (uvicorn), on a fresh
demo seed (``migrate``, ``seed-demo``: three tenants with branding, plugins, announcements) in a
throwaway data directory, in development mode so sub-sites answer under ``/t/<slug>/``. The
reference is ``bench/bare_app.py``: one route rendering a Jinja2 page of our home page's shape
and size (see there) through ``TemplateConfig`` + ``JinjaTemplateEngine``, no middleware, served
by uvicorn with the settings ``serve`` uses (one worker, uvicorn's own loop and HTTP choice,
info log with access lines, no proxy headers). Both get ``Host: localhost:<port>``.

wrk loads one server at a time (the machine has two cores: one for the server, one for wrk),
after a warm-up of each target, in rounds of pairs (reference, ours) for each page; the figures
are the medians over the rounds, and each page's ratio is its median against the median of
every reference run. Any non-2xx response fails the run. Our pages are served from the page
cache after the first render; wrk sends no cookies, so every request is a first visit (and,
without a query string, replayed before Litestar: ``themes.replay``). A second figure, "home/
bytes", sets our cached tenant home against the bare app returning that page's very bytes
(``/prerendered``, read from the file ours served): the ceiling for bytes already made.

    .venv/bin/python -m bench.portal [--duration 10] [--connections 32] [--rounds 3]

With ``DATABASE_URL`` / ``REDIS_URL`` set, ours runs on that PostgreSQL (seeded in place, not
emptied) / Redis (sessions and the page cache); otherwise on SQLite in the temporary directory
and the in-process store. Needs wrk (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.8
BYTES_TARGET = 0.6  # the cached tenant home against Litestar returning its bytes (issue #15)
PAGES = [
    ("tenant home", "/t/jinan/"),
    ("portal home", "/"),
    ("tenant list", "/t/jinan/announcements"),
]
REF_PATH = "/"
FLOOR_PATH = "/prerendered"
DEMO_PASSWORD = "Bench-Pass-123"  # noqa: S105 - throwaway demo accounts


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: str | None  # wrk's "connect 0, read 0, write 0, timeout 3", when any


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> Run:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s+(.*)$", output, re.M)
    return Run(
        rps=float(rps.group(1)),
        p50_ms=float(p50.group(1)) * _UNITS_MS[p50.group(2)],
        p99_ms=float(p99.group(1)) * _UNITS_MS[p99.group(2)],
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors.group(1).strip() if errors else None,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One uvicorn process in its own session (Ctrl-C reaches us, and we stop it)."""

    def __init__(self, name: str, port: int, args: Sequence[str], env: dict[str, str], log: Path):
        self.name, self.port, self.log = name, port, log
        self.host = f"localhost:{port}"
        self._log_file: IO[bytes] = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log_tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def get(self, path: str, timeout: float = 10.0) -> httpx.Response:
        with httpx.Client(trust_env=False, timeout=timeout) as client:
            return client.get(self.url(path), headers={"Host": self.host})

    def wait_ready(self, path: str, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"{self.name} server exited ({self.process.returncode}); "
                    f"tail of {self.log}:\n{self.log_tail()}"
                )
            try:
                self.get(path, timeout=2.0)
                return
            except httpx.TransportError:
                time.sleep(0.25)
        raise BenchError(f"{self.name} server not up after {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._log_file.close()


def run_command(args: Sequence[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        raise BenchError(
            f"`python {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


class Load:
    def __init__(self, wrk: str, duration: int, connections: int, threads: int) -> None:
        self.wrk, self.duration, self.connections, self.threads = (
            wrk,
            duration,
            connections,
            threads,
        )
        self.failures: list[str] = []

    def run(
        self, server: Server, path: str, duration: int | None = None, script: Path | None = None
    ) -> Run:
        """Load ``path``, or the paths a wrk Lua ``script`` asks for."""
        seconds = duration or self.duration
        result = subprocess.run(  # noqa: S603 - wrk found on PATH, fixed arguments
            [
                self.wrk,
                f"-t{self.threads}",
                f"-c{self.connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-H",
                f"Host: {server.host}",
                *(["-s", str(script)] if script else []),
                server.url(path),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
        if result.returncode != 0:
            raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        run = parse_wrk(result.stdout)
        what = f"{server.name} {path}"
        if run.non_2xx:
            self.failures.append(f"{what}: {run.non_2xx} of {run.requests} responses not 2xx/3xx")
        if run.socket_errors:
            print(f"  warning: {what}: socket errors {run.socket_errors}", file=sys.stderr)
        return run


def check_page(server: Server, path: str) -> int:
    """One GET: it must answer 200 with HTML; the size of its body."""
    response = server.get(path)
    if response.status_code != 200:
        raise BenchError(
            f"{server.name} {path} answered {response.status_code}, not 200:\n"
            f"{response.text[:500]}\n{server.log_tail()}"
        )
    return len(response.content)


def describe_backends(env: dict[str, str], data_dir: Path) -> str:
    database = (
        "PostgreSQL (DATABASE_URL)"
        if env.get("DATABASE_URL")
        else f"SQLite ({data_dir / 'sunshine.sqlite3'})"
    )
    store = "Redis (REDIS_URL)" if env.get("REDIS_URL") else "in-process memory store"
    return f"ours on {database}, page cache and sessions in {store}"


def summary(runs: list[Run]) -> tuple[float, float]:
    return statistics.median(r.rps for r in runs), statistics.median(r.p99_ms for r in runs)


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def bench(args: argparse.Namespace, wrk: str, tmp: Path, servers: list[Server]) -> int:
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
    ref_env = {k: v for k, v in os.environ.items() if not k.startswith("SUNSHINE_")}
    ref_env["BENCH_REF_ITEMS"] = str(args.ref_items)

    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} before the run")
    print(describe_backends(env, data_dir))
    print("seeding the demo…", file=sys.stderr)
    run_command(["-m", "infra.cli", "migrate"], env)
    run_command(["-m", "infra.cli", "seed-demo"], env)

    ours = Server(
        "ours",
        int(env["SUNSHINE_PORT"]),
        ["-m", "infra.cli", "serve", "--workers", "1"],
        env,
        tmp / "ours.log",
    )
    servers.append(ours)
    ours.wait_ready("/")
    # The ceiling serves our tenant home's own bytes (as an anonymous visitor gets them).
    floor_file = tmp / "tenant-home.html"
    floor_file.write_bytes(ours.get(PAGES[0][1]).content)
    ref_env["BENCH_FLOOR_FILE"] = str(floor_file)
    ref_port = free_port()
    reference = Server(
        "reference",
        ref_port,
        [
            "-m",
            "uvicorn",
            "bench.bare_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(ref_port),
            "--workers",
            "1",
            "--no-proxy-headers",
            "--log-level",
            "info",
        ],
        ref_env,
        tmp / "reference.log",
    )
    servers.append(reference)
    reference.wait_ready(REF_PATH)

    sizes = {path: check_page(ours, path) for _, path in PAGES}
    ref_size = check_page(reference, REF_PATH)
    floor_size = check_page(reference, FLOOR_PATH)

    load = Load(wrk, args.duration, args.connections, args.threads)
    print(f"warming up ({args.warmup} s a target)…", file=sys.stderr)
    for server, path in [(reference, REF_PATH), (reference, FLOOR_PATH)] + [
        (ours, path) for _, path in PAGES
    ]:
        load.run(server, path, args.warmup)

    ref_runs: list[Run] = []
    our_runs: dict[str, list[Run]] = {path: [] for _, path in PAGES}
    floor_runs: list[Run] = []

    def note(round_: int, name: str, run: Run) -> None:
        print(
            f"  round {round_} {name:<16} {run.rps:7.0f} req/s  p99 {run.p99_ms:7.1f} ms",
            file=sys.stderr,
        )

    for round_ in range(1, args.rounds + 1):
        for label, path in PAGES:
            ref_runs.append(load.run(reference, REF_PATH))
            note(round_, "reference", ref_runs[-1])
            our_runs[path].append(load.run(ours, path))
            note(round_, label, our_runs[path][-1])
        floor_runs.append(load.run(reference, FLOOR_PATH))
        note(round_, "floor", floor_runs[-1])

    ref_rps, ref_p99 = summary(ref_runs)
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds, "
        f"medians; reference {REF_PATH} renders {kb(ref_size)} "
        f"({args.ref_items} items a panel) each request"
    )
    for label, path in PAGES:
        rps, p99 = summary(our_runs[path])
        ratio = rps / ref_rps
        verdict = "met" if ratio >= TARGET else "NOT MET"
        print(
            f"P1 {label:<12} ours {rps:6.0f} req/s p99 {p99:6.1f} ms  "
            f"reference {ref_rps:6.0f} req/s p99 {ref_p99:6.1f} ms  "
            f"ratio {ratio:.2f} (target >= {TARGET}) {verdict}  [{path}, {kb(sizes[path])}]"
        )
    floor_rps, floor_p99 = summary(floor_runs)
    home_rps, home_p99 = summary(our_runs[PAGES[0][1]])
    ratio = home_rps / floor_rps
    verdict = "met" if ratio >= BYTES_TARGET else "NOT MET"
    print(
        f"P1 home/bytes ours {home_rps:6.0f} req/s p99 {home_p99:6.1f} ms  "
        f"Litestar returning the same bytes {floor_rps:6.0f} req/s p99 {floor_p99:6.1f} ms  "
        f"ratio {ratio:.2f} (target >= {BYTES_TARGET}) {verdict}  [{FLOOR_PATH}, {kb(floor_size)}]"
    )
    print(f"machine load {os.getloadavg()[0]:.2f} after the run")
    if load.failures:
        print("FAILED: " + "; ".join(load.failures))
        return 1
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_bench(
    name: str,
    run: Callable[[Path, list[Server]], int],
    clean_up: Callable[[], None] | None = None,
) -> int:
    """Run a bench in a temporary directory of its own and return its exit status.

    Ctrl-C (even when started in the background, where SIGINT comes ignored) and a plain `kill`
    both end in the clean-up: the servers ``run`` started (it appends them to the list it is
    given) are stopped, ``clean_up`` runs, the directory goes.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    tmp = Path(tempfile.mkdtemp(prefix=f"sunshine-bench-{name}-"))
    servers: list[Server] = []
    try:
        return run(tmp, servers)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            server.stop()
        if clean_up is not None:
            clean_up()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load a run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up a target")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--ref-items", type=int, default=2, help="announcements a panel in the reference page"
    )
    args = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk is not installed: apt-get install -y wrk (Debian package `wrk`), then run again",
            file=sys.stderr,
        )
        return 2

    return run_bench("portal", lambda tmp, servers: bench(args, wrk, tmp, servers))


if __name__ == "__main__":
    sys.exit(main())
