from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.tenancy.tables import Region, Tenant

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="tenancy",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Tenant, Region],
    migration_dependencies=[],
    commands=[],
)
