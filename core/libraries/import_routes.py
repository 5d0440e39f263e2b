"""Bulk imports for head office's library managers: JSON and a page that shows progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, requires, signed_in
from core.data.columns import json_column
from core.errors import DomainError, NotFound
from core.forms import Multipart
from core.identity.routes import context_of
from core.libraries import imports
from core.libraries.imports import RowError
from core.libraries.subjects.registration import PROFILE_FIELDS
from core.libraries.subjects.tables import ImportJob, SubjectKind
from core.navigation import NavEntry, register_nav
from core.openapi import PathId, refusals
from core.tenancy.site import Site

# A problem row's field in words: the profile's columns, or the whole file or row.
ROW_FIELDS = {**PROFILE_FIELDS, "file": "imports.field.file", "row": "imports.field.row"}


@dataclass
class ImportUpload:
    file: UploadFile
    kind: str = "supplier"
    strict: str = "true"  # "true"/"false", as a form sends it
    dry_run: str = "false"


class ImportStarted(msgspec.Struct):
    id: int


class ImportProgress(msgspec.Struct):
    id: int
    kind: str
    filename: str
    strict: bool
    dry_run: bool
    state: str
    total: int
    processed: int
    imported: int
    errors: list[RowError]
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


async def progress_of(job_id: int) -> ImportProgress:
    row = await ImportJob.select().where(ImportJob.id == job_id).first()
    if row is None:
        raise NotFound("导入任务不存在 / no such import")
    return msgspec.convert(
        {**row, "errors": json_column(row["errors"], list)}, ImportProgress, strict=False
    )


async def _start(request: Request[Any, Any, Any], data: ImportUpload) -> int:
    try:
        kind = SubjectKind(data.kind)
    except ValueError:
        raise DomainError("类型应为 supplier 或 agency / kind: supplier or agency") from None
    return await imports.start_import(
        request.app.state.authorizer,
        signed_in(request),
        request.app.state.object_storage,
        kind,
        data.file.filename,
        await data.file.read(),
        strict=data.strict.lower() in ("true", "1", "on", "yes"),
        dry_run=data.dry_run.lower() in ("true", "1", "on", "yes"),
        context=context_of(request),
    )


class ImportApi(Controller):
    path = "/api/library/imports"
    tags = ["library"]  # noqa: RUF012
    guards = [main_portal_only, requires("library", "manage")]  # noqa: RUF012

    @post("/", operation_id="startImport", status_code=202, responses=refusals(400, 401, 403, 404))
    async def start(
        self, request: Request[Any, Any, Any], data: Annotated[ImportUpload, Multipart]
    ) -> ImportStarted:
        """Validate every row, then (unless a dry run) import; strict: all or nothing."""
        return ImportStarted(await _start(request, data))

    @get("/{job_id:int}", operation_id="getImport", responses=refusals(400, 401, 403, 404))
    async def progress(self, job_id: PathId) -> ImportProgress:
        return await progress_of(job_id)


class ImportPages(Controller):
    path = "/admin/imports"
    include_in_schema = False
    guards = [main_portal_only, requires("library", "manage")]  # noqa: RUF012

    @get("/")
    async def form(self, site: NamedDependency[Site]) -> Template:
        return Template(
            "admin/imports.html", context={"site": site, "columns": imports.COLUMNS, "error": None}
        )

    @post("/")
    async def start(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[ImportUpload, Multipart],
    ) -> Redirect | Template:
        try:
            job_id = await _start(request, data)
        except DomainError as exc:
            context = {"site": site, "columns": imports.COLUMNS, "error": exc.message}
            return Template("admin/imports.html", status_code=exc.status_code, context=context)
        return Redirect(f"/admin/imports/{job_id}", status_code=303)

    @get("/{job_id:int}")
    async def show(self, site: NamedDependency[Site], job_id: PathId) -> Template:
        """Refreshes itself every two seconds while the job runs (no JavaScript needed)."""
        return Template(
            "admin/import.html",
            context={"site": site, "job": await progress_of(job_id), "fields": ROW_FIELDS},
        )


register_nav(NavEntry("nav.admin.imports", "/admin/imports", "library", "manage", "hq", 60))
