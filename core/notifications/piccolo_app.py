from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.notifications.tables import Notice, OutboxEmail

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Notice, OutboxEmail],
    migration_dependencies=[],
    commands=[],
)
