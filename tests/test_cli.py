"""The command line, run as a person would: a fresh data directory, one process per command."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import requires
from tests.fresh import SERVICE_SETTINGS, fresh_services

ROOT = Path(__file__).resolve().parent.parent


def run_cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m infra.cli`` on the embedded default unless ``env`` names a service."""
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_SETTINGS}
    base.update(SUNSHINE_DATA_DIR=str(data_dir), SUNSHINE_ENV="development", **env)
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory migrated once; tests that start from a migrated one copy it (each
    ``migrate`` of a fresh file is several seconds of the suite)."""
    template = tmp_path_factory.mktemp("migrated")
    result = run_cli(template, "migrate")
    assert result.returncode == 0, result.stderr
    return template


@pytest.fixture
def migrated(tmp_path: Path, migrated_template: Path) -> Path:
    shutil.copytree(migrated_template, tmp_path, dirs_exist_ok=True)
    return tmp_path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("select name from sqlite_master where type='table'")}


def test_migrate_builds_the_schema_from_an_empty_sqlite_file(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert {"tenant", "account", "migration"} <= tables(tmp_path / "sunshine.sqlite3")
    again = run_cli(tmp_path, "migrate")  # nothing left to do is not an error
    assert again.returncode == 0, again.stderr


@requires("postgres")
def test_migrate_builds_the_schema_from_an_empty_postgres_database(tmp_path: Path) -> None:
    import asyncpg

    async def tables_of(dsn: str) -> set[str]:
        conn = await asyncpg.connect(dsn)
        try:
            return {r["tablename"] for r in await conn.fetch("select tablename from pg_tables")}
        finally:
            await conn.close()

    with fresh_services("migrate", bucket=False) as env:
        for _ in range(2):  # the second run finds nothing to do
            result = run_cli(tmp_path, "migrate", **env)
            assert result.returncode == 0, result.stderr
        found = asyncio.run(tables_of(env["DATABASE_URL"]))
    assert {"tenant", "account", "migration"} <= found


def test_seed_demo_is_idempotent(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "seed-demo", SUNSHINE_DEMO_PASSWORD="Demo-Passw0rd")
    assert first.returncode == 0, first.stderr
    assert "/t/jinan/" in first.stdout and "admin / Demo-Passw0rd" in first.stdout
    assert "jinan-admin / Demo-Passw0rd" in first.stdout
    second = run_cli(tmp_path, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert "admin /" not in second.stdout  # the password is shown once, when created
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        kinds = sorted(r[0] for r in db.execute("select kind from tenant"))
    assert kinds == ["city", "city", "enterprise"]


def test_create_admin(migrated: Path) -> None:
    tmp_path = migrated
    weak = run_cli(tmp_path, "create-admin", "--username", "chief", SUNSHINE_ADMIN_PASSWORD="abc")
    assert weak.returncode != 0 and "at least 8 characters" in weak.stderr
    ok = run_cli(
        tmp_path, "create-admin", "--username", "chief", SUNSHINE_ADMIN_PASSWORD="Strong-Pass-1"
    )
    assert ok.returncode == 0, ok.stderr
    twice = run_cli(
        tmp_path, "create-admin", "--username", "chief", SUNSHINE_ADMIN_PASSWORD="Strong-Pass-1"
    )
    assert twice.returncode != 0 and "username is taken" in twice.stderr
    assert "Traceback" not in weak.stderr + twice.stderr
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        rows = db.execute("select kind, password_hash from account").fetchall()
    assert len(rows) == 1 and rows[0][0] == "hq_staff" and rows[0][1].startswith("$argon2id$")


@pytest.mark.parametrize(
    ("command", "env", "setting"),
    [
        ("migrate", {"DATABASE_URL": "postgresql://u@127.0.0.1:notaport/db"}, "DATABASE_URL"),
        ("migrate", {"DATABASE_URL": "postgresql://u:p@127.0.0.1:9/db"}, "DATABASE_URL"),
        ("serve", {"REDIS_URL": "redis://127.0.0.1:9/0"}, "REDIS_URL"),
        ("serve", {"S3_BUCKET": "b", "S3_ENDPOINT_URL": "http://127.0.0.1:9"}, "S3_ENDPOINT_URL"),
    ],
    ids=["malformed-database-url", "unreachable-database", "unreachable-redis", "unreachable-s3"],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, command: str, env: dict[str, str], setting: str
) -> None:
    result = run_cli(tmp_path, command, **env)
    assert result.returncode != 0
    assert setting in result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_create_admin_grants_hq_admin_and_verify_audit(migrated: Path) -> None:
    tmp_path = migrated
    created = run_cli(
        tmp_path, "create-admin", "--username", "chief", SUNSHINE_ADMIN_PASSWORD="Strong-Pass-1"
    )
    assert created.returncode == 0, created.stderr
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        grants = db.execute("select v1, v2 from casbin_rule where ptype = 'g'").fetchall()
        actions = [r[0] for r in db.execute("select action from audit_entry order by seq")]
    assert grants == [("hq_admin", "hq")] and actions == ["role.grant"]
    intact = run_cli(tmp_path, "verify-audit")
    assert intact.returncode == 0 and "intact: 1 entries" in intact.stdout
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        db.execute("update audit_entry set actor = 'someone else'")
    broken = run_cli(tmp_path, "verify-audit")
    assert broken.returncode != 0 and "broken at entry 1" in broken.stderr


def test_anchor_audit_and_verify_audit_find_the_newest_entries_cut_off(migrated: Path) -> None:
    tmp_path = migrated
    none_yet = run_cli(tmp_path, "verify-audit")
    assert none_yet.returncode == 0, none_yet.stderr
    assert "intact: 0 entries" in none_yet.stdout and "no anchor yet" in none_yet.stdout
    anchored = run_cli(tmp_path, "anchor-audit")  # the anchoring is entry 1, and anchored
    assert anchored.returncode == 0, anchored.stderr
    assert anchored.stdout.startswith("audit chain anchored: entry 1, digest ")
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        digest = db.execute("select digest from audit_entry where seq = 1").fetchone()[0]
    assert f"digest {digest}," in anchored.stdout
    assert (tmp_path / "objects/hq/audit-anchors/1.json").is_file()
    holds = run_cli(tmp_path, "verify-audit")
    assert holds.returncode == 0, holds.stderr
    assert f"latest anchor: entry 1, digest {digest}," in holds.stdout
    assert "holds against the anchor at entry 1" in holds.stdout
    with sqlite3.connect(tmp_path / "sunshine.sqlite3") as db:
        db.execute("delete from audit_entry where seq = 1")
    cut = run_cli(tmp_path, "verify-audit")
    assert cut.returncode != 0 and "intact: 0 entries" in cut.stdout
    assert f"latest anchor: entry 1, digest {digest}," in cut.stdout
    said = " ".join(cut.stderr.replace("│", " ").split())  # the error box wraps its lines
    assert "the anchor reaches entry 1, the database only entry 0" in said
