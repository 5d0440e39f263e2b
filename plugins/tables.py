from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tenancy.tables import Tenant


class TenantPlugin(Table, tablename="tenant_plugin"):
    """A plugin granted to a tenant by an approved request, with its approved settings."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    plugin = Varchar(length=40)
    # "t<tenant>:<plugin>": one row per tenant and plugin (a composite UNIQUE fails on SQLite).
    key = Varchar(length=60, unique=True)
    settings = JSON(default={})
    approval_request = Integer()
    enabled_at = Timestamptz(default=TimestamptzNow())
