from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.announcements.tables import Announcement, Attachment, Participation

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="announcements",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Announcement, Attachment, Participation],
    migration_dependencies=["core.tenancy.piccolo_app", "core.libraries.subjects.piccolo_app"],
    commands=[],
)
