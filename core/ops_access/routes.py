"""Ops access as JSON, the pages' mirror. Decisions are the approvals' own
(``POST /api/approvals/<request_id>/decision``, type ``ops_access``)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody

from core.authz.guards import main_portal_only, requires_active, signed_in
from core.identity.routes import context_of
from core.openapi import PathId, RowId, refusals
from core.ops_access import reading, service
from core.ops_access.service import GrantView


class AccessAsk(msgspec.Struct, forbid_unknown_fields=True):
    tenant_id: RowId
    hours: int  # 1 to 8, checked by the service in words, as on the page
    reason: str


class OpsAccessApi(Controller):
    path = "/api/ops-access"
    tags = ["ops_access"]  # noqa: RUF012
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @post(
        "/grants",
        operation_id="requestOpsAccess",
        status_code=201,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def ask(self, request: Request[Any, Any, Any], data: JSONBody[AccessAsk]) -> GrantView:
        """Ask for 1 to 8 hours of read access to one sub-platform, with the reason; the
        grant waits for an administrator's decision on its approval request."""
        return await service.request_access(
            request.app.state.authorizer,
            signed_in(request),
            data.tenant_id,
            data.hours,
            data.reason,
            context_of(request),
        )

    @get("/grants", operation_id="listOwnOpsAccess", responses=refusals(401, 403, 404))
    async def own(self, request: Request[Any, Any, Any]) -> list[GrantView]:
        """The caller's grants, newest first, each in its state at this moment."""
        return await service.own_grants(request.app.state.authorizer, signed_in(request))

    @get("/grants/all", operation_id="listOpsAccessGrants", responses=refusals(401, 403, 404))
    async def every(self, request: Request[Any, Any, Any]) -> list[GrantView]:
        """Every ops person's grants, newest first (the administrators who decide them)."""
        return await service.all_grants(request.app.state.authorizer, signed_in(request))

    @post(
        "/grants/{grant_id:int}/revocation",
        operation_id="revokeOpsAccess",
        status_code=200,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def revoke(self, request: Request[Any, Any, Any], grant_id: PathId) -> GrantView:
        """End a grant within its window before its time."""
        return await service.revoke(
            request.app.state.authorizer, signed_in(request), grant_id, context_of(request)
        )

    @get(
        "/tenants/{tenant_id:int}/staff",
        operation_id="readTenantStaffUnderOpsAccess",
        responses=refusals(400, 401, 403, 404),
    )
    async def staff(
        self, request: Request[Any, Any, Any], tenant_id: PathId
    ) -> reading.StaffUnderGrant:
        """The sub-platform's staff accounts, under the caller's active grant (audited)."""
        return await reading.read_staff(
            request.app.state.authorizer, signed_in(request), tenant_id, context_of(request)
        )

    @get(
        "/tenants/{tenant_id:int}/audit",
        operation_id="readTenantAuditUnderOpsAccess",
        responses=refusals(400, 401, 403, 404),
    )
    async def audit(
        self,
        request: Request[Any, Any, Any],
        tenant_id: PathId,
        before: FromQuery[int | None] = None,
    ) -> reading.AuditUnderGrant:
        """The sub-platform's audit entries, newest first, under the caller's active grant
        (audited); ``before`` pages on."""
        return await reading.read_audit(
            request.app.state.authorizer, signed_in(request), tenant_id, before, context_of(request)
        )
