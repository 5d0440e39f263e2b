"""``Server-Timing: app;dur=<ms>`` on every response, so a benchmark can tell the server's time
from the network's and the client's (and a browser's developer tools show it)."""

from __future__ import annotations

import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send


def server_timing(app: ASGIApp) -> ASGIApp:
    async def timed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={elapsed:.3f}".encode()))
                message = {**message, "headers": headers}  # type: ignore[assignment]
            await send(message)

        await app(scope, receive, send_with_timing)

    return timed
