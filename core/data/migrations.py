"""Migrations are the only way a schema is created, in production and in tests alike."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards

from core.errors import DomainError


class MigrationFailed(DomainError):
    status_code = 500


async def migrate() -> None:
    """Apply every pending migration, then bring the reference data the code ships (regions,
    role catalogue) up to date."""
    result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise MigrationFailed(f"migrations failed: {result.message}")
    from core.authz.policies import sync_role_catalogue
    from core.libraries.experts.specialties import sync_specialties
    from core.tenancy.regions import sync_regions

    await sync_regions()
    await sync_specialties()
    await sync_role_catalogue()
