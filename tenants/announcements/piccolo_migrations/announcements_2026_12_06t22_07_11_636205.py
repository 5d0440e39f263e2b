from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T22:07:11:636205"
VERSION = "1.38.0"
DESCRIPTION = "True"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="announcements", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Announcement",
        tablename="announcement",
        column_name="project",
        db_column_name="project",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Announcement",
        tablename="announcement",
        column_name="method",
        db_column_name="method",
        params={
            "choices": Enum(
                "ProcurementMethod",
                {
                    "open_tender": "open_tender",
                    "invited_tender": "invited_tender",
                    "competitive_negotiation": "competitive_negotiation",
                    "competitive_consultation": "competitive_consultation",
                    "request_for_quotation": "request_for_quotation",
                    "single_source": "single_source",
                    "reverse_auction": "reverse_auction",
                    "framework_agreement": "framework_agreement",
                    "other": "other",
                },
            )
        },
        old_params={
            "choices": Enum(
                "ProcurementMethod",
                {
                    "open_tender": "open_tender",
                    "invited_tender": "invited_tender",
                    "competitive_negotiation": "competitive_negotiation",
                    "competitive_consultation": "competitive_consultation",
                    "request_for_quotation": "request_for_quotation",
                    "single_source": "single_source",
                    "framework_agreement": "framework_agreement",
                    "other": "other",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
