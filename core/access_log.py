"""The access log (访问日志): one line a request, buffered and written in batches.

uvicorn's access log goes through :mod:`logging` a line at a time (a record, a formatter, the
handler's lock, a write and a flush): bench P11 measured it at nearly half the throughput of a
replayed page and a quarter of a cached one. Handing the records to a logging thread instead
cost as much (the two threads pass the interpreter lock back and forth a line). So the line is
made here with an f-string (JSON in production, with the fields of the other logs), kept in a
list, and written to standard error when 256 have gathered or a second has passed, and at
shutdown, in whole lines of at most PIPE_BUF bytes a write (so workers sharing the stream never
tear each other's lines). On by default; ``SUNSHINE_NO_ACCESS_LOG`` turns it off.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import sys
import time

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

BATCH = 256
EVERY_S = 1.0
LOGGER = "sunshine.access"
log = logging.getLogger("sunshine")


class _Buffer:
    def __init__(self, json_lines: bool, fd: int) -> None:
        self.json_lines, self.fd = json_lines, fd
        self.lines: list[bytes] = []
        self.pending: asyncio.TimerHandle | None = None
        self._second = -1
        self._stamp = ""

    def _now(self) -> str:
        second = int(time.time())
        if second != self._second:  # one strftime a second, not one a line
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return self._stamp

    def add(self, message: str) -> None:
        if self.json_lines:
            record = {"time": self._now(), "level": "INFO", "logger": LOGGER, "message": message}
            self.lines.append(msgspec.json.encode(record) + b"\n")
        else:
            self.lines.append(f"{self._now()} {message}\n".encode())
        if len(self.lines) >= BATCH:
            self.flush()
        elif self.pending is None:
            self.pending = asyncio.get_running_loop().call_later(EVERY_S, self.flush)

    def flush(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        lines, self.lines = self.lines, []
        try:
            for chunk in _chunks(lines):
                data = memoryview(chunk)
                while data:  # a write may take only part (a signal)
                    data = data[os.write(self.fd, data) :]
        except OSError as exc:  # stderr gone: the log must not fail the request or the loop
            log.warning("access log lines lost: %s", exc)


def _chunks(lines: list[bytes]) -> list[bytes]:
    """Whole lines joined up to PIPE_BUF bytes: a write that size reaches a pipe in one piece,
    so two workers sharing standard error never tear each other's lines."""
    chunks: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for line in lines:
        if current and size + len(line) > select.PIPE_BUF:
            chunks.append(b"".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current:
        chunks.append(b"".join(current))
    return chunks


class AccessLog:
    """ASGI: after each HTTP response, ``client "METHOD path" status duration``."""

    def __init__(self, app: ASGIApp, *, json_lines: bool) -> None:
        self.app = app
        self.buffer = _Buffer(json_lines, sys.stderr.fileno())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            client = scope.get("client")
            query = scope.get("query_string", b"")
            target = scope["path"] + ("?" + query.decode("latin-1") if query else "")
            if not self.buffer.json_lines:  # a decoded %0A must not start a forged line
                target = target.replace("\n", "\\n").replace("\r", "\\r")
            took = (time.perf_counter() - started) * 1000
            # The path with any /t/<slug> prefix: ASGI keeps it in ``path``.
            self.buffer.add(
                f'{client[0] if client else "-"} "{scope["method"]} {target}" '
                f"{status or 500} {took:.1f}ms"
            )
