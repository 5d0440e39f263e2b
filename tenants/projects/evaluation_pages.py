"""Pages of the evaluation, award and contract (评标、定标、合同备案), from the project's console
page. The rules are in :mod:`tenants.projects.evaluation`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.guards import requires, signed_in, sub_site_only
from core.errors import DomainError
from core.flash import flash
from core.forms import Form
from core.identity.routes import context_of
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects import evaluation
from tenants.projects.money import fen_of
from tenants.projects.pages import project_page

SCORE_FIELD = re.compile(r"^score\.(\d{1,12})\.(\d{1,12})$")  # score.<member id>.<bid id>
SCORE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


class ContractForm(msgspec.Struct):
    amount: str = ""  # 元
    signed_on: str = ""  # YYYY-MM-DD


def scores_from(form: dict[str, Any]) -> dict[tuple[int, int], Decimal]:
    """The score fields of the convenor's form; a value that is not a score is refused."""
    scores = {}
    for name, value in form.items():
        if not (field := SCORE_FIELD.fullmatch(name)):
            continue
        text = str(value).strip()
        if not SCORE.fullmatch(text):
            raise DomainError(
                "技术分须为数字，最多两位小数 / a score is a number with at most two decimals",
                detail={"field": name},
            )
        scores[(int(field.group(1)), int(field.group(2)))] = Decimal(text)
    return scores


class EvaluationPages(Controller):
    path = "/console/projects/{project_id:int}/lots/{lot_number:int}"
    include_in_schema = False
    guards = [sub_site_only, requires("expert_draw", "conduct")]  # noqa: RUF012

    def _back(self, site: Site, project_id: int) -> Redirect:
        return Redirect(f"{site.root_path}/console/projects/{project_id}", status_code=303)

    async def _refused(
        self, request: Request[Any, Any, Any], site: Site, tenant: TenantRef, project_id: int,
        exc: DomainError,
    ) -> Template:  # fmt: skip
        if exc.status_code == 404 and exc.detail.get("field") is None:
            raise exc
        return await project_page(request, site, tenant, project_id, exc.message, exc.status_code)

    @post("/evaluation", status_code=303)
    async def report(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
        data: Annotated[dict[str, Any], Form],
    ) -> Redirect | Template:
        try:
            await evaluation.report(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                lot_number,
                scores_from(data),
                context_of(request),
            )
        except (DomainError, InvalidOperation) as exc:
            if isinstance(exc, InvalidOperation):
                exc = DomainError("技术分须为数字 / a score is a number")
            return await self._refused(request, site, tenant, project_id, exc)
        return flash(self._back(site, project_id), "flash.reported")

    @post("/award", status_code=303)
    async def award(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
    ) -> Redirect | Template:
        try:
            await evaluation.award(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                lot_number,
                context_of(request),
            )
        except DomainError as exc:
            return await self._refused(request, site, tenant, project_id, exc)
        return flash(self._back(site, project_id), "flash.awarded")

    @post("/contract", status_code=303)
    async def contract(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
        data: Annotated[ContractForm, Form],
    ) -> Redirect | Template:
        try:
            amount = fen_of(data.amount)
            try:
                signed_on = dt.date.fromisoformat(data.signed_on)
            except ValueError:
                signed_on = None
            if amount is None or signed_on is None:
                raise DomainError("请填写合同金额和签订日期 / give the amount and the date")
            await evaluation.record_contract(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                lot_number,
                amount,
                signed_on,
                context_of(request),
            )
        except DomainError as exc:
            return await self._refused(request, site, tenant, project_id, exc)
        return flash(self._back(site, project_id), "flash.saved")
