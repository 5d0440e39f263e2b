from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.authz.tables import CasbinRule

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="authz",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[CasbinRule],
    migration_dependencies=[],
    commands=[],
)
