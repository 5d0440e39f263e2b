"""The supplier and agency library over HTTP (JSON, in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.authz.guards import main_portal_only, requires_active, signed_in
from core.data.columns import json_column
from core.errors import DomainError
from core.forms import Multipart
from core.identity.routes import context_of
from core.libraries.access import library_reader
from core.libraries.subjects import credit, notes, registration, search
from core.libraries.subjects.credit import CreditForm, CreditNotice, CreditView
from core.libraries.subjects.notes import NoteForm
from core.libraries.subjects.qualifications import add_qualification
from core.libraries.subjects.registration import Profile, Registration
from core.libraries.subjects.search import SubjectFilters, SubjectSummary, SubjectView
from core.libraries.subjects.tables import SubjectKind
from core.openapi import PathId, refusals
from core.tenancy.site import Site


class Created(msgspec.Struct):
    id: int


class ProfileUpdated(msgspec.Struct):
    # Key fields waiting for review (the rest is in force), or ["registration"] when a
    # rejected entry, mended, went back to review whole.
    sent_to_review: list[str]


class OwnEntry(msgspec.Struct):
    entry: SubjectView
    pending_change: dict[str, str]
    credit: list[CreditView]


class SubjectDetail(msgspec.Struct):
    entry: SubjectView
    credit: list[CreditView]
    blacklisted: bool
    note: NoteForm | None  # this tenant's own annotation, on a sub-site


class SubjectPage(msgspec.Struct):
    items: list[SubjectSummary]
    page: int
    has_next: bool


class NoticePage(msgspec.Struct):
    items: list[CreditNotice]
    page: int
    has_next: bool


class LiftBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=1000)]


@dataclass
class QualificationUpload:
    name: str
    number: str
    valid_until: str = ""
    file: UploadFile | None = None


class RegistrationApi(Controller):
    """一处注册: a supplier or agency registers once, from the main portal or any sub-site."""

    path = "/api/library"
    tags = ["library"]  # noqa: RUF012

    async def _register(
        self, request: Request[Any, Any, Any], site: Site, kind: SubjectKind, data: Registration
    ) -> Created:
        subject_id = await registration.register(
            kind,
            data,
            origin_tenant=None if site.tenant is None else site.tenant.id,
            context=context_of(request),
        )
        return Created(subject_id)

    @post(
        "/suppliers",
        operation_id="registerSupplier",
        status_code=201,
        responses=refusals(400, 403, 409),
    )
    async def register_supplier(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[Registration],
    ) -> Created:
        """The account and the library entry at once, pending head office's review."""
        return await self._register(request, site, SubjectKind.supplier, data)

    @post(
        "/agencies",
        operation_id="registerAgency",
        status_code=201,
        responses=refusals(400, 403, 409),
    )
    async def register_agency(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[Registration],
    ) -> Created:
        return await self._register(request, site, SubjectKind.agency, data)

    @get(
        "/me",
        operation_id="getOwnLibraryEntry",
        guards=[requires_active],
        responses=refusals(401, 403, 404),
    )
    async def own(self, request: Request[Any, Any, Any]) -> OwnEntry:
        row = await registration.own_subject(signed_in(request))
        return OwnEntry(
            await search.view(row["id"]),
            json_column(row["pending_change"], dict[str, str]),
            await credit.records_of(row["id"]),
        )

    @put(
        "/me",
        operation_id="updateOwnLibraryEntry",
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def update_own(
        self, request: Request[Any, Any, Any], data: JSONBody[Profile]
    ) -> ProfileUpdated:
        """Other fields take effect at once; name, legal representative and credit code after
        review, the reviewed values staying in force meanwhile."""
        fields = await registration.update_profile(signed_in(request), data, context_of(request))
        return ProfileUpdated(fields)

    @post(
        "/me/qualifications",
        operation_id="addQualification",
        status_code=201,
        guards=[requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def add_qualification(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[QualificationUpload, Multipart],
    ) -> Created:
        """A licence or certificate with its validity and document (PDF, OFD, JPEG, PNG)."""
        try:
            valid_until = dt.date.fromisoformat(data.valid_until) if data.valid_until else None
        except ValueError:
            raise DomainError(
                "有效期格式应为 YYYY-MM-DD / valid_until is YYYY-MM-DD",
                detail={"field": "valid_until"},
            ) from None
        document = (data.file.filename, await data.file.read()) if data.file else None
        qualification_id = await add_qualification(
            request.app.state.object_storage,
            signed_in(request),
            data.name,
            data.number,
            valid_until,
            document,
            context_of(request),
        )
        return Created(qualification_id)


class SubjectApi(Controller):
    """The shared library as staff see it: the same entries on every site."""

    path = "/api/library/subjects"
    tags = ["library"]  # noqa: RUF012
    guards = [library_reader]  # noqa: RUF012

    @get("/", operation_id="searchSubjects", responses=refusals(400, 401, 403))
    async def search_subjects(
        self,
        kind: FromQuery[SubjectKind | None] = None,
        name: Annotated[str, QueryParameter(max_length=100)] = "",
        region: Annotated[str, QueryParameter(pattern=r"^(\d{6})?$")] = "",
        qualification: Annotated[str, QueryParameter(max_length=100)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=500)] = 1,
    ) -> SubjectPage:
        """By kind, the start of the name, region (and below) and qualification."""
        filters = SubjectFilters(kind, name, region, qualification, page)
        items, has_next = await search.search(filters)
        return SubjectPage(items, page, has_next)

    @get(
        "/by-credit-code/{code:str}",
        operation_id="findSubjectByCreditCode",
        responses=refusals(400, 401, 403, 404),
    )
    async def by_credit_code(self, code: FromPath[str]) -> SubjectSummary:
        return await search.by_credit_code(code)

    @get("/{subject_id:int}", operation_id="getSubject", responses=refusals(400, 401, 403, 404))
    async def detail(self, site: NamedDependency[Site], subject_id: PathId) -> SubjectDetail:
        """The entry, its credit records and, on a sub-site, that tenant's own note."""
        note = None if site.tenant is None else await notes.note_of(site.tenant.id, subject_id)
        return SubjectDetail(
            await search.view(subject_id),
            await credit.records_of(subject_id),
            await credit.blacklisted(subject_id) is not None,
            note,
        )

    @put(
        "/{subject_id:int}/note",
        operation_id="setSubjectNote",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def set_note(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        subject_id: PathId,
        data: JSONBody[NoteForm],
    ) -> None:
        """This sub-platform's private note and rating (内部备注、评价)."""
        if site.tenant is None:
            raise DomainError("备注属于分平台 / notes belong to a sub-platform", detail={})
        await notes.set_note(
            request.app.state.authorizer,
            signed_in(request),
            site.tenant.id,
            subject_id,
            data,
            context_of(request),
        )

    @post(
        "/{subject_id:int}/credit-records",
        operation_id="addCreditRecord",
        status_code=201,
        guards=[main_portal_only],
        responses=refusals(400, 401, 403, 404),
    )
    async def add_credit_record(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        data: JSONBody[CreditForm],
    ) -> Created:
        """Enter an authority's decision: commendation, penalty or blacklist."""
        record_id = await credit.add_record(
            request.app.state.authorizer,
            signed_in(request),
            subject_id,
            data,
            context_of(request),
        )
        return Created(record_id)


class CreditApi(Controller):
    path = "/api/credit"
    tags = ["library"]  # noqa: RUF012

    @post(
        "/records/{record_id:int}/lift",
        operation_id="liftCreditRecord",
        status_code=204,
        guards=[main_portal_only, requires_active],
        responses=refusals(400, 401, 403, 404),
    )
    async def lift(
        self, request: Request[Any, Any, Any], record_id: PathId, data: JSONBody[LiftBody]
    ) -> None:
        await credit.lift(
            request.app.state.authorizer,
            signed_in(request),
            record_id,
            data.reason,
            context_of(request),
        )

    @get(
        "/notices",
        operation_id="listCreditNotices",
        guards=[main_portal_only],
        responses=refusals(404),
    )
    async def notices(self, page: Annotated[int, QueryParameter(ge=1, le=500)] = 1) -> NoticePage:
        """信用公示: penalties and blacklists, newest first (public)."""
        items, has_next = await credit.notices(page)
        return NoticePage(items, page, has_next)
