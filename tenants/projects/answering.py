"""How the projects' page handlers answer an action: success redirects to the page with its
flash; a refusal shows that page again with the reason and the refusal's status; "not found"
stays the plain 404 page, so another tenant's project looks like a missing one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from litestar import Response
from litestar.response import Redirect, Template

from core.errors import DomainError
from core.flash import flash

Refused = Callable[[str, int], Awaitable[Template]]  # (message, status) → the page again


async def act(
    action: Awaitable[object], done: Redirect, flash_key: str, refused: Refused
) -> Redirect | Template:
    try:
        await action
    except DomainError as exc:
        if exc.status_code == 404:
            raise
        return await refused(exc.message, exc.status_code)
    return flash(done, flash_key)


def private_file(filename: str, data: bytes, media_type: str) -> Response[bytes]:
    """A download for its reader only: never kept by a browser or a proxy, never sniffed."""
    quoted = urlencode({"": filename})[1:]
    headers = {
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quoted}",
    }
    return Response(data, media_type=media_type, headers=headers)
