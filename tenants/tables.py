from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.identity.tables import Account
from core.tenancy.tables import TenantKind


class Application(Table, tablename="tenant_application"):
    """An application to establish a sub-platform (设立申请), by a city institution or a
    provincial enterprise. Its review is an approval request of type ``application``."""

    applicant = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    org_name = Varchar(length=200)
    kind = Varchar(length=20, choices=TenantKind)
    region_code = Varchar(length=6)
    credit_code = Varchar(length=18)
    contact_name = Varchar(length=50)
    contact_phone = Varchar(length=30)
    contact_email = Varchar(length=254)
    requested_slug = Varchar(length=63)
    request_id = Integer(null=True, default=None)  # the approval request, once submitted
    tenant_id = Integer(null=True, default=None)  # the tenant provisioned on approval
    created_at = Timestamptz(default=TimestamptzNow())


class Material(Table, tablename="tenant_application_material"):
    """One checklist item of an application (申请材料), its file in object storage."""

    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    item = Varchar(length=40)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    object_key = Varchar(length=300)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class PenaltyKind(StrEnum):
    """The ladder of seed 000 Art. 27, and the way back."""

    reminder = "reminder"  # 提醒
    warning = "warning"  # 警告
    revocation = "revocation"  # 撤销分平台管理账号
    suspension = "suspension"  # 中止系统使用权限
    reinstatement = "reinstatement"  # 恢复


class Penalty(Table, tablename="tenant_penalty"):
    """One decision of the ladder, kept for ever: the tenant's penalty history."""

    tenant_id = Integer(index=True)
    kind = Varchar(length=20, choices=PenaltyKind)
    grounds = JSON(default=[])  # numbers of Art. 27's seven grounds
    statement = Text()
    evidence = JSON(default=[])  # object keys
    decided_by = Integer()
    decided_at = Timestamptz(default=TimestamptzNow())
    state_before = Varchar(length=20)
    state_after = Varchar(length=20)
    revoked_accounts = JSON(default=[])  # management accounts a revocation took rights from
