from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.tables import TenantPlugin

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="plugins",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[TenantPlugin],
    migration_dependencies=["core.tenancy.piccolo_app"],
    commands=[],
)
