from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.statistics.tables import Rollup, Watermark

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="statistics",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Rollup, Watermark],
    migration_dependencies=["core.tenancy.piccolo_app"],
    commands=[],
)
