from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.libraries.subjects.tables import (
    CreditRecord,
    ImportJob,
    Qualification,
    Subject,
    TenantNote,
)

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="subjects",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Subject, Qualification, CreditRecord, TenantNote, ImportJob],
    migration_dependencies=["core.identity.piccolo_app", "core.tenancy.piccolo_app"],
    commands=[],
)
