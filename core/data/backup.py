"""Backup and restore of the database and the object store together (数据备份与恢复, 002 §8.2.1,
§9.2.4).

A backup is a directory: ``database.dump`` (``pg_dump`` custom format) or ``database.sqlite3``
(SQLite's online backup), ``objects/<key>`` for every stored object, and ``manifest.json``
with the SHA-256 of each file. Restore checks every digest before it touches anything, so a
damaged or incomplete backup is refused whole instead of half restored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from core.errors import ConfigError, DomainError
from core.settings import DatabaseSettings
from core.storage import ObjectKey, ObjectStorage

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class BackupSummary:
    database: str  # the dump's file name
    objects: int
    bytes: int


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the server writes, and it replaces
    every page of ``target`` in one step."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _postgres_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: the newest server's own, else the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        raise ConfigError("DATABASE_URL", f"needs {name} (Debian: postgresql-client)")
    return found


def _libpq(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, which goes in the environment instead of the process
    list."""
    parts = urlsplit(dsn)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts), env


def _run_tool(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise DomainError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(database: DatabaseSettings, target: Path) -> str:
    if database.postgres_dsn:
        dsn, env = _libpq(database.postgres_dsn)
        name = "database.dump"
        _run_tool(
            [_postgres_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target / name), dsn], env
        )
        return name
    name = "database.sqlite3"
    _sqlite_copy(database.sqlite_path, target / name)
    return name


def _restore_database(database: DatabaseSettings, source: Path) -> None:
    if database.postgres_dsn:
        if source.name != "database.dump":
            raise DomainError("this backup is of a SQLite database, not PostgreSQL")
        dsn, env = _libpq(database.postgres_dsn)
        tool = _postgres_tool("pg_restore")
        args = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run_tool([*args, "-d", dsn, str(source)], env)
        return
    if source.name != "database.sqlite3":
        raise DomainError("this backup is of a PostgreSQL database, not SQLite")
    database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, database.sqlite_path)


def _prepare(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise DomainError(f"{target} is not empty: a backup goes into a directory of its own")
    (target / "objects").mkdir(parents=True)


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)


async def back_up(
    database: DatabaseSettings, storage: ObjectStorage, target: Path
) -> BackupSummary:
    """Write a backup into ``target``, which must be empty or absent."""
    await asyncio.to_thread(_prepare, target)
    dump = await asyncio.to_thread(_dump_database, database, target)
    objects: dict[str, dict[str, object]] = {}
    total = 0
    for key in await storage.keys():
        data, content_type = await storage.get_with_type(key)
        await asyncio.to_thread(_write, target / "objects" / key.value, data)
        objects[key.value] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": content_type,
        }
        total += len(data)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": {"file": dump, "sha256": await asyncio.to_thread(_sha256, target / dump)},
        "objects": objects,
    }
    await asyncio.to_thread(_write, target / MANIFEST, json.dumps(manifest, indent=1))
    return BackupSummary(database=dump, objects=len(objects), bytes=total)


def _checked_manifest(source: Path) -> dict[str, object]:
    """The manifest, once every file it names is there with its digest."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise DomainError(f"{source} holds no readable {MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise DomainError(f"unknown backup format {manifest.get('format')!r}")
    wanted = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    wanted |= {f"objects/{k}": v["sha256"] for k, v in manifest["objects"].items()}
    for name, digest in wanted.items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            raise DomainError(f"backup damaged: {name} is missing or altered; nothing restored")
    for key in manifest["objects"]:
        ObjectKey.parse(key)  # refuses a key that names no owner or climbs out ("..")
    return manifest


async def restore(
    database: DatabaseSettings, storage: ObjectStorage, source: Path
) -> BackupSummary:
    """Put the database and every object of the backup in ``source`` back.

    Objects stored since the backup and absent from it are left in place: no row of the
    restored database points at them."""
    manifest = await asyncio.to_thread(_checked_manifest, source)
    dump = manifest["database"]["file"]  # type: ignore[index]
    await asyncio.to_thread(_restore_database, database, source / dump)
    total = 0
    objects: dict[str, dict[str, str]] = manifest["objects"]  # type: ignore[assignment]
    for value, meta in objects.items():
        data = await asyncio.to_thread((source / "objects" / value).read_bytes)
        await storage.put(
            ObjectKey.parse(value), data, meta["content_type"] or "application/octet-stream"
        )
        total += len(data)
    return BackupSummary(database=dump, objects=len(objects), bytes=total)
