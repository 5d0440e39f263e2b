from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class TenantKind(StrEnum):
    """The two kinds of operator (seed 000 Art. 8–9)."""

    city = "city"  # 地市机构
    enterprise = "enterprise"  # 省属企业


class TenantState(StrEnum):
    """Where a tenant stands on the penalty ladder (seed 000 Art. 27)."""

    active = "active"
    warned = "warned"
    admin_revoked = "admin_revoked"
    suspended = "suspended"  # 中止系统使用权限: sub-site still resolves and shows a notice
    closed = "closed"  # no longer resolves


class Tenant(Table, tablename="tenant"):
    """A sub-platform (分平台): one branded sub-site run by one operator."""

    slug = Varchar(length=63, unique=True)  # also its sub-domain label
    name = Varchar(length=200)
    kind = Varchar(length=20, choices=TenantKind)
    state = Varchar(length=20, choices=TenantState, default=TenantState.active.value)
    custom_domain = Varchar(length=253, unique=True, null=True, default=None)
    region_code = Varchar(length=6, null=True, default=None)  # a Region code
    operator_account = Integer(null=True, default=None)  # 运营机构的管理账号, set at provisioning
    operating_unit_confirmed_at = Timestamptz(null=True, default=None)  # seed 000 Art. 10
    branding = JSON(default={})  # approved theme tokens (display name, accent, …)
    # Staff sessions begun before this moment end at their next request (set by suspension).
    sessions_valid_after = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Region(Table, tablename="region"):
    """An administrative division (行政区划) by its GB/T 2260 code: province → city → county."""

    code = Varchar(length=6, unique=True)
    name = Varchar(length=50)
    parent_code = Varchar(length=6, null=True, default=None)
    level = Integer()  # 0 the whole country, 1 province, 2 city, 3 county
