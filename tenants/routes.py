"""JSON API of the sub-platform lifecycle: applicants, head-office review, penalties,
the operator's side and notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest
from core.authz.guards import main_portal_only, requires, requires_active, signed_in, sub_site_only
from core.data.columns import json_column
from core.errors import NotFound
from core.forms import Multipart
from core.identity.accounts import create_account
from core.identity.invitations import accept
from core.identity.routes import context_of
from core.identity.tables import AccountKind
from core.notifications.service import NoticeView, mark_read, notices_for
from core.openapi import PathId, refusals
from core.storage import ObjectKey
from core.tenancy.registry import TenantRef, find_tenant_by_id
from core.tenancy.site import Site
from core.tenancy.tables import TenantState
from tenants import applications, penalties
from tenants.applications import ApplicationForm, ApplicationView, as_record
from tenants.provisioning import confirm_operating_unit
from tenants.supervision import check_visible, visible_tenants
from tenants.tables import Application, Material


class NewApplicant(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    email: Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class MaterialUpload(msgspec.Struct):
    """A checklist item's file, in the form field ``data``; without it, the form is bad input."""

    data: UploadFile


class Created(msgspec.Struct):
    id: int


class ApplicantApi(Controller):
    """An organisation applying for a sub-platform, on the main portal."""

    path = "/api"
    tags = ["applications"]  # noqa: RUF012 - Litestar reads it as a class attribute
    guards = [main_portal_only]  # noqa: RUF012

    @post(
        "/applicants",
        operation_id="registerApplicant",
        status_code=201,
        responses=refusals(400, 403, 404, 409),
    )
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[NewApplicant]
    ) -> Created:
        """Create an applicant account (申请人注册)."""
        account_id = await create_account(
            username=data.username,
            display_name=data.display_name,
            kind=AccountKind.applicant,
            password=data.password,
            email=data.email,
        )
        return Created(account_id)

    @get(
        "/applications",
        operation_id="listMyApplications",
        guards=[requires_active],
        responses=refusals(401, 403, 404),
    )
    async def mine(self, request: Request[Any, Any, Any]) -> list[ApplicationView]:
        return await applications.my_applications(request.app.state.authorizer, signed_in(request))

    @post(
        "/applications",
        operation_id="createApplication",
        status_code=201,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ApplicationForm]
    ) -> Created:
        return Created(
            await applications.create_application(
                request.app.state.authorizer, signed_in(request), data, context_of(request)
            )
        )

    @get(
        "/applications/{application_id:int}",
        operation_id="getMyApplication",
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def one(self, request: Request[Any, Any, Any], application_id: PathId) -> ApplicationView:
        return await applications.my_application(
            request.app.state.authorizer, signed_in(request), application_id
        )

    @put(
        "/applications/{application_id:int}",
        operation_id="updateApplication",
        status_code=204,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        application_id: PathId,
        data: JSONBody[ApplicationForm],
    ) -> None:
        await applications.update_application(
            request.app.state.authorizer,
            signed_in(request),
            application_id,
            data,
            context_of(request),
        )

    @post(
        "/applications/{application_id:int}/materials/{item:str}",
        operation_id="uploadMaterial",
        status_code=204,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        application_id: PathId,
        item: FromPath[str],
        data: Annotated[MaterialUpload, Multipart],
    ) -> None:
        """Upload one checklist item (PDF, OFD, JPEG or PNG, checked by content)."""
        await applications.upload_material(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            application_id,
            item,
            data.data.filename,
            await data.data.read(),
            context_of(request),
        )

    @post(
        "/applications/{application_id:int}/submit",
        operation_id="submitApplication",
        status_code=200,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def submit(self, request: Request[Any, Any, Any], application_id: PathId) -> Created:
        """Submit or resubmit; refused with every missing item listed."""
        return Created(
            await applications.submit_application(
                request.app.state.authorizer,
                signed_in(request),
                application_id,
                context_of(request),
            )
        )


class ApprovalSummary(msgspec.Struct):
    id: int
    type: str
    subject: str
    state: str
    submitter_id: int
    created_at: dt.datetime
    payload: dict[str, Any]  # what exactly is asked for (a plugin's settings, a customisation)


class MaterialLink(msgspec.Struct):
    item: str
    filename: str
    url: str  # presigned, short-lived


class ApprovalDetail(msgspec.Struct):
    request: ApprovalSummary
    history: list[approvals.EventView]
    application: ApplicationView | None
    materials: list[MaterialLink]


class DecisionBody(msgspec.Struct, forbid_unknown_fields=True):
    decision: approvals.Decision
    deficiencies: list[approvals.Deficiency] = msgspec.field(default_factory=list)
    note: Annotated[str, msgspec.Meta(max_length=5000)] = ""


class DecisionResult(msgspec.Struct):
    state: str


def _summary(row: dict[str, Any]) -> ApprovalSummary:
    return ApprovalSummary(
        row["id"],
        row["type"],
        row["subject"],
        row["state"],
        row["submitter"],
        row["created_at"],
        json_column(row["payload"], dict),
    )


class ReviewApi(Controller):
    """Head office's review queue and decisions (审核)."""

    path = "/api/approvals"
    tags = ["approvals"]  # noqa: RUF012
    guards = [main_portal_only, requires("approval", "read")]  # noqa: RUF012

    @get("/", operation_id="listApprovals", responses=refusals(400, 401, 403, 404))
    async def queue(
        self,
        type: FromQuery[str | None] = None,
        wanted: Annotated[str | None, QueryParameter(name="state")] = "submitted",
    ) -> list[ApprovalSummary]:
        """Requests by type and state, oldest first (submitted ones by default)."""
        query = ApprovalRequest.select().order_by(ApprovalRequest.id)
        if type:
            query = query.where(ApprovalRequest.type == type)
        if wanted:
            query = query.where(ApprovalRequest.state == wanted)
        return [_summary(r) for r in await query.limit(500)]

    @get("/{request_id:int}", operation_id="getApproval", responses=refusals(400, 401, 403, 404))
    async def detail(self, request: Request[Any, Any, Any], request_id: PathId) -> ApprovalDetail:
        """A request with its history and, for an application, its materials' links."""
        row = await ApprovalRequest.select().where(ApprovalRequest.id == request_id).first()
        if row is None:
            raise NotFound("申请不存在 / no such request")
        application, links = None, []
        if row["type"] == applications.APPLICATION_TYPE:
            app_row = await Application.select().where(Application.request_id == request_id).first()
            if app_row is not None:
                application = await applications.view(as_record(app_row))
                storage = request.app.state.object_storage
                for m in await Material.select().where(Material.application == app_row["id"]):
                    url = await storage.presigned_url(ObjectKey(m["object_key"]), expires_in=600)
                    links.append(MaterialLink(m["item"], m["filename"], url))
        return ApprovalDetail(
            _summary(row), await approvals.history(request_id), application, links
        )

    @post(
        "/{request_id:int}/decision",
        operation_id="decideApproval",
        status_code=200,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        request_id: PathId,
        data: JSONBody[DecisionBody],
    ) -> DecisionResult:
        """Approve, return with every deficiency listed, or reject."""
        state = await approvals.decide(
            request.app.state.authorizer,
            signed_in(request),
            request_id,
            data.decision,
            deficiencies=data.deficiencies,
            note=data.note,
            context=context_of(request),
        )
        return DecisionResult(state.value)


class TenantSummary(msgspec.Struct):
    id: int
    slug: str
    name: str
    kind: str
    state: str
    region_code: str | None


def _tenant_summary(t: TenantRef) -> TenantSummary:
    return TenantSummary(t.id, t.slug, t.name, t.kind.value, t.state.value, t.region_code)


class TenantDetail(msgspec.Struct):
    tenant: TenantSummary
    penalties: list[penalties.PenaltyView]


@dataclass
class PenaltyUpload:
    kind: str
    statement: str
    grounds: str  # numbers of Art. 27's grounds, comma-separated: "1,3"
    evidence: list[UploadFile] = field(default_factory=list)


class ReinstatementBody(msgspec.Struct, forbid_unknown_fields=True):
    statement: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


class SupervisionApi(Controller):
    """Tenants, their state and history, penalties and reinstatement (监督)."""

    path = "/api/tenants"
    tags = ["supervision"]  # noqa: RUF012
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/", operation_id="listTenants", responses=refusals(400, 401, 403, 404))
    async def tenants(
        self,
        request: Request[Any, Any, Any],
        wanted: Annotated[TenantState | None, QueryParameter(name="state")] = None,
    ) -> list[TenantSummary]:
        """The tenants within the caller's reach: all for head office, a region's for a
        regulator or supervisor granted that region."""
        found = await visible_tenants(request.app.state.authorizer, signed_in(request), wanted)
        return [_tenant_summary(t) for t in found]

    @get("/{tenant_id:int}", operation_id="getTenant", responses=refusals(400, 401, 403, 404))
    async def tenant(self, request: Request[Any, Any, Any], tenant_id: PathId) -> TenantDetail:
        await check_visible(request.app.state.authorizer, signed_in(request), tenant_id)
        tenant = await find_tenant_by_id(tenant_id)
        if tenant is None:
            raise NotFound("分平台不存在 / no such tenant")
        return TenantDetail(_tenant_summary(tenant), await penalties.history(tenant_id))

    @post(
        "/{tenant_id:int}/penalties",
        operation_id="imposePenalty",
        status_code=201,
        responses=refusals(400, 401, 403, 404),
    )
    async def penalize(
        self,
        request: Request[Any, Any, Any],
        tenant_id: PathId,
        data: Annotated[PenaltyUpload, Multipart],
    ) -> Created:
        """Reminder, warning, revocation or suspension, with grounds, statement, evidence."""
        form, evidence = await penalties.read_upload(
            data.kind, data.statement, data.grounds, data.evidence
        )
        return Created(
            await penalties.impose(
                request.app.state.authorizer,
                signed_in(request),
                request.app.state.object_storage,
                tenant_id,
                form,
                evidence,
                context_of(request),
            )
        )

    @post(
        "/{tenant_id:int}/reinstatement",
        operation_id="reinstateTenant",
        status_code=201,
        responses=refusals(400, 401, 403, 404),
    )
    async def reinstate(
        self,
        request: Request[Any, Any, Any],
        tenant_id: PathId,
        data: JSONBody[ReinstatementBody],
    ) -> Created:
        return Created(
            await penalties.reinstate(
                request.app.state.authorizer,
                signed_in(request),
                tenant_id,
                data.statement,
                context_of(request),
            )
        )


class PasswordBody(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class Username(msgspec.Struct):
    username: str


class OperatorApi(Controller):
    """The operator's side, on its own sub-site (运营机构)."""

    path = "/api/operator"
    tags = ["operator"]  # noqa: RUF012
    guards = [sub_site_only]  # noqa: RUF012

    @post(
        "/invitations/{token:str}",
        operation_id="acceptInvitation",
        status_code=200,
        responses=refusals(400, 403, 404),
    )
    async def accept_invitation(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        token: FromPath[str],
        data: JSONBody[PasswordBody],
    ) -> Username:
        """Set the first password of the management account through its invitation."""
        assert site.tenant is not None
        return Username(
            await accept(
                token, data.password, tenant_id=site.tenant.id, context=context_of(request)
            )
        )

    @post(
        "/confirm",
        operation_id="confirmOperatingUnit",
        status_code=204,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def confirm(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> None:
        """Confirm the operating unit and receive the management role (Art. 10)."""
        assert site.tenant is not None
        await confirm_operating_unit(
            request.app.state.authorizer, signed_in(request), site.tenant.id, context_of(request)
        )

    @get(
        "/penalties",
        operation_id="myPenalties",
        guards=[requires("tenant", "read")],
        responses=refusals(401, 403, 404),
    )
    async def my_penalties(self, site: NamedDependency[Site]) -> list[penalties.PenaltyView]:
        """Reminders, warnings and every other decision about this tenant."""
        assert site.tenant is not None
        return await penalties.history(site.tenant.id)


class NoticeApi(Controller):
    path = "/api/notices"
    tags = ["notices"]  # noqa: RUF012
    guards = [requires_active]  # noqa: RUF012

    @get("/", operation_id="listNotices", responses=refusals(401, 403))
    async def notices(self, request: Request[Any, Any, Any]) -> list[NoticeView]:
        """The signed-in account's own notices, newest first."""
        return await notices_for(signed_in(request).account_id)

    @post(
        "/{notice_id:int}/read",
        operation_id="markNoticeRead",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def read(self, request: Request[Any, Any, Any], notice_id: PathId) -> None:
        if not await mark_read(signed_in(request).account_id, notice_id):
            raise NotFound("通知不存在 / no such notice")
