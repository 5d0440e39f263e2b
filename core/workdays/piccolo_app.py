from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.workdays.tables import WorkdayOverride

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="workdays",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[WorkdayOverride],
    migration_dependencies=[],
    commands=[],
)
