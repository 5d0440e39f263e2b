from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.approvals.tables import ApprovalEvent, ApprovalRequest

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="approvals",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[ApprovalRequest, ApprovalEvent],
    migration_dependencies=["core.identity.piccolo_app"],
    commands=[],
)
