from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.tables import Application, Material, Penalty

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="lifecycle",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Application, Material, Penalty],
    migration_dependencies=["core.identity.piccolo_app", "core.approvals.piccolo_app"],
    commands=[],
)
