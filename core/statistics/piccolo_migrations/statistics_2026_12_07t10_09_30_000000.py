"""The indexes the period's figures are summed from (bench/statistics.py, P10), each holding
every column its query reads, so the sums never visit the table: by tenant then month (head
office's sum over every tenant is tenant 0; a regulator's, its tenants), and the measures'
totals (dimension ``*``) by tenant for the per-sub-platform lines. No index leads with the
month alone: PostgreSQL's plan for a prepared statement, made without the values, would take
that one for any range of months and filter every row of them. Both engines understand the
SQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T10:09:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes of the period sums"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="statistics", description=DESCRIPTION)

    async def create_indexes():
        from core.statistics.tables import Rollup

        await Rollup.raw(
            "CREATE INDEX IF NOT EXISTS statistics_rollup_period ON statistics_rollup "
            "(tenant, month, measure, dimension, number, amount)"
        )
        await Rollup.raw(
            "CREATE INDEX IF NOT EXISTS statistics_rollup_lines ON statistics_rollup "
            "(dimension, measure, tenant, month, number, amount)"
        )

    manager.add_raw(create_indexes)
    return manager
