from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-22T08:44:47:904999"
VERSION = "1.38.0"
DESCRIPTION = "subject state: rejected instead of the unused returned"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="subjects", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Subject",
        tablename="library_subject",
        column_name="state",
        db_column_name="state",
        params={
            "choices": Enum(
                "SubjectState",
                {
                    "pending": "pending",
                    "approved": "approved",
                    "rejected": "rejected",
                },
            )
        },
        old_params={
            "choices": Enum(
                "SubjectState",
                {
                    "pending": "pending",
                    "approved": "approved",
                    "returned": "returned",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
