"""Pages of the expert draw (专家抽取): drawn, answered and revealed from the project's console
page by the sub-platform's staff; a bidder asks for an expert's recusal from its bid page.
The rules are in :mod:`tenants.projects.draw`."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.guards import requires, requires_active, signed_in, sub_site_only
from core.errors import DomainError
from core.flash import flash
from core.forms import Form, invalid_input
from core.identity.routes import context_of
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects import draw
from tenants.projects.answering import act
from tenants.projects.bid_pages import bid_page
from tenants.projects.pages import project_page
from themes.i18n import locale_of

DRAW_FIELDS = {
    "specialty_code": "draw.specialty",
    "committee_size": "draw.committee_size",
    "representatives": "draw.representatives",
    "region_code": "draw.region",
}


class DrawForm(msgspec.Struct):
    specialty_code: str = ""
    committee_size: str = ""
    representatives: str = "0"
    region_code: str = ""


class AnswerForm(msgspec.Struct):
    accepted: str = ""  # "yes": confirmed; anything else: refused or no answer


class RecusalForm(msgspec.Struct):
    expert_code: str = ""
    reason: str = ""


class DrawPages(Controller):
    path = "/console/projects/{project_id:int}/draws"
    include_in_schema = False
    guards = [sub_site_only, requires("expert_draw", "conduct")]  # noqa: RUF012

    def _back(self, site: Site, project_id: int) -> Redirect:
        return Redirect(f"{site.root_path}/console/projects/{project_id}", status_code=303)

    @post("/", status_code=303)
    async def draw(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[DrawForm, Form],
    ) -> Redirect | Template:
        try:
            wanted = msgspec.convert(msgspec.structs.asdict(data), draw.DrawRequest, strict=False)
            await draw.draw(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                wanted,
                context_of(request),
            )
        except msgspec.ValidationError as exc:
            error = invalid_input(exc, DRAW_FIELDS, locale_of(request))
            return await project_page(request, site, tenant, project_id, error, 400)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await project_page(
                request, site, tenant, project_id, exc.message, exc.status_code
            )
        return flash(self._back(site, project_id), "flash.drawn")

    @post("/{draw_id:int}/members/{member_id:int}/answer", status_code=303)
    async def answer(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        draw_id: PathId,
        member_id: PathId,
        data: Annotated[AnswerForm, Form],
    ) -> Redirect | Template:
        return await act(
            draw.answer(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                draw_id,
                member_id,
                data.accepted == "yes",
                context_of(request),
            ),
            self._back(site, project_id),
            "flash.saved",
            partial(project_page, request, site, tenant, project_id),
        )

    @post("/{draw_id:int}/reveal", status_code=303)
    async def reveal(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        draw_id: PathId,
    ) -> Redirect | Template:
        return await act(
            draw.reveal(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                draw_id,
                context_of(request),
            ),
            self._back(site, project_id),
            "flash.revealed",
            partial(project_page, request, site, tenant, project_id),
        )


class RecusalPages(Controller):
    """申请回避: a bidder names an expert of the library it asks to recuse."""

    path = "/projects/{project_id:int}/recusals"
    include_in_schema = False
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    @post("/", status_code=303)
    async def ask(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[RecusalForm, Form],
    ) -> Redirect | Template:
        try:
            await draw.ask_recusal(
                signed_in(request),
                tenant,
                project_id,
                data.expert_code,
                data.reason,
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await bid_page(request, site, tenant, project_id, exc.message, exc.status_code)
        return flash(
            Redirect(f"{site.root_path}/projects/{project_id}/bids", status_code=303),
            "flash.submitted",
        )
