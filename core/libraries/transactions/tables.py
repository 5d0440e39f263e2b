from __future__ import annotations

from piccolo.columns import BigInt, Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.libraries.subjects.tables import Subject
from core.tenancy.tables import Tenant


class TransactionRecord(Table, tablename="library_transaction"):
    """交易信息: a completed transaction, one per awarded section, as the sub-platform that
    ran it reported it; the contract completes it. Head office runs the library (000 Art. 20)
    and the names are copied in so a record reads the same after a unit renames itself."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    # "<tenant id>:<section code>": recording the same award twice is harmless.
    source = Varchar(length=60, unique=True)
    project_code = Varchar(length=30, index=True)
    section_code = Varchar(length=40)
    project_title = Varchar(length=200)
    section_title = Varchar(length=200)
    track = Varchar(length=20)
    method = Varchar(length=40)
    category = Varchar(length=20)
    purchaser_name = Varchar(length=200)
    purchaser_credit_code = Varchar(length=18)
    agency_name = Varchar(length=200, default="")
    supplier = ForeignKey(references=Subject, on_delete=OnDelete.restrict, index=True)
    supplier_name = Varchar(length=200)
    supplier_credit_code = Varchar(length=18)
    budget_fen = BigInt(null=True, default=None)
    award_fen = BigInt()
    awarded_at = Timestamptz(index=True)
    contract_fen = BigInt(null=True, default=None)
    signed_on = Date(null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())
