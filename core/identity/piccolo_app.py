from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.identity.tables import Account, Invitation

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="identity",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Account, Invitation],
    migration_dependencies=["core.tenancy.piccolo_app"],
    commands=[],
)
