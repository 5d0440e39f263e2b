from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.projects.tables import (
    Award,
    Bid,
    Contract,
    DrawMember,
    EvaluationResult,
    ExpertDraw,
    Lot,
    Objection,
    Opening,
    OpeningEntry,
    Project,
    ProjectMaterial,
    Purchaser,
    PurchaserMember,
    RecusalRequest,
)

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="projects",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[
        Purchaser,
        PurchaserMember,
        Project,
        Lot,
        ProjectMaterial,
        Bid,
        Opening,
        OpeningEntry,
        ExpertDraw,
        DrawMember,
        RecusalRequest,
        EvaluationResult,
        Award,
        Contract,
        Objection,
    ],
    migration_dependencies=["core.tenancy.piccolo_app", "core.identity.piccolo_app"],
    commands=[],
)
