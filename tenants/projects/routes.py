"""Purchaser units and project registration as JSON: the same services as the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.approvals import service as approvals
from core.authz.guards import requires, requires_active, signed_in, sub_site_only
from core.forms import Multipart
from core.identity.routes import context_of
from core.openapi import PathId, refusals
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.projects import bids, opening, purchasers, reading, registration
from tenants.risk.evidence import DEVICE_COOKIE, known_device, optional_contact

Item = Annotated[str, PathParameter(max_length=40, description="a checklist item's code")]


class Created(msgspec.Struct):
    id: int


class MaterialUpload(msgspec.Struct):
    file: UploadFile


class RegistrationDecision(msgspec.Struct, forbid_unknown_fields=True):
    decision: approvals.Decision
    deficiencies: list[approvals.Deficiency] = []
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class RegistrationState(msgspec.Struct):
    state: str


@dataclass
class BidUpload:
    lot: bids.Section
    price_fen: bids.Price
    file: UploadFile
    # 联系电话、邮箱、保证金缴纳账户: all three or none; 机器码 as a bid-making tool reports it
    contact_phone: str = ""
    contact_email: str = ""
    deposit_account: str = ""
    machine_code: str = ""


class PurchaserApi(Controller):
    """采购人: the tenant admin's purchaser units and their staff accounts."""

    path = "/api/purchasers"
    tags = ["projects"]  # noqa: RUF012
    guards = [sub_site_only, requires("purchaser", "manage")]  # noqa: RUF012

    @get("/", operation_id="listPurchasers", responses=refusals(401, 403, 404))
    async def list_units(
        self, tenant: NamedDependency[TenantRef]
    ) -> list[purchasers.PurchaserView]:
        return await purchasers.purchaser_list(tenant)

    @post(
        "/",
        operation_id="createPurchaser",
        status_code=201,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        data: JSONBody[purchasers.PurchaserDraft],
    ) -> Created:
        """A purchaser unit; its credit code is checked and unique on this sub-platform."""
        unit_id = await purchasers.create_purchaser(
            request.app.state.authorizer, signed_in(request), tenant, data, context_of(request)
        )
        return Created(unit_id)

    @post(
        "/{purchaser_id:int}/members",
        operation_id="addPurchaserMember",
        status_code=201,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def add_member(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        tenant: NamedDependency[TenantRef],
        purchaser_id: PathId,
        data: JSONBody[purchasers.MemberDraft],
    ) -> Created:
        """A staff account acting for the unit; its first password must be replaced."""
        account_id = await purchasers.add_member(
            request.app.state.authorizer,
            signed_in(request),
            site,
            tenant,
            purchaser_id,
            data,
            context_of(request),
        )
        return Created(account_id)


class ProjectApi(Controller):
    """项目登记: a purchaser's registrations and the sub-platform staff's review of them."""

    path = "/api/projects"
    tags = ["projects"]  # noqa: RUF012
    guards = [sub_site_only, requires_active]  # noqa: RUF012

    @get("/", operation_id="listProjects", responses=refusals(401, 403, 404))
    async def list_projects(
        self, request: Request[Any, Any, Any], tenant: NamedDependency[TenantRef]
    ) -> list[reading.ProjectView]:
        """A purchaser's own unit's projects; every project for the sub-platform's staff."""
        return await reading.project_list(request.app.state.authorizer, signed_in(request), tenant)

    @post(
        "/", operation_id="createProject", status_code=201, responses=refusals(400, 401, 403, 404)
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        data: JSONBody[registration.ProjectDraft],
    ) -> Created:
        """A draft registration with its sections (budget in fen)."""
        project_id = await registration.create_project(
            request.app.state.authorizer, signed_in(request), tenant, data, context_of(request)
        )
        return Created(project_id)

    @get("/{project_id:int}", operation_id="getProject", responses=refusals(401, 403, 404))
    async def detail(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> reading.ProjectView:
        return await reading.project_detail(
            request.app.state.authorizer, signed_in(request), tenant, project_id
        )

    @post(
        "/{project_id:int}/materials/{item:str}",
        operation_id="uploadProjectMaterial",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        item: Item,
        data: Annotated[MaterialUpload, Multipart],
    ) -> None:
        """One checklist item's file (PDF, OFD, JPEG or PNG), replacing an earlier one."""
        await registration.upload_material(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            item,
            data.file.filename,
            await data.file.read(),
            context_of(request),
        )

    @post(
        "/{project_id:int}/submission",
        operation_id="submitProject",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> None:
        """Submit, or resubmit once returned; every missing required item is named at once."""
        await registration.submit_project(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            project_id,
            context_of(request),
        )

    @post(
        "/{project_id:int}/acceptance",
        operation_id="acceptProject",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> None:
        """Take the registration as its service owner (受理)."""
        await registration.accept(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            project_id,
            context_of(request),
        )

    @post(
        "/{project_id:int}/decision",
        operation_id="decideProject",
        status_code=200,
        responses=refusals(400, 401, 403, 404),
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: JSONBody[RegistrationDecision],
    ) -> RegistrationState:
        """Register (approve), return with every deficiency, or refuse (reject)."""
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        await registration.decide(
            authorizer,
            principal,
            tenant,
            project_id,
            data.decision,
            deficiencies=data.deficiencies,
            note=data.note,
            context=context_of(request),
        )
        project = await reading.project_detail(authorizer, principal, tenant, project_id)
        return RegistrationState(project.state)

    @get("/{project_id:int}/bids", operation_id="listOwnBids", responses=refusals(401, 403, 404))
    async def own_bids(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> list[bids.Receipt]:
        """The signed-in supplier's bids of the project, replaced and withdrawn ones too."""
        return await bids.my_bids(signed_in(request), tenant, project_id)

    @post(
        "/{project_id:int}/bids",
        operation_id="submitBid",
        status_code=201,
        responses=refusals(400, 401, 403, 404),
    )
    async def submit_bid(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        data: Annotated[BidUpload, Multipart],
    ) -> bids.Receipt:
        """A sealed bid for a section (price in fen), replacing the current one; its receipt."""
        return await bids.submit_bid(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            data.lot,
            data.file.filename,
            await data.file.read(),
            data.price_fen,
            context_of(request),
            optional_contact(
                data.contact_phone, data.contact_email, data.deposit_account, data.machine_code
            ),
            known_device(request.cookies.get(DEVICE_COOKIE)),
        )

    @post(
        "/{project_id:int}/bids/{lot_number:int}/withdrawal",
        operation_id="withdrawBid",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def withdraw_bid(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
    ) -> None:
        await bids.withdraw_bid(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            project_id,
            lot_number,
            context_of(request),
        )

    @post(
        "/{project_id:int}/lots/{lot_number:int}/opening",
        operation_id="openLot",
        status_code=200,
        responses=refusals(400, 401, 403, 404),
    )
    async def open_lot(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
        lot_number: PathId,
    ) -> opening.OpeningView:
        """开标, at or after the deadline; again, the first opening's record."""
        return await opening.open_lot(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            project_id,
            lot_number,
            context_of(request),
        )

    @get(
        "/{project_id:int}/openings",
        operation_id="listOpenings",
        responses=refusals(401, 403, 404),
    )
    async def openings(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        project_id: PathId,
    ) -> list[opening.OpeningView]:
        """The opening records so far: for the project's staff and its bidders."""
        return await opening.openings_of(
            request.app.state.authorizer, signed_in(request), tenant, project_id
        )
