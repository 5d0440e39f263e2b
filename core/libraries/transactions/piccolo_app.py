from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.libraries.transactions.tables import TransactionRecord

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="transactions",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[TransactionRecord],
    migration_dependencies=["core.libraries.subjects.piccolo_app", "core.tenancy.piccolo_app"],
    commands=[],
)
