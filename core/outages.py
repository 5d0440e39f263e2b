"""A backing service that cannot be reached answers 503 naming it, never a 500.

The database, the store (Redis) and object storage each raise their own connection errors;
they are mapped here, by exception class, to one message per part. Whatever the request was
doing stops where the error was raised: writes run in transactions, and an object stored
before its row is deleted again, so a 503 leaves nothing half-written behind.
"""

from __future__ import annotations

import socket

import asyncpg.exceptions
import botocore.exceptions
import redis.exceptions

RETRY_AFTER_S = 5

UNAVAILABLE = "服务暂不可用，请稍后再试 / service unavailable: try again shortly"
DATABASE = "数据库暂时不可用，请稍后再试 / the database is unavailable: try again shortly"
STORE = "会话存储暂时不可用，请稍后再试 / the session store is unavailable: try again shortly"
OBJECT_STORAGE = (
    "文件存储暂时不可用，请稍后再试 / the object storage is unavailable: try again shortly"
)

OUTAGES: dict[type[Exception], str] = {
    # Lost or refused connections, and a server shutting down or starting up (57P0x).
    asyncpg.exceptions.PostgresConnectionError: DATABASE,
    asyncpg.exceptions.OperatorInterventionError: DATABASE,
    # The database driver is the only client here that lets the socket's own errors through
    # (refused, reset): Redis and boto3 wrap theirs, and e-mail is sent in the background.
    ConnectionError: DATABASE,
    TimeoutError: DATABASE,  # a host that drops packets: connecting times out
    socket.gaierror: DATABASE,  # a host name that no longer resolves
    redis.exceptions.ConnectionError: STORE,
    redis.exceptions.TimeoutError: STORE,
    botocore.exceptions.ConnectionError: OBJECT_STORAGE,  # refused, DNS, connect timeout
    botocore.exceptions.HTTPClientError: OBJECT_STORAGE,  # closed, read timeout
}


# The driver's own errors about a connection that died under it: a rollback on a closed
# connection (which would hide the error that closed it), a protocol left mid-operation by the
# server's termination notice. Also raised for misuse, so only the first kind is an outage.
DRIVER_ERRORS = (asyncpg.exceptions.InterfaceError, asyncpg.exceptions.InternalClientError)


def outage_message(exc: BaseException) -> str | None:
    """What to tell the user if ``exc`` says a backing service is down, else None."""
    seen: BaseException | None = exc
    while seen is not None:  # the error itself, then the one it was raised while handling
        for kind in type(seen).__mro__:
            if kind in OUTAGES:
                return OUTAGES[kind]
        seen = seen.__context__
    if isinstance(exc, asyncpg.exceptions.InternalClientError) or (
        isinstance(exc, asyncpg.exceptions.InterfaceError) and "connection is closed" in str(exc)
    ):
        return DATABASE
    return None
