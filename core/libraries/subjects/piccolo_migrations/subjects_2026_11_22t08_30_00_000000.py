"""PostgreSQL: name search by the C collation's order (see core.libraries.subjects.search).

The index on ``name COLLATE "C"`` serves both the prefix match and the order of a search page;
it replaces the ``text_pattern_ops`` index, which served the match but not the order.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-22T08:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "name search index in the C collation"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subjects", description=DESCRIPTION)

    async def replace_index():
        from core.libraries.subjects.tables import Subject

        if isinstance(Subject._meta.db, PostgresEngine):
            await Subject.raw(
                'CREATE INDEX IF NOT EXISTS library_subject_name_c ON library_subject (name COLLATE "C")'
            )
            await Subject.raw("DROP INDEX IF EXISTS library_subject_name_prefix")

    manager.add_raw(replace_index)
    return manager
