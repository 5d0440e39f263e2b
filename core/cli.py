"""Commands added to the Litestar CLI: ``migrate``, ``seed-demo``, ``create-admin``,
``verify-audit``, ``anchor-audit``, ``backup``, ``restore``, ``rebuild-statistics``, ``serve``.

Run them through ``python -m infra.cli <command>``, which reports bad configuration as one
line naming the setting instead of a traceback.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from litestar import Litestar

from core.audit.anchor import Anchor, AnchorCheck, anchor_chain, check_against_anchor
from core.audit.chain import Actor, Verification, verify
from core.authz.authorizer import Authorizer
from core.authz.policies import grant_first_admin
from core.data.backup import BackupSummary, back_up, restore
from core.data.engine import close_database, open_database
from core.data.migrations import migrate
from core.errors import ConfigError, DomainError
from core.identity.accounts import create_account
from core.identity.tables import AccountKind
from core.logs import server_log_config
from core.settings import get_settings
from core.storage import ObjectStorage, build_object_storage
from core.stores import Stores

T = TypeVar("T")


def _run(job: Callable[[], Awaitable[T]]) -> T:
    """Run ``job`` with the database open; domain and config errors end the command cleanly."""

    async def with_database() -> T:
        try:
            await open_database(get_settings().database)
            return await job()
        finally:
            await close_database()

    try:
        return asyncio.run(with_database())
    except (ConfigError, DomainError) as exc:
        raise click.ClickException(str(exc)) from None


@click.command(name="migrate")
def migrate_command() -> None:
    """Apply all pending database migrations (数据库迁移)."""
    _run(migrate)
    click.echo("migrations applied")


@click.command(name="seed-demo")
def seed_demo_command() -> None:
    """Migrate, then seed the head office and three demo tenants (idempotent)."""
    from core.demo import seed_demo

    async def job() -> list[str]:
        await migrate()
        stores = Stores(get_settings())
        try:
            return await seed_demo(Authorizer(stores.redis), build_object_storage(get_settings()))
        finally:
            await stores.close()

    for line in _run(job):
        click.echo(line)


@click.command(name="create-admin")
@click.option("--username", required=True, help="login name of the head-office administrator")
@click.option("--display-name", default="", help="name shown in the console")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="SUNSHINE_ADMIN_PASSWORD",
    help="read from a prompt, or from SUNSHINE_ADMIN_PASSWORD",
)
def create_admin_command(username: str, display_name: str, password: str) -> None:
    """Create a head-office administrator account (服务平台管理员)."""

    async def job() -> int:
        account_id = await create_account(
            username=username,
            display_name=display_name,
            kind=AccountKind.hq_staff,
            password=password,
        )
        # Through Redis, when set, running servers learn of the new admin at once.
        stores = Stores(get_settings())
        try:
            await grant_first_admin(Authorizer(stores.redis), account_id, command="create-admin")
        finally:
            await stores.close()
        return account_id

    account_id = _run(job)
    click.echo(f"head-office administrator {username} created (account {account_id})")


@asynccontextmanager
async def _object_storage() -> AsyncIterator[ObjectStorage]:
    storage = build_object_storage(get_settings())
    try:
        await storage.start()
        yield storage
    finally:
        await storage.close()


def _describe(anchor: Anchor) -> str:
    return (
        f"entry {anchor.seq}, digest {anchor.digest}, "
        f"anchored {anchor.anchored_at.isoformat(timespec='seconds')}"
    )


@click.command(name="verify-audit")
def verify_audit_command() -> None:
    """Verify the audit chain, and its head against the latest anchor (审计日志校验)."""

    async def job() -> tuple[Verification, AnchorCheck]:
        async with _object_storage() as storage:
            return await verify(), await check_against_anchor(storage)

    result, anchored = _run(job)
    if result.intact:
        click.echo(f"audit chain intact: {result.entries} entries")
    if anchored.anchor is not None:
        click.echo(f"latest anchor: {_describe(anchored.anchor)}")
    problems = []
    if not result.intact:
        problems.append(
            f"audit chain broken at entry {result.first_broken_seq}: {result.problem} "
            f"({result.entries} entries before it hold)"
        )
    if anchored.holds:
        click.echo(anchored.message)
    else:
        problems.append(anchored.message)
    if problems:
        raise click.ClickException("; ".join(problems))


@click.command(name="rebuild-statistics")
def rebuild_statistics_command() -> None:
    """Recompute every month of the statistics rollups from the base tables (统计重建)."""
    from core.statistics.rollups import rebuild

    months = _run(rebuild)
    click.echo(f"statistics rebuilt: {months} months")


@click.command(name="anchor-audit")
def anchor_audit_command() -> None:
    """Sign the audit chain's head and write it to object storage now (审计日志锚定)."""

    async def job() -> Anchor:
        async with _object_storage() as storage:
            return await anchor_chain(storage, Actor.system("anchor-audit"))

    anchor = _run(job)
    click.echo(f"audit chain anchored: {_describe(anchor)}")


