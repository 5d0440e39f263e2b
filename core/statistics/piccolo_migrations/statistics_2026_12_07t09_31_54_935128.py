"""The indexes a period's figures are summed from (bench/statistics.py, P10), each holding every
column its query reads, so the sums never visit the table: by measure, dimension and month
(``month`` first: a period is a range of months), and the measures' totals (dimension ``*``)
by tenant for the per-sub-platform table. Both engines understand the SQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T09:31:54:935128"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes of the period sums"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="statistics", description=DESCRIPTION)

    async def create_indexes():
        from core.statistics.tables import Rollup

        await Rollup.raw(
            "CREATE INDEX IF NOT EXISTS statistics_rollup_period ON statistics_rollup "
            "(month, measure, dimension, tenant, number, amount)"
        )
        await Rollup.raw(
            "CREATE INDEX IF NOT EXISTS statistics_rollup_lines ON statistics_rollup "
            "(dimension, measure, tenant, month, number, amount)"
        )

    manager.add_raw(create_indexes)
    return manager
