from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.identity.tables import Account


class ApprovalState(StrEnum):
    submitted = "submitted"  # 待审核
    returned = "returned"  # 退回补正 (with the complete list of deficiencies)
    approved = "approved"  # 通过
    rejected = "rejected"  # 不予通过


class ApprovalRequest(Table, tablename="approval_request"):
    type = Varchar(length=40, index=True)  # "application", "change_request", …
    subject = Varchar(length=100)  # what is asked about, e.g. "application:12"
    payload = JSON(default={})  # what exactly is asked for, e.g. a plugin's settings
    tenant_id = Integer(null=True, default=None, index=True)  # the tenant it concerns, if any
    submitter = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    state = Varchar(length=20, choices=ApprovalState, default=ApprovalState.submitted.value)
    created_at = Timestamptz(default=TimestamptzNow())
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class ApprovalEvent(Table, tablename="approval_event"):
    """One step of a request's history: submit, return, resubmit, approve, reject."""

    request = ForeignKey(references=ApprovalRequest, on_delete=OnDelete.cascade, index=True)
    action = Varchar(length=20)
    actor_id = Integer()
    at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")
    deficiencies = JSON(default=[])  # [{"item": …, "problem": …}] on a return
