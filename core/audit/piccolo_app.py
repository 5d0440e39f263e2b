from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.audit.tables import AuditEntry

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[AuditEntry],
    migration_dependencies=[],
    commands=[],
)
