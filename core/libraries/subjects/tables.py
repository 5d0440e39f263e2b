"""Market subjects of the shared library, their qualifications and credit records, and the
private annotations tenants keep about them."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
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
from core.tenancy.tables import Tenant


class SubjectKind(StrEnum):
    supplier = "supplier"  # 供应商
    agency = "agency"  # 招标代理机构


class SubjectState(StrEnum):
    pending = "pending"  # 待审核: registered, not yet reviewed
    approved = "approved"  # 已审核: takes part on every sub-platform
    rejected = "rejected"  # 不予通过: to be mended by its owner, which sends it to review again


# Changing one of these sends the subject back to review; the reviewed values stay in force.
KEY_FIELDS = ("name", "legal_representative", "credit_code")


class Subject(Table, tablename="library_subject"):
    kind = Varchar(length=20, choices=SubjectKind, index=True)
    credit_code = Varchar(length=18, unique=True)  # 统一社会信用代码 (GB 32100-2015)
    name = Varchar(length=200, index=True)
    legal_representative = Varchar(length=50)
    address = Varchar(length=200)
    region_code = Varchar(length=6, index=True)
    contact_name = Varchar(length=50)
    contact_phone = Varchar(length=40)
    contact_email = Varchar(length=254)
    business_scope = Text(default="")
    # 控股股东, as the subject declares it (optional): a person's or an organisation's name, and
    # an organisation's credit code. The collusion rules compare them (tenants.risk).
    controlling_shareholder = Varchar(length=200, default="")
    controlling_shareholder_code = Varchar(length=18, default="")
    # None for a subject imported from a legacy library before it has an account here.
    account = ForeignKey(references=Account, null=True, on_delete=OnDelete.restrict, unique=True)
    origin_tenant = Integer(null=True, default=None)  # the sub-site it registered through
    state = Varchar(length=20, choices=SubjectState, default=SubjectState.pending.value)
    reviewed_at = Timestamptz(null=True, default=None)
    # Key-field changes awaiting review: {"name": …}; the columns keep the reviewed values.
    pending_change = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Qualification(Table, tablename="library_qualification"):
    """资质: a licence or certificate, with its document in object storage."""

    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100, index=True)
    number = Varchar(length=100)
    valid_until = Date(null=True, default=None)
    object_key = Varchar(length=500, null=True, default=None)
    filename = Varchar(length=200, default="")


class CreditKind(StrEnum):
    commendation = "commendation"  # 表彰
    penalty = "penalty"  # 行政处罚
    blacklist = "blacklist"  # 黑名单: refused new participation everywhere while in force


class CreditRecord(Table, tablename="library_credit_record"):
    """信用记录, as decided by its authority and entered by the library's managers."""

    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=CreditKind)
    source = Varchar(length=100)  # where the record comes from (a tenant, 信用中国, …)
    legal_basis = Varchar(length=300)
    authority = Varchar(length=100)  # the deciding authority
    summary = Text()
    starts_on = Date()
    ends_on = Date(null=True, default=None)  # None: until lifted
    lifted_at = Timestamptz(null=True, default=None)
    lift_reason = Text(default="")
    created_by = Integer()
    created_at = Timestamptz(default=TimestamptzNow())
    # The confirmed risk warning (tenants.risk) the record was entered from, if any: a plain
    # integer, since the library (core) does not reference the tenants' tables.
    risk_warning = Integer(null=True, default=None, index=True)


class TenantNote(Table, tablename="library_tenant_note"):
    """A tenant's private annotation of a subject (internal note, rating): its own only."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=40, unique=True)  # "t<tenant>:<subject>" (no composite UNIQUE on SQLite)
    note = Text(default="")
    rating = Integer(null=True, default=None)  # 1–5
    updated_by = Integer()
    updated_at = Timestamptz(default=TimestamptzNow())


class ImportState(StrEnum):
    queued = "queued"
    validating = "validating"
    writing = "writing"
    done = "done"
    failed = "failed"  # nothing imported (strict mode with bad rows, or an error)


class ImportJob(Table, tablename="library_import_job"):
    """A bulk import from a legacy library (CSV or XLSX), with its per-row report."""

    kind = Varchar(length=20, choices=SubjectKind)
    filename = Varchar(length=200)
    object_key = Varchar(length=500)  # the uploaded file, kept for the record
    strict = Boolean(default=True)  # any bad row: nothing is imported
    dry_run = Boolean(default=False)  # validate and report only
    state = Varchar(length=20, choices=ImportState, default=ImportState.queued.value)
    total = Integer(default=0)
    processed = Integer(default=0)
    imported = Integer(default=0)
    errors = JSON(default=[])  # [{"row": 3, "field": "credit_code", "problem": …}]
    message = Text(default="")
    created_by = Integer()
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
