from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.libraries.commodities.tables import Commodity, CommoditySupplier, ReferencePrice

HERE = Path(__file__).parent

APP_CONFIG = AppConfig(
    app_name="commodities",
    migrations_folder_path=str(HERE / "piccolo_migrations"),
    table_classes=[Commodity, ReferencePrice, CommoditySupplier],
    migration_dependencies=["core.libraries.subjects.piccolo_app"],
    commands=[],
)
