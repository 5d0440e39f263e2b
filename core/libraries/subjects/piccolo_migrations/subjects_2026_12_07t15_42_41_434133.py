from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T15:42:41:434133"
VERSION = "1.38.0"
DESCRIPTION = "controlling shareholder; credit records entered from a risk warning"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="subjects", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Subject",
        tablename="library_subject",
        column_name="controlling_shareholder",
        db_column_name="controlling_shareholder",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Subject",
        tablename="library_subject",
        column_name="controlling_shareholder_code",
        db_column_name="controlling_shareholder_code",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 18,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="CreditRecord",
        tablename="library_credit_record",
        column_name="risk_warning",
        db_column_name="risk_warning",
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

    return manager
