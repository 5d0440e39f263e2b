"""One ops person's time-boxed access to one tenant's back-end data (运维访问授权).

Whether it was decided, and how, is its approval request's (the one approval mechanism); the
grant keeps what only it knows: what was asked (tenant, hours, reason) and, once approved, the
window it opens and any early revocation.
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.identity.tables import Account
from core.tenancy.tables import Tenant


class OpsAccessGrant(Table, tablename="ops_access_grant"):
    requester = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    request_id = Integer(unique=True)  # its approval request (type ops_access)
    hours = Integer()
    reason = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    # Set in the approving transaction: the window runs from approval, ``hours`` long.
    approved_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None, index=True)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = Integer(null=True, default=None)
