from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.jobs.tables import Job

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Job],
    migration_dependencies=[],
    commands=[],
)
