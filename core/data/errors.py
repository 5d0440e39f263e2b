"""The unique-violation errors of both engines become one domain error."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asyncpg.exceptions import UniqueViolationError

from core.errors import AlreadyExists


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, UniqueViolationError):
        return True
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(exc)


@asynccontextmanager
async def unique_violation_as(message: str, **detail: object) -> AsyncIterator[None]:
    """Raise :class:`AlreadyExists` with ``message`` when the block breaks a unique key.

    Put it around the whole transaction: on PostgreSQL a failed statement aborts it.
    """
    try:
        yield
    except Exception as exc:
        if is_unique_violation(exc):
            raise AlreadyExists(message, detail=detail) from exc
        raise
