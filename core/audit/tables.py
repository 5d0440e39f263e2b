from __future__ import annotations

from piccolo.columns import BigInt, Integer, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """One link of the chain. Rows are only ever inserted (see :mod:`core.audit.chain`)."""

    seq = BigInt(unique=True)  # 1, 2, 3, … assigned under the chain lock; covered by the digest
    at = Timestamptz()
    actor_id = Integer(null=True, default=None)  # account id; null for the system (CLI, jobs)
    actor = Varchar(length=100)  # username or "system:<command>"
    tenant_id = Integer(null=True, default=None, index=True)  # null: head office
    action = Varchar(length=100, index=True)  # e.g. "auth.login", "tenant.suspend"
    object = Varchar(length=200)  # e.g. "account:12"
    outcome = Varchar(length=20)  # "success", "failure", "denied"
    client_ip = Varchar(length=45, null=True, default=None)
    request_id = Varchar(length=64, null=True, default=None)
    algorithm = Varchar(length=10)  # "sm3" or "sha256"
    prev_digest = Varchar(length=64)
    digest = Varchar(length=64)
