"""Reading column values that the two engines return differently."""

from __future__ import annotations

from typing import TypeVar

import msgspec

T = TypeVar("T")


def json_column(value: object, type_: type[T]) -> T:
    """A JSON column's value as ``type_``: SQLite hands Piccolo text, PostgreSQL may not."""
    decoded = msgspec.json.decode(value) if isinstance(value, str | bytes) else value
    return msgspec.convert(decoded if decoded is not None else [], type_)
