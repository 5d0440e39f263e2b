"""The database engine: a SQLite file by default, PostgreSQL with a pool when configured."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import cast

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from core.errors import ConfigError
from core.settings import DatabaseSettings

CONNECT_TIMEOUT_S = 5


def build_engine(database: DatabaseSettings) -> Engine:
    if database.postgres_dsn:
        return PostgresEngine(
            config={"dsn": database.postgres_dsn, "timeout": CONNECT_TIMEOUT_S},
        )
    database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # Each Piccolo query opens its own SQLite connection: wait for a busy writer, don't fail.
    return SQLiteEngine(path=str(database.sqlite_path), timeout=30)


def get_engine() -> Engine:
    engine = engine_finder()
    if engine is None:  # only when PICCOLO_CONF names a module without DB
        raise ConfigError("PICCOLO_CONF", "names no module with a DB engine")
    return cast(Engine, engine)


async def _keep_session(_: object) -> None:
    """Skip asyncpg's reset of a connection given back to the pool: its ``RESET ALL; UNLISTEN *;
    pg_advisory_unlock_all()…`` is a round trip a query, undoing what we never do (session
    settings, LISTEN, session-level locks: the audit chain's lock is transaction-level).
    asyncpg still rolls back a transaction left open, which is what protects the next user."""


def on_postgres() -> bool:
    return isinstance(get_engine(), PostgresEngine)


async def open_database(database: DatabaseSettings) -> None:
    """Start the PostgreSQL pool (or prepare the SQLite file) and prove it answers."""
    engine = get_engine()
    try:
        if isinstance(engine, PostgresEngine):
            await asyncio.wait_for(
                engine.start_connection_pool(
                    min_size=1, max_size=database.pool_max_size, reset=_keep_session
                ),
                timeout=CONNECT_TIMEOUT_S * 2,
            )
        else:
            # WAL lets readers proceed while one writer commits; the mode is kept in the file.
            await engine.run_ddl("PRAGMA journal_mode=WAL")
        await ping()
    except ConfigError:
        raise
    except Exception as exc:  # asyncpg, OS and timeout errors alike: one message naming the setting
        setting = "DATABASE_URL" if database.postgres_dsn else "SUNSHINE_DATA_DIR"
        raise ConfigError(
            setting, f"cannot open the database ({type(exc).__name__}: {exc})"
        ) from exc


async def close_database() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def ping() -> None:
    await get_engine().run_ddl("SELECT 1")


def write_transaction() -> AbstractAsyncContextManager[object]:
    """A transaction for a state change, entered as ``async with write_transaction():``.

    On SQLite it takes the write lock at BEGIN (IMMEDIATE), so a read-then-write inside it
    can't be overtaken by another writer. Nested calls join the outer transaction.
    """
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
