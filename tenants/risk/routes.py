"""Risk warnings as JSON (风险预警), the pages' mirror under ``/api/risk``; head office's
console only, so a sub-site answers 404."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter

from core.authz.guards import main_portal_only, requires_active, signed_in
from core.identity.routes import context_of
from core.openapi import PathId, refusals
from tenants.risk import service
from tenants.risk.pages import filters_of
from tenants.risk.service import RuleRate, WarningView

Filter = Annotated[str, QueryParameter(max_length=40)]


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    confirm: bool  # true: 确认属实; false: 排除 (a false positive)
    reason: str


class Recheck(msgspec.Struct):
    raised: list[int]  # the warnings this check raised anew (none: nothing new)


class RiskApi(Controller):
    path = "/api/risk"
    tags = ["risk"]  # noqa: RUF012
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/warnings", operation_id="listRiskWarnings", responses=refusals(400, 401, 403, 404))
    async def list_warnings(
        self,
        request: Request[Any, Any, Any],
        wanted_state: Annotated[str, QueryParameter(name="state", max_length=40)] = "",
        rule: Filter = "",
        severity: Filter = "",
    ) -> list[WarningView]:
        """The warnings within the caller's reach, newest first (at most 200), filtered by
        state (open, confirmed, dismissed), rule and severity."""
        wanted = filters_of(wanted_state, rule, severity)
        return await service.warnings(
            request.app.state.authorizer,
            signed_in(request),
            state=wanted[0],
            rule=wanted[1],
            severity=wanted[2],
        )

    @get(
        "/warnings/{warning_id:int}",
        operation_id="readRiskWarning",
        responses=refusals(400, 401, 403, 404),
    )
    async def read(self, request: Request[Any, Any, Any], warning_id: PathId) -> WarningView:
        """One warning with its rule, legal basis and evidence."""
        return await service.warning(request.app.state.authorizer, signed_in(request), warning_id)

    @post(
        "/warnings/{warning_id:int}/decision",
        operation_id="decideRiskWarning",
        status_code=200,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def decide(
        self, request: Request[Any, Any, Any], warning_id: PathId, data: JSONBody[Decision]
    ) -> WarningView:
        """Confirm the warning or dismiss it as a false positive, with the reason; once."""
        return await service.decide(
            request.app.state.authorizer,
            signed_in(request),
            warning_id,
            data.confirm,
            data.reason,
            context_of(request),
        )

    @post(
        "/warnings/{warning_id:int}/recheck",
        operation_id="recheckRiskWarningProject",
        status_code=200,
        responses=refusals(400, 401, 403, 404),
    )
    async def recheck(self, request: Request[Any, Any, Any], warning_id: PathId) -> Recheck:
        """Run the rules again on the warning's project; a warning found again is updated,
        never repeated, and keeps its decision."""
        raised = await service.recheck_of(
            request.app.state.authorizer, signed_in(request), warning_id, context_of(request)
        )
        return Recheck(raised)

    @get("/rules", operation_id="listRiskRules", responses=refusals(401, 403, 404))
    async def rules(self, request: Request[Any, Any, Any]) -> list[RuleRate]:
        """Each rule with its legal basis and, within the caller's reach, how many of its
        warnings were confirmed or dismissed (the confirmation and false-positive rates)."""
        return await service.rates(request.app.state.authorizer, signed_in(request))
