"""The index a tenant's project list reads in its order, newest first (bench/projects.py, P9):
``tenant, id DESC``, so a page of 50 is the next 50 entries of the index rather than a sort of
every project the tenant has. Both engines understand the SQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T23:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the list's index: tenant then id"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="projects", description=DESCRIPTION)

    async def create_index():
        from tenants.projects.tables import Project

        await Project.raw("CREATE INDEX IF NOT EXISTS project_listed ON project (tenant, id DESC)")

    manager.add_raw(create_index)
    return manager
