"""Audit chain verification for the head office's audit administrator (审计管理员)."""

from __future__ import annotations

from litestar import get

from core.audit.chain import Verification, verify
from core.authz.guards import requires
from core.openapi import refusals


@get(
    "/api/audit/verify",
    operation_id="verifyAuditChain",
    tags=["audit"],
    guards=[requires("audit", "verify")],
    responses=refusals(401, 403),
)
async def verify_audit_chain() -> Verification:
    """Walk the whole chain; name the first entry whose link does not hold."""
    return await verify()
