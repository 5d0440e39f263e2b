"""Download requests and approved downloads of library data, as JSON and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.approvals.tables import ApprovalRequest
from core.authz.guards import requires_active, signed_in
from core.data.columns import json_column
from core.identity.routes import context_of
from core.libraries import downloads
from core.libraries.downloads import DOWNLOAD_TYPE, DownloadRequest
from core.libraries.experts import export  # noqa: F401  - registers the experts dataset
from core.openapi import PathId, refusals
from core.tenancy.site import Site


class Created(msgspec.Struct):
    id: int


class DownloadRequestView(msgspec.Struct):
    id: int
    state: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    request: DownloadRequest


class DownloadApi(Controller):
    path = "/api/library/downloads"
    tags = ["library"]  # noqa: RUF012
    guards = [requires_active]  # noqa: RUF012

    @post(
        "/", operation_id="requestDownload", status_code=201, responses=refusals(400, 401, 403, 409)
    )
    async def ask(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[DownloadRequest],
    ) -> Created:
        """State the dataset, format, purpose and any secret fields wanted, by name."""
        request_id = await downloads.request_download(
            request.app.state.authorizer, signed_in(request), site, data, context_of(request)
        )
        return Created(request_id)

    @get("/", operation_id="listOwnDownloads", responses=refusals(401, 403))
    async def own(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> list[DownloadRequestView]:
        """The caller's download requests made on this site, newest first."""
        here = None if site.tenant is None else site.tenant.id
        where = (
            (ApprovalRequest.type == DOWNLOAD_TYPE)
            & (ApprovalRequest.submitter == signed_in(request).account_id)
            & (
                ApprovalRequest.tenant_id.is_null()
                if here is None
                else ApprovalRequest.tenant_id == here
            )
        )
        rows = (
            await ApprovalRequest.select()
            .where(where)
            .order_by(ApprovalRequest.id, ascending=False)
        )
        return [
            DownloadRequestView(
                r["id"],
                r["state"],
                r["created_at"],
                r["decided_at"],
                msgspec.convert(json_column(r["payload"], dict), DownloadRequest),
            )
            for r in rows
        ]

    @get(
        "/{request_id:int}/file",
        operation_id="downloadLibraryData",
        responses=refusals(400, 401, 403, 404),
    )
    async def file(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
    ) -> Response[bytes]:
        """The approved file; every download is audited."""
        made = await downloads.download(
            request.app.state.authorizer, signed_in(request), site, request_id, context_of(request)
        )
        return Response(
            made.content,
            media_type=made.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{made.filename}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )
