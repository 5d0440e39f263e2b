"""Pages of objections and complaints (异议、投诉): a bidder raises them from its bid page, the
sub-platform's staff answer from the project's page. The rules are in
:mod:`tenants.projects.objections`."""

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
from core.forms import Form
from core.identity.routes import context_of
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects import objections
from tenants.projects.answering import act
from tenants.projects.bid_pages import bid_page
from tenants.projects.pages import project_page
from tenants.projects.tables import ObjectionTarget


class ObjectionForm(msgspec.Struct):
    target: str = ""
    text: str = ""


class TextForm(msgspec.Struct):
    text: str = ""


class BidderObjectionPages(Controller):
    path = "/projects/{project_id:int}/objections"
    include_in_schema = False
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    def _back(self, site: Site, project_id: int) -> Redirect:
        return Redirect(f"{site.root_path}/projects/{project_id}/bids", status_code=303)

    @post("/", status_code=303)
    async def raise_objection(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[ObjectionForm, Form],
    ) -> Redirect | Template:
        try:
            if data.target not in ObjectionTarget.__members__:
                raise DomainError("请选择异议事项 / choose what you object to")
            await objections.raise_objection(
                signed_in(request),
                tenant,
                project_id,
                ObjectionTarget(data.target),
                data.text,
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await bid_page(request, site, tenant, project_id, exc.message, exc.status_code)
        return flash(self._back(site, project_id), "flash.submitted")

    @post("/{objection_id:int}/complaint", status_code=303)
    async def complain(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        objection_id: PathId,
        data: Annotated[TextForm, Form],
    ) -> Redirect | Template:
        return await act(
            objections.complain(
                signed_in(request),
                tenant,
                project_id,
                objection_id,
                data.text,
                context_of(request),
            ),
            self._back(site, project_id),
            "flash.submitted",
            partial(bid_page, request, site, tenant, project_id),
        )


class AnswerPages(Controller):
    path = "/console/projects/{project_id:int}/objections/{objection_id:int}/answer"
    include_in_schema = False
    guards = [sub_site_only, requires("bid", "open")]  # noqa: RUF012

    @post("/", status_code=303)
    async def answer(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        objection_id: PathId,
        data: Annotated[TextForm, Form],
    ) -> Redirect | Template:
        try:
            await objections.answer(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                objection_id,
                data.text,
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await project_page(
                request, site, tenant, project_id, exc.message, exc.status_code
            )
        return flash(
            Redirect(f"{site.root_path}/console/projects/{project_id}", status_code=303),
            "flash.saved",
        )
