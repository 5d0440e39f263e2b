"""The tenant admin's branding and change requests, as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.approvals.tables import ApprovalRequest
from core.authz.guards import requires, signed_in, sub_site_only
from core.data.columns import json_column
from core.errors import NotFound
from core.forms import Multipart
from core.identity.routes import context_of
from core.openapi import refusals
from core.tenancy.registry import TenantRef
from core.tenancy.tables import Tenant
from tenants import branding
from tenants.branding import CHANGE_REQUEST_TYPE, ChangeRequestBody, ImageKind
from themes.palette import PALETTE
from themes.tokens import Branding, Customisation, Images, branding_of, customisation_of, images_of


class BrandingView(msgspec.Struct):
    tokens: Branding
    images: Images
    custom: Customisation
    palette: dict[str, str]


class ImageUpload(msgspec.Struct):
    file: UploadFile


class Stored(msgspec.Struct):
    key: str


class Created(msgspec.Struct):
    id: int


class RequestView(msgspec.Struct):
    id: int
    type: str
    state: str
    payload: dict[str, Any]
    created_at: dt.datetime


async def branding_view(tenant: TenantRef) -> BrandingView:
    row = await Tenant.select(Tenant.branding, Tenant.name).where(Tenant.id == tenant.id).first()
    if row is None:
        raise NotFound("分平台不存在 / no such sub-platform")
    data = json_column(row["branding"], dict)
    return BrandingView(
        branding_of(data, row["name"]), images_of(data), customisation_of(data), PALETTE
    )


async def requests_of(tenant: TenantRef, *types: str) -> list[RequestView]:
    rows = (
        await ApprovalRequest.select()
        .where((ApprovalRequest.tenant_id == tenant.id) & ApprovalRequest.type.is_in(list(types)))
        .order_by(ApprovalRequest.id, ascending=False)
        .limit(100)
    )
    return [
        RequestView(
            r["id"], r["type"], r["state"], json_column(r["payload"], dict), r["created_at"]
        )
        for r in rows
    ]


class BrandingApi(Controller):
    """品牌设置: the sub-site's tokens and images; beyond them, change requests to head office."""

    path = "/api/branding"
    tags = ["branding"]  # noqa: RUF012
    guards = [sub_site_only, requires("branding", "manage")]  # noqa: RUF012

    @get("/", operation_id="getBranding", responses=refusals(401, 403, 404))
    async def get_branding(self, tenant: NamedDependency[TenantRef]) -> BrandingView:
        """The tokens in force, the images, the approved customisation and the palette."""
        return await branding_view(tenant)

    @put("/", operation_id="setBranding", status_code=204, responses=refusals(400, 401, 403, 404))
    async def set_branding(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        data: JSONBody[Branding],
    ) -> None:
        """Set every token at once; the accent is a name from the palette."""
        await branding.set_tokens(
            request.app.state.authorizer, signed_in(request), tenant, data, context_of(request)
        )

    @put(
        "/{kind:str}",
        operation_id="uploadBrandingImage",
        status_code=200,
        responses=refusals(400, 401, 403, 404),
    )
    async def upload_image(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        kind: FromPath[ImageKind],
        data: Annotated[ImageUpload, Multipart],
    ) -> Stored:
        """A PNG or JPEG logo (≤ 512 KB, 32–1024 px) or banner (≤ 2 MB, 600×100–3000×1000 px)."""
        key = await branding.upload_image(
            request.app.state.authorizer,
            signed_in(request),
            request.app.state.object_storage,
            tenant,
            kind,
            await data.file.read(),
            context_of(request),
        )
        return Stored(key)

    @get("/change-requests", operation_id="listChangeRequests", responses=refusals(401, 403, 404))
    async def list_change_requests(self, tenant: NamedDependency[TenantRef]) -> list[RequestView]:
        return await requests_of(tenant, CHANGE_REQUEST_TYPE)

    @post(
        "/change-requests",
        operation_id="requestThemeChange",
        status_code=201,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def request_change(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        data: JSONBody[ChangeRequestBody],
    ) -> Created:
        """Ask head office for menu items, page blocks or a layout (个性化需求)."""
        request_id = await branding.request_change(
            request.app.state.authorizer, signed_in(request), tenant, data, context_of(request)
        )
        return Created(request_id)
