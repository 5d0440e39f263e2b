from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.opendata.tables import Push, Release

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="opendata",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Release, Push],
    migration_dependencies=["core.tenancy.piccolo_app"],
    commands=[],
)
