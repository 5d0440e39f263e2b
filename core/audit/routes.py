"""Audit chain verification for the head office's audit administrator (审计管理员)."""

from __future__ import annotations

from litestar import get

from core.audit.chain import Verification, verify
from core.authz.guards import requires


@get(
    "/api/audit/verify",
    operation_id="verifyAuditChain",
    tags=["audit"],
    guards=[requires("audit", "verify")],
)
async def verify_audit_chain() -> Verification:
    """Walk the whole chain; name the first entry whose link does not hold."""
    return await verify()
