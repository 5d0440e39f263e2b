from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.libraries.experts.tables import Expert, ExpertSpecialty, Specialty

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="experts",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Specialty, Expert, ExpertSpecialty],
    migration_dependencies=[],
    commands=[],
)
