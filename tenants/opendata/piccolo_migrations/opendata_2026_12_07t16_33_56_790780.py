from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-07T16:33:56:790780"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="opendata", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Release",
        tablename="opendata_release",
        column_name="tag",
        db_column_name="tag",
        params={
            "choices": Enum(
                "ReleaseTag",
                {
                    "tender": "tender",
                    "tenderAmendment": "tenderAmendment",
                    "tenderCancellation": "tenderCancellation",
                    "award": "award",
                    "contract": "contract",
                },
            )
        },
        old_params={
            "choices": Enum(
                "ReleaseTag",
                {
                    "tender": "tender",
                    "tenderAmendment": "tenderAmendment",
                    "award": "award",
                    "contract": "contract",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
