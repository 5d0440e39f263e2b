from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-07T16:33:54:668230"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="announcements", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Announcement",
        tablename="announcement",
        column_name="type",
        db_column_name="type",
        params={
            "choices": Enum(
                "AnnouncementType",
                {
                    "tender_notice": "tender_notice",
                    "procurement_notice": "procurement_notice",
                    "grant_notice": "grant_notice",
                    "transfer_notice": "transfer_notice",
                    "correction": "correction",
                    "special_matters": "special_matters",
                    "candidate_publicity": "candidate_publicity",
                    "deal_result_publicity": "deal_result_publicity",
                    "award_notice": "award_notice",
                    "deal_notice": "deal_notice",
                    "termination": "termination",
                },
            )
        },
        old_params={
            "choices": Enum(
                "AnnouncementType",
                {
                    "tender_notice": "tender_notice",
                    "procurement_notice": "procurement_notice",
                    "grant_notice": "grant_notice",
                    "transfer_notice": "transfer_notice",
                    "correction": "correction",
                    "special_matters": "special_matters",
                    "candidate_publicity": "candidate_publicity",
                    "deal_result_publicity": "deal_result_publicity",
                    "award_notice": "award_notice",
                    "deal_notice": "deal_notice",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
