"""Backup → wipe → restore, through the CLI as an operator runs it: nothing lost (002 §8.2.1,
§9.2.4). On the embedded default, and on PostgreSQL + S3 when the suite runs on them."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import SETTINGS, requires
from tests.test_cli import SERVICE_SETTINGS, run_cli

PASSWORD = {"SUNSHINE_DEMO_PASSWORD": "Demo-Passw0rd"}


def said(result: subprocess.CompletedProcess[str]) -> str:
    """The command's error as one line (click draws it in a box, wrapped to the terminal)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stderr).split())


def sqlite_rows(path: Path) -> dict[str, str]:
    """Each table's rows, as one digest per table."""
    with sqlite3.connect(path) as db:
        names = [
            r[0]
            for r in db.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
            )
        ]
        return {
            name: hashlib.sha256(
                repr(db.execute(f'select * from "{name}" order by 1').fetchall()).encode()
            ).hexdigest()
            for name in names
        }


def local_objects(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_backup_wipe_restore_on_the_embedded_default(tmp_path: Path) -> None:
    data, backup = tmp_path / "data", tmp_path / "backup"
    seeded = run_cli(data, "seed-demo", **PASSWORD)
    assert seeded.returncode == 0, seeded.stderr
    rows, objects = sqlite_rows(data / "sunshine.sqlite3"), local_objects(data / "objects")
    assert objects, "the demo stores objects (logos, attachments)"

    done = run_cli(data, "backup", "--to", str(backup))
    assert done.returncode == 0, done.stderr
    assert f"{len(objects)} objects" in done.stdout

    shutil.rmtree(data)  # the machine is lost
    restored = run_cli(data, "restore", "--from", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert sqlite_rows(data / "sunshine.sqlite3") == rows
    assert local_objects(data / "objects") == objects
    verified = run_cli(data, "verify-audit")
    assert verified.returncode == 0, verified.stderr + verified.stdout


def test_a_damaged_backup_is_refused_whole(tmp_path: Path) -> None:
    data, backup = tmp_path / "data", tmp_path / "backup"
    assert run_cli(data, "seed-demo", **PASSWORD).returncode == 0
    assert run_cli(data, "backup", "--to", str(backup)).returncode == 0
    again = run_cli(data, "backup", "--to", str(backup))  # never over an earlier backup
    assert again.returncode != 0 and "not empty" in said(again)

    shutil.rmtree(data)
    victim = next(p for p in (backup / "objects").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"x")
    refused = run_cli(data, "restore", "--from", str(backup))
    assert refused.returncode != 0 and "backup damaged" in said(refused)
    assert "Traceback" not in refused.stderr
    assert not (data / "objects").exists() or not local_objects(data / "objects")
    assert not sqlite_rows(data / "sunshine.sqlite3")  # no table restored


@pytest.fixture
def fresh_services() -> Iterator[dict[str, str]]:
    """A database and a bucket of this test's own, as settings for the CLI."""
    import asyncpg

    assert SETTINGS.database.postgres_dsn
    name = f"sunshine_backup_{uuid.uuid4().hex[:8]}"
    dsn = SETTINGS.database.postgres_dsn
    fresh = urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    env = {k: os.environ[k] for k in SERVICE_SETTINGS if k in os.environ and k != "REDIS_URL"}
    env |= {"DATABASE_URL": fresh, "S3_BUCKET": f"backup-{uuid.uuid4().hex[:8]}"}
    try:
        yield env
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        bucket = s3_bucket(env["S3_BUCKET"])
        bucket.objects.all().delete()
        bucket.delete()


async def postgres_rows(dsn: str) -> dict[str, str]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        names = [
            r["tablename"]
            for r in await conn.fetch("select tablename from pg_tables where schemaname='public'")
        ]
        return {
            n: hashlib.sha256(
                repr(
                    [tuple(r) for r in await conn.fetch(f'select * from "{n}" order by 1')]
                ).encode()
            ).hexdigest()
            for n in names
        }
    finally:
        await conn.close()


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


def bucket_objects(bucket_name: str) -> dict[str, tuple[str, str]]:
    client = s3_bucket(bucket_name).meta.client
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket_name):
        for item in page.get("Contents", []):
            got = client.get_object(Bucket=bucket_name, Key=item["Key"])
            digest = hashlib.sha256(got["Body"].read()).hexdigest()
            found[item["Key"]] = (digest, got["ContentType"])
    return found


@requires("postgres")
@requires("s3")
def test_backup_wipe_restore_on_postgres_and_s3(
    tmp_path: Path, fresh_services: dict[str, str]
) -> None:
    import asyncpg

    env = fresh_services
    dsn, bucket = env["DATABASE_URL"], env["S3_BUCKET"]
    seeded = run_cli(tmp_path, "seed-demo", **PASSWORD, **env)
    assert seeded.returncode == 0, seeded.stderr
    rows, objects = asyncio.run(postgres_rows(dsn)), bucket_objects(bucket)
    assert objects
    done = run_cli(tmp_path, "backup", "--to", str(tmp_path / "backup"), **env)
    assert done.returncode == 0, done.stderr

    async def wipe() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()

    asyncio.run(wipe())
    s3_bucket(bucket).objects.all().delete()
    assert not bucket_objects(bucket)

    restored = run_cli(tmp_path, "restore", "--from", str(tmp_path / "backup"), **env)
    assert restored.returncode == 0, restored.stderr
    assert asyncio.run(postgres_rows(dsn)) == rows
    assert bucket_objects(bucket) == objects  # content types too
    verified = run_cli(tmp_path, "verify-audit", **env)
    assert verified.returncode == 0, verified.stderr + verified.stdout
