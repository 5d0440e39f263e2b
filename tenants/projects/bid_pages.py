"""Pages of bids and openings (投标、开标): a supplier's bid page per project, and the staff's
opening of a lot from the project's page. The rules are in :mod:`tenants.projects.bids` and
:mod:`tenants.projects.opening`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.guards import requires, requires_active, signed_in, sub_site_only
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Multipart
from core.identity.routes import context_of
from core.openapi import PathId
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects import bids, objections, opening
from tenants.projects.answering import act
from tenants.projects.money import fen_of
from tenants.projects.pages import project_page
from tenants.projects.registration import project_in
from tenants.projects.tables import Lot
from tenants.risk.evidence import (
    DEVICE_COOKIE,
    DEVICE_MAX_AGE,
    checked_contact,
    device_of,
    known_device,
)
from themes.i18n import locale_of, translate

R = TypeVar("R", Template, Redirect)


@dataclass
class BidForm:
    lot: str = ""
    price: str = ""  # 元
    file: UploadFile | None = None
    contact_phone: str = ""
    contact_email: str = ""
    deposit_account: str = ""  # 保证金缴纳账户
    machine_code: str = ""  # 机器码, filled in by a bid-making tool, if one is used


class BidPages(Controller):
    """递交投标文件: a signed-in supplier's bids of one project of this sub-platform."""

    path = "/projects/{project_id:int}/bids"
    include_in_schema = False
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    def _back(self, site: Site, project_id: int) -> Redirect:
        return Redirect(f"{site.root_path}/projects/{project_id}/bids", status_code=303)

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> Template:
        page = await bid_page(request, site, tenant, project_id)
        return _with_device(page, request)

    @post("/", status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[BidForm, Multipart],
    ) -> Redirect | Template:
        locale = locale_of(request)
        device, _ = device_of(request.cookies.get(DEVICE_COOKIE))
        try:
            contact = checked_contact(
                data.contact_phone, data.contact_email, data.deposit_account, data.machine_code
            )
            price = fen_of(data.price)
            if price is None:
                field = translate("bids.price", locale)
                raise DomainError(translate("form.invalid", locale, field=field))
            lot = data.lot
            if not (lot.isascii() and lot.isdigit() and len(lot) <= 3) or data.file is None:
                raise DomainError(translate("bids.choose", locale))
            await bids.submit_bid(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant,
                project_id,
                int(data.lot),
                data.file.filename,
                await data.file.read(),
                price,
                context_of(request),
                contact,
                device,
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            page = await bid_page(request, site, tenant, project_id, exc.message, exc.status_code)
            return _with_device(page, request, device)
        return _with_device(
            flash(self._back(site, project_id), "flash.bid_received"), request, device
        )

    @post("/{lot_number:int}/withdrawal", status_code=303)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
    ) -> Redirect | Template:
        return await act(
            bids.withdraw_bid(
                request.app.state.authorizer,
                signed_in(request),
                tenant,
                project_id,
                lot_number,
                context_of(request),
            ),
            self._back(site, project_id),
            "flash.bid_withdrawn",
            partial(bid_page, request, site, tenant, project_id),
        )


def _with_device(response: R, request: Request[Any, Any, Any], device: str = "") -> R:
    """Mint the browser's long-lived device id (:mod:`tenants.risk.evidence`) if it has none."""
    if not known_device(request.cookies.get(DEVICE_COOKIE)):
        response.set_cookie(
            DEVICE_COOKIE,
            device or device_of(None)[0],
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="lax",
        )
    return response


async def bid_page(
    request: Request[Any, Any, Any],
    site: Site,
    tenant: TenantRef,
    project_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    project = await project_in(tenant, project_id)
    if project["opening_notice"] is None:  # not yet offered to suppliers: as if absent
        raise NotFound("项目不存在 / no such project")
    principal = signed_in(request)
    authorizer = request.app.state.authorizer
    mine = await bids.my_bids(principal, tenant, project_id)
    try:
        records = await opening.openings_of(authorizer, principal, tenant, project_id)
    except DomainError:
        records = []  # not a bidder of the project: no opening record to see
    return Template(
        "projects/bids.html",
        status_code=status_code,
        context={
            "site": site,
            "project": project,
            "lots": await Lot.select().where(Lot.project == project_id).order_by(Lot.number),
            "mine": mine,
            "current": {r.lot_number: r for r in mine if r.state == "current"},
            "openings": {o.lot_number: o for o in records},
            "objections": await objections.objections_of(
                tenant, project_id, raised_by=principal.account_id
            ),
            "taking": isinstance(deadline := project["bid_deadline"], dt.datetime)
            and dt.datetime.now(dt.UTC) < deadline,
            "error": error,
        },
    )


class OpeningPages(Controller):
    """开标 from the project's console page, by the sub-platform's staff."""

    path = "/console/projects/{project_id:int}/lots/{lot_number:int}/opening"
    include_in_schema = False
    guards = [sub_site_only, requires("bid", "open")]  # noqa: RUF012

    @post("/", status_code=303)
    async def open_lot(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
    ) -> Redirect | Template:
        target = Redirect(f"{site.root_path}/console/projects/{project_id}", status_code=303)
        return await act(
            opening.open_lot(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant,
                project_id,
                lot_number,
                context_of(request),
            ),
            target,
            "flash.opened",
            partial(project_page, request, site, tenant, project_id),
        )
