"""Which errors mean a backing service is down (the fault-injection tests in tests/faults show
the answers end to end, on the real services)."""

from __future__ import annotations

import socket

import asyncpg.exceptions
import botocore.exceptions
import pytest
import redis.exceptions

from core.outages import DATABASE, OBJECT_STORAGE, STORE, outage_message
from core.storage import ObjectKey, discard


def raised_while_handling(error: BaseException, context: BaseException) -> BaseException:
    try:
        try:
            raise context
        except BaseException:
            raise error from None  # `from None` hides the context in tracebacks, keeps it
    except BaseException as exc:
        return exc


def test_each_service_is_named() -> None:
    assert outage_message(asyncpg.exceptions.AdminShutdownError()) == DATABASE
    assert outage_message(asyncpg.exceptions.ConnectionDoesNotExistError()) == DATABASE
    assert outage_message(ConnectionRefusedError(111, "refused")) == DATABASE
    assert outage_message(TimeoutError()) == DATABASE  # connecting to a host that drops packets
    assert outage_message(socket.gaierror(-2, "Name or service not known")) == DATABASE
    assert outage_message(redis.exceptions.ConnectionError("closed")) == STORE
    assert outage_message(redis.exceptions.TimeoutError()) == STORE
    endpoint = botocore.exceptions.EndpointConnectionError(endpoint_url="http://s3")
    assert outage_message(endpoint) == OBJECT_STORAGE
    assert outage_message(botocore.exceptions.ReadTimeoutError(endpoint_url="http://s3")) == (
        OBJECT_STORAGE
    )


def test_a_rollback_on_a_dead_connection_is_the_outage_that_killed_it() -> None:
    rollback = asyncpg.exceptions.InterfaceError("cannot call Transaction.rollback()")
    dead = raised_while_handling(rollback, asyncpg.exceptions.AdminShutdownError())
    assert outage_message(dead) == DATABASE
    closed = asyncpg.exceptions.InterfaceError("the underlying connection is closed")
    assert outage_message(closed) == DATABASE


def test_other_errors_are_not_outages() -> None:
    misuse = asyncpg.exceptions.InterfaceError("another operation is in progress")
    assert outage_message(misuse) is None
    assert outage_message(ValueError("bad")) is None
    assert outage_message(asyncpg.exceptions.UniqueViolationError()) is None


class Unreachable:
    async def delete(self, key: ObjectKey) -> None:
        raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://s3")


@pytest.mark.asyncio
async def test_a_clean_up_delete_never_raises() -> None:
    await discard(Unreachable(), ObjectKey.for_head_office("x"))  # type: ignore[arg-type]
