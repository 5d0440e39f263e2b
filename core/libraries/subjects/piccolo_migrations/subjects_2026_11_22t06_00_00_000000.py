"""PostgreSQL: an index that serves name prefix searches (LIKE 'x%') under any collation."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-22T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "name prefix index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subjects", description=DESCRIPTION)

    async def create_index():
        from core.libraries.subjects.tables import Subject

        if isinstance(Subject._meta.db, PostgresEngine):
            await Subject.raw(
                "CREATE INDEX IF NOT EXISTS library_subject_name_prefix "
                "ON library_subject (name text_pattern_ops)"
            )

    manager.add_raw(create_index)
    return manager
