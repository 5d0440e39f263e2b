"""A message shown once on the next page after an action (操作成功提示).

The message is a catalogue key carried in a short-lived cookie, so a redirect after a POST can
say what happened without a session write; only keys of the catalogue are ever shown, so the
cookie cannot put text of its own on a page.
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Response
from litestar.connection import ASGIConnection

from core.settings import get_settings
from themes.i18n import MESSAGES

COOKIE = "sunshine_flash"
R = TypeVar("R", bound=Response[Any])


def flash(response: R, key: str) -> R:
    """Show message ``key`` once on the next page the browser asks for."""
    if key not in MESSAGES:
        raise KeyError(key)
    secure = not get_settings().security.insecure_cookies
    response.set_cookie(
        COOKIE, key, max_age=60, httponly=True, secure=secure, samesite="lax", path="/"
    )
    return response


def pending_flash(connection: ASGIConnection) -> str | None:
    """The key waiting to be shown, if it is one of the catalogue's."""
    key = connection.cookies.get(COOKIE)
    return key if key in MESSAGES else None