def _summary(done: BackupSummary) -> str:
    return f"database ({done.database}) and {done.objects} objects ({done.bytes} bytes)"


@click.command(name="backup")
@click.option("--to", "target", required=True, type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    """Back up the database and every stored object into an empty directory (数据备份)."""

    async def job() -> BackupSummary:
        async with _object_storage() as storage:
            return await back_up(get_settings().database, storage, target)

    click.echo(f"backed up {_summary(_run(job))} to {target}")


@click.command(name="restore")
@click.option("--from", "source", required=True, type=click.Path(path_type=Path, exists=True))
def restore_command(source: Path) -> None:
    """Restore a backup over the configured database and object store (数据恢复). Stop the
    servers first: they would keep serving what they cached."""

    async def job() -> BackupSummary:
        async with _object_storage() as storage:
            return await restore(get_settings().database, storage, source)

    click.echo(f"restored {_summary(_run(job))} from {source}")


async def _preflight() -> None:
    """Reach every configured service once, so a bad setting is reported before serving."""
    settings = get_settings()
    stores, objects = Stores(settings), build_object_storage(settings)
    try:
        await open_database(settings.database)
        await stores.start()
        await objects.start()
    finally:
        await objects.close()
        await stores.close()
        await close_database()


@click.command(name="serve")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--reload", is_flag=True, help="restart on code changes (development)")
def serve_command(app: Litestar, workers: int, reload: bool) -> None:
    """Check the configured services, then serve with uvicorn on SUNSHINE_HOST:SUNSHINE_PORT."""
    import uvicorn

    from core.tenancy.urls import main_portal_url

    settings = get_settings()
    try:
        asyncio.run(_preflight())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Sunshine is serving the main portal at {main_portal_url(settings)}")
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "proxy_headers": not settings.development,
        "log_level": "info",
        "access_log": False,  # the app writes its own, off the event loop (core.access_log)
    }
    if log_config := server_log_config(settings):
        options["log_config"] = log_config
    if workers > 1 and settings.metrics_token:
        # Each worker counts into files of this directory; a scrape sums them (core.metrics).
        counters = settings.data_dir / "prometheus"
        shutil.rmtree(counters, ignore_errors=True)
        counters.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(counters)
    if workers == 1 and not reload:
        # The app this command was found in (Litestar's CLI builds it to list the commands):
        # building it again cost ~15 % of a worker's start-up (P3).
        uvicorn.run(app, **options)
    else:  # each process imports and builds its own
        uvicorn.run("core.app:create_app", factory=True, workers=workers, reload=reload, **options)


def register_commands(cli: click.Group) -> None:
    for command in (
        migrate_command,
        seed_demo_command,
        create_admin_command,
        verify_audit_command,
        anchor_audit_command,
        backup_command,
        restore_command,
        rebuild_statistics_command,
        serve_command,
    ):
        cli.add_command(command)
