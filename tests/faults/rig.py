"""Private services and a production server for the fault-injection tests.

The suite's session-wide app is bound to the services in the environment, and the database
engine and settings are process-wide, so a second app in this process could not point
elsewhere. These tests therefore run ``python -m infra.cli serve`` in a subprocess against a
PostgreSQL cluster and a Redis of their own, which they may stop and restart at will, and
reach the suite's S3 through a TCP relay they can cut. Nothing the rest of the suite uses is
touched: the server keeps its objects in a bucket of its own.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import httpx

ROOT = Path(__file__).resolve().parents[2]
HOST = "faults.test"  # the private server's base domain
PASSWORD = "Faults-Test-Pass1"  # every seeded account's
# Bounds on start-up and on one command, generous: on a busy 2-core machine imports alone
# take tens of seconds. They only turn a service that never comes up into a failure.
START_TIMEOUT_S = 180
COMMAND_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, ready: Callable[[], bool], log: Path | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT_S}s\n{tail}")


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def _pg_bin() -> Path | None:
    """Debian's newest PostgreSQL (not on PATH), else one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class Postgres:
    """A throwaway cluster (trust authentication, 127.0.0.1 only), restartable.

    PostgreSQL refuses to run as root: as root (CI), its binaries run as ``postgres``."""

    def __init__(self, workdir: Path) -> None:
        self.bin = _pg_bin()
        self.dir = workdir / "pg"
        self.log = workdir / "pg.log"
        self.port = free_port()
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/sunshine"

    @staticmethod
    def installed() -> bool:
        return _pg_bin() is not None

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=COMMAND_TIMEOUT_S)

    def _pg_ctl(self, *args: str) -> None:
        assert self.bin is not None
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), *args)

    def start(self) -> None:
        if os.geteuid() == 0:
            self.dir.mkdir()
            self.log.touch()
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        assert self.bin is not None
        self._run(str(self.bin / "initdb"), "-D", str(self.dir), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        with (self.dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                "unix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nmax_connections = 50\n"
            )
        self._pg_ctl("-w", "start")
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "sunshine")  # fmt: skip

    def stop(self) -> None:
        """Fast shutdown: every session is terminated, as in a restart."""
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start_again(self) -> None:
        self._pg_ctl("-w", "start")

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self._pg_ctl("-w", "-m", "immediate", "stop")


class Redis:
    """A Redis of its own, without persistence: stopped, it forgets, as a crashed one would."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.binary
        args = ["--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, *args, "--logfile", str(self.log)], stdout=subprocess.DEVNULL
        )
        _wait("Redis", lambda: _listening(self.port), self.log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Relay:
    """A TCP relay to ``target``: :meth:`cut` closes its port and every connection through
    it, so the far side looks unreachable; :meth:`restore` opens the same port again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            doomed = [s for s in (self._listener, *self._sockets) if s is not None]
            self._listener, self._sockets = None, set()
        for s in doomed:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                return  # cut
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


class Server:
    """``python -m infra.cli serve`` on its own port (plain HTTP, development mode so that
    cookies need no TLS), and the commands run with the same environment."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = workdir / "server.log"
        self.env = {
            **env,
            "SUNSHINE_ENV": "development",
            "SUNSHINE_DATA_DIR": str(workdir / "data"),
            "SUNSHINE_BASE_DOMAIN": HOST,
            "SUNSHINE_HOST": "127.0.0.1",
            "SUNSHINE_PORT": str(self.port),
            "SUNSHINE_INSECURE_COOKIES": "1",  # plain HTTP to 127.0.0.1
            "SUNSHINE_DB_POOL_MAX": "8",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``python -m <args>`` with the server's environment."""
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )

    def seed(self, applications: int) -> str:
        """Migrate and seed (:mod:`tests.faults.seed`); what it made, as JSON."""
        seeded = self.python("tests.faults.seed", str(applications))
        if seeded.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{seeded.stdout}\n{seeded.stderr}")
        return seeded.stdout.strip().splitlines()[-1]

    def launch(self) -> None:
        """Start serving; :meth:`wait` until it answers. The server needs no schema to start,
        so the two processes' imports overlap with seeding."""
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infra.cli", "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> None:
        _wait("the server", self._alive, self.log)

    def _alive(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{self.log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{self.url}/healthz", headers={"host": HOST}).status_code == 200
        return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def errors(self) -> list[str]:
        """The distinct exceptions in the server's log, for an assertion's message."""
        lines = self.log.read_text(errors="replace").splitlines()
        return sorted({line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)})

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@dataclass
class Rig:
    postgres: Postgres
    redis: Redis
    s3: Relay
    server: Server
    seeded: str  # tests.faults.seed's JSON
    bucket: Any  # boto3's Bucket of the server's objects, reached directly

    def object_exists(self, key: str) -> bool:
        return any(o.key == key for o in self.bucket.objects.filter(Prefix=key))


@contextlib.contextmanager
def rig(s3_endpoint: str, s3_env: dict[str, str], applications: int) -> Iterator[Rig]:
    """Start everything; stop and delete everything afterwards, whatever happened."""
    workdir = Path(tempfile.mkdtemp(prefix="sunshine-faults-"))
    workdir.chmod(0o755)  # the postgres user must reach its data directory
    postgres, redis = Postgres(workdir), Redis(workdir)
    parts = urlsplit(s3_endpoint)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 80))
    bucket_name = f"sunshine-faults-{uuid.uuid4().hex[:8]}"
    bucket = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=s3_env.get("S3_REGION"),
        aws_access_key_id=s3_env.get("S3_ACCESS_KEY_ID"),
        aws_secret_access_key=s3_env.get("S3_SECRET_ACCESS_KEY"),
    ).Bucket(bucket_name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "SUNSHINE_"))}
    server = Server(
        workdir,
        {
            **env,
            **s3_env,
            "DATABASE_URL": postgres.dsn,
            "REDIS_URL": redis.url,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{relay.port}",
            "S3_BUCKET": bucket_name,  # created by the server at start
        },
    )
    try:
        postgres.start()
        redis.start()
        relay.restore()
        bucket.create()  # here, not by the server and the seeding both at once
        server.launch()
        seeded = server.seed(applications)
        server.wait()
        yield Rig(postgres, redis, relay, server, seeded, bucket)
    finally:
        server.stop()
        relay.cut()
        redis.stop()
        postgres.remove()
        shutil.rmtree(workdir, ignore_errors=True)
        with contextlib.suppress(Exception):
            bucket.objects.all().delete()
            bucket.delete()
