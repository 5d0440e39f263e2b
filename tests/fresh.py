"""A database, a bucket and a Redis database of a test's own on the real services, as settings
for a process the test starts (the CLI, a server): so that what it writes touches nothing of
the suite's."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.conftest import SETTINGS

# What names a service to a process: without them it runs on the embedded default.
SERVICE_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION",
)
S3_SETTINGS = tuple(k for k in SERVICE_SETTINGS if k.startswith("S3_"))

# The Redis database number a test's server may use: the suite uses 0, the benchmarks 1–8.
REDIS_DB = 15


def s3_bucket(name: str) -> Any:
    import boto3

    assert SETTINGS.s3
    return boto3.resource(
        "s3",
        endpoint_url=SETTINGS.s3.endpoint_url,
        region_name=SETTINGS.s3.region,
        aws_access_key_id=SETTINGS.s3.access_key_id,
        aws_secret_access_key=SETTINGS.s3.secret_access_key,
    ).Bucket(name)


async def _postgres(dsn: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


@contextmanager
def fresh_services(
    purpose: str, *, redis: bool = False, bucket: bool = True
) -> Iterator[dict[str, str]]:
    """Settings naming a new PostgreSQL database and S3 bucket (and, with ``redis``, Redis
    database :data:`REDIS_DB`, emptied before and after), all removed afterwards. Without
    ``bucket`` the process stores its objects on the embedded default."""
    assert SETTINGS.database.postgres_dsn
    dsn = SETTINGS.database.postgres_dsn
    name = f"sunshine_{purpose}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_postgres(dsn, f'CREATE DATABASE "{name}"'))
    env = {k: os.environ[k] for k in S3_SETTINGS if bucket and k in os.environ}
    env["DATABASE_URL"] = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
    if bucket:
        env["S3_BUCKET"] = f"{purpose}-{uuid.uuid4().hex[:8]}"
    if redis:
        assert SETTINGS.redis_url
        env["REDIS_URL"] = urlunsplit(urlsplit(SETTINGS.redis_url)._replace(path=f"/{REDIS_DB}"))
        asyncio.run(_flush_redis(env["REDIS_URL"]))
    try:
        yield env
    finally:
        asyncio.run(_postgres(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if bucket:
            made = s3_bucket(env["S3_BUCKET"])
            made.objects.all().delete()
            made.delete()
        if redis:
            asyncio.run(_flush_redis(env["REDIS_URL"]))
