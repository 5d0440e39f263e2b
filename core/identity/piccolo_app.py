from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.identity.tables import Account

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="identity",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Account],
    migration_dependencies=["core.tenancy.piccolo_app"],
    commands=[],
)
