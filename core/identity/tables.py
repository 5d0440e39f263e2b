from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tenancy.tables import Tenant


class AccountKind(StrEnum):
    """One identity per login, of one kind."""

    hq_staff = "hq_staff"  # 服务平台工作人员
    tenant_staff = "tenant_staff"  # 分平台工作人员: belongs to exactly one tenant
    supplier = "supplier"  # 供应商
    agency = "agency"  # 招标代理机构
    expert = "expert"  # 评标评审专家
    regulator = "regulator"  # 监管部门
    applicant = "applicant"  # 设立申请人: an organisation applying for a sub-platform


class Account(Table, tablename="account"):
    username = Varchar(length=64, unique=True)
    # Organisation accounts (suppliers, agencies) may also sign in with their credit code.
    credit_code = Varchar(length=18, unique=True, null=True, default=None)
    display_name = Varchar(length=100)
    kind = Varchar(length=20, choices=AccountKind)
    # Set for tenant staff only; suppliers, agencies and experts sign in on every host.
    tenant = ForeignKey(references=Tenant, null=True, on_delete=OnDelete.restrict)
    email = Varchar(length=254, null=True, default=None)
    password_hash = Varchar(length=255)
    password_changed_at = Timestamptz(default=TimestamptzNow())
    is_active = Boolean(default=True)
    totp_secret = Varchar(length=64, null=True, default=None, secret=True)  # RFC 6238, base32
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="invitation"):
    """A single-use link to set the first password of an account made by provisioning."""

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)  # SHA-256 of the token: the link is the secret
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
