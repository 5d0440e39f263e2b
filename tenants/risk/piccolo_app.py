from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.risk.tables import BidEvidence, RiskWarning

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="risk",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[BidEvidence, RiskWarning],
    migration_dependencies=["tenants.projects.piccolo_app", "core.tenancy.piccolo_app"],
    commands=[],
)
