"""The error answers of the JSON API, declared once, so that route decorators can list which
ones an operation gives and the OpenAPI document says all it may answer."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar.openapi import ResponseSpec
from litestar.params import Parameter


class Refusal(msgspec.Struct):
    """Refused by a business rule (:class:`core.errors.DomainError`), not signed in, or input a
    handler converted itself: a message for people and, for a rule, what it concerns."""

    error: str
    detail: dict[str, Any] = msgspec.field(default_factory=dict)


class HttpError(msgspec.Struct):
    """Litestar's own answers: input that fails validation, guards' 403 and 404, CSRF."""

    status_code: int
    detail: str
    extra: dict[str, Any] | list[Any] | None = None


_DESCRIPTIONS = {
    400: "bad input, or refused by a business rule",
    401: "not signed in",
    403: "not allowed (role, expired password, CSRF token missing)",
    404: "absent, not visible to the caller, or not on this site",
    409: "already exists, or already open",
    429: "too many failed attempts: locked for a while",
}


def refusals(*codes: int) -> dict[int, ResponseSpec]:
    """``responses=`` for a route decorator: the listed error codes, each either body."""
    return {
        code: ResponseSpec(
            data_container=Refusal | HttpError,  # type: ignore[arg-type]
            description=_DESCRIPTIONS[code],
            generate_examples=False,
        )
        for code in codes
    }


# A row id: a positive integer of the keys' width (Piccolo's Serial: a PostgreSQL integer).
# Anything larger is refused as bad input (400) at the edge, before a database driver fails
# on it with an error of its own (a 500).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ROW_ID)]  # in a body
PathId = Annotated[int, Parameter(ge=1, le=MAX_ROW_ID)]  # in a path
