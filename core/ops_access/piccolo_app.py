from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.ops_access.tables import OpsAccessGrant

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="ops_access",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[OpsAccessGrant],
    migration_dependencies=["core.identity.piccolo_app", "core.tenancy.piccolo_app"],
    commands=[],
)
