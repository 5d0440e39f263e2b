"""The scale-out path (#15): PostgreSQL distributed by tenant with Citus. Each table is either
tenant-owned, and then carries the distribution column ``tenant``, or is declared here as
shared by all sub-platforms (a Citus reference table). A new table must take one side."""

from __future__ import annotations

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.columns import ForeignKey

from core.tenancy.tables import Tenant

# Shared by every sub-platform, read by all of them: reference tables on every node.
REFERENCE = {
    "tenant": "the sub-platforms themselves",
    "region": "administrative divisions",
    "account": "one account signs in on every site (suppliers, head office, tenant staff)",
    "invitation": "account invitations",
    "casbin_rule": "policies of every domain, loaded per domain",
    "audit_entry": "one hash chain across the platform (its tenant_id is a filter, not a key)",
    "notice": "notices to head office and to tenants",
    "outbox_email": "mail waiting to be sent",
    "approval_request": "the one approval mechanism, head office's and tenants'",
    "approval_event": "its decisions",
    "library_subject": "the shared supplier and agency library",
    "library_qualification": "its qualifications",
    "library_credit_record": "its credit records",
    "library_tenant_note": "a tenant's note on a library entry, read with the entry",
    "library_import_job": "head office's imports",
    "commodity": "the shared commodity library",
    "commodity_reference_price": "reference prices, read across sub-platforms",
    "commodity_supplier": "who supplies a commodity",
    "specialty": "the expert specialty catalogue",
    "expert": "the shared expert library",
    "expert_specialty": "experts' specialties",
    "tenant_application": "applications for a sub-platform, before it exists",
    "tenant_application_material": "their materials",
    "tenant_penalty": "head office's supervision of the sub-platforms",
    "workday_override": "the national working-day calendar",
    "job": "the job queue, head office's and tenants'",
    "statistics_rollup": "monthly figures, tenant 0 their sum over every tenant: read across",
    "statistics_watermark": "until when the rollups are kept, one row",
}


def tables() -> dict[str, type]:
    registry = BaseMigrationManager().get_app_registry()
    return {
        t._meta.tablename: t for app in registry.app_configs.values() for t in app.table_classes
    }


def test_every_table_is_tenant_owned_or_declared_shared() -> None:
    found = tables()
    assert REFERENCE.keys() <= found.keys(), "a table declared shared no longer exists"
    for name, table in found.items():
        if name in REFERENCE:
            continue
        column = next((c for c in table._meta.columns if c._meta.name == "tenant"), None)
        assert column is not None, f"{name} is neither tenant-owned nor declared shared"
        assert (
            isinstance(column, ForeignKey)
            and column._foreign_key_meta.resolved_references is Tenant
        ), f"{name}.tenant must reference the tenant table: it is the distribution column"
