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


def _names_column(exc: BaseException, column: str) -> bool:
    """PostgreSQL names the constraint (``account_username_key``), SQLite the column
    (``UNIQUE constraint failed: account.username``)."""
    text = getattr(exc, "constraint_name", None) or str(exc)
    return column in text


@asynccontextmanager
async def unique_violation_as(
    message: str, *, column: str | None = None, **detail: object
) -> AsyncIterator[None]:
    """Raise :class:`AlreadyExists` with ``message`` when the block breaks a unique key (only
    one on ``column``, when given).

    Put it around the whole transaction: on PostgreSQL a failed statement aborts it.
    """
    try:
        yield
    except Exception as exc:
        if is_unique_violation(exc) and (column is None or _names_column(exc, column)):
            raise AlreadyExists(message, detail=detail) from exc
        raise
