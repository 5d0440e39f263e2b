"""What a bid's submission leaves as evidence, and the warnings the rules raise."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tenancy.tables import Tenant
from tenants.projects.tables import Bid, Lot, Project


class BidEvidence(Table, tablename="bid_evidence"):
    """投标递交信息: captured with the bid, in the submitting transaction. Not sealed: none of
    it is the bid's content, and the before-opening rules read it."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    bid = ForeignKey(references=Bid, on_delete=OnDelete.cascade, unique=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, index=True)
    client_ip = Varchar(length=45, default="")  # the uploading client's address
    device_id = Varchar(length=32, default="")  # the bidder's browser's long-lived cookie
    machine_code = Varchar(length=64, default="")  # 机器码, as a bid-making tool reports it
    contact_phone = Varchar(length=20, default="")
    contact_email = Varchar(length=254, default="")
    deposit_account = Varchar(length=40, default="")  # 保证金缴纳账户, digits only


class WarningState(StrEnum):
    open = "open"  # 待处理
    confirmed = "confirmed"  # 已确认
    dismissed = "dismissed"  # 已排除 (a false positive, with the reason)


class RiskWarning(Table, tablename="risk_warning"):
    """One rule's finding on one project's section, or a tenant rule's on a sub-platform's
    own conduct (tenants.risk.tenant_rules); re-running the checks updates it."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    # None for a tenant rule's finding over a period (the column was always nullable)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot_number = Integer()  # 0: about no one section (a tenant rule's)
    rule = Varchar(length=40, index=True)
    # "<rule>:<project>:<lot>", or "<rule>:tenant:<tenant>:<scope>" (no composite UNIQUE)
    key = Varchar(length=80, unique=True)
    severity = Varchar(length=10)
    evidence = JSON(default=[])  # [{"value": …, "bids": [{bid, subject, bidder}]}]
    state = Varchar(length=20, choices=WarningState, default=WarningState.open.value, index=True)
    raised_at = Timestamptz(default=TimestamptzNow())
    checked_at = Timestamptz(default=TimestamptzNow())
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    reason = Text(default="")
