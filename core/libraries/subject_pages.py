"""The shared library as staff read it (供应商与代理机构库): search, an entry with its
qualifications and credit records; on the main portal the library's managers enter credit
records and lift them (信用记录录入、信用修复). ``?warning=<id>`` fills the form from a
confirmed risk warning naming the subject (core.libraries.subjects.credit.warning_feed)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from core.authz.guards import main_portal_only, signed_in
from core.authz.model import HQ
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form, invalid_input
from core.identity.routes import context_of
from core.libraries.access import library_reader
from core.libraries.review_pages import documents_of
from core.libraries.subjects import credit, notes, search
from core.libraries.subjects.search import SubjectFilters
from core.libraries.subjects.tables import CreditKind, SubjectKind
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.site import Site
from themes.i18n import locale_of, translate

CREDIT_FIELDS = {
    "kind": "credit.kind",
    "source": "credit.source",
    "legal_basis": "credit.legal_basis",
    "authority": "credit.authority",
    "summary": "credit.summary",
    "starts_on": "credit.starts_on",
    "ends_on": "credit.ends_on",
}
FILTER_FIELDS = {"kind": "library.kind", "name": "library.name", "region": "library.region"}


class CreditEntry(msgspec.Struct):
    """The credit-record form as posted: every field a string, checked by ``CreditForm``."""

    kind: str = ""
    source: str = ""
    legal_basis: str = ""
    authority: str = ""
    summary: str = ""
    starts_on: str = ""
    ends_on: str = ""
    warning: str = ""  # the risk warning the record is entered from


class LiftEntry(msgspec.Struct):
    reason: str = ""


class SubjectPages(Controller):
    path = "/library/subjects"
    include_in_schema = False
    guards = [library_reader]  # noqa: RUF012

    @get("/")
    async def list(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        kind: FromQuery[str] = "",
        name: FromQuery[str] = "",
        region: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> Template:
        asked = {"kind": kind, "name": name, "region": region}
        try:
            filters = msgspec.convert(
                {**{k: v for k, v in asked.items() if v}, "page": page or "1"},
                SubjectFilters,
                strict=False,
            )
        except msgspec.ValidationError as exc:
            message = invalid_input(exc, FILTER_FIELDS, locale_of(request))
            return _list_page(site, asked, [], 1, False, message)
        items, has_next = await search.search(filters)
        return _list_page(site, asked, items, filters.page, has_next, None)

    @get("/{subject_id:int}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        subject_id: PathId,
        warning: FromQuery[str] = "",
    ) -> Template:
        return await _detail_page(request, site, subject_id, warning=warning)

    @post("/{subject_id:int}/credit-records", guards=[main_portal_only], status_code=303)
    async def add_credit_record(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        subject_id: PathId,
        data: Annotated[CreditEntry, Form],
    ) -> Redirect | Template:
        posted = {k: v.strip() for k, v in msgspec.structs.asdict(data).items() if v.strip()}
        try:
            fields = {k: v for k, v in posted.items() if k != "warning"}
            form = msgspec.convert(fields, credit.CreditForm, strict=False)
            await credit.add_record(
                request.app.state.authorizer,
                signed_in(request),
                subject_id,
                form,
                context_of(request),
                warning=_warning_id(posted["warning"]) if "warning" in posted else None,
            )
        except msgspec.ValidationError as exc:
            message = invalid_input(exc, CREDIT_FIELDS, locale_of(request))
            return await _detail_page(request, site, subject_id, message, posted)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return await _detail_page(request, site, subject_id, exc.message, posted)
        return flash(Redirect(f"/library/subjects/{subject_id}", status_code=303), "flash.saved")

    @post(
        "/{subject_id:int}/credit-records/{record_id:int}/lift",
        guards=[main_portal_only],
        status_code=303,
    )
    async def lift(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        subject_id: PathId,
        record_id: PathId,
        data: Annotated[LiftEntry, Form],
    ) -> Redirect | Template:
        if not data.reason.strip():
            message = translate("credit.lift_reason_missing", locale_of(request))
            return await _detail_page(request, site, subject_id, message)
        if record_id not in {r.id for r in await credit.records_of(subject_id)}:
            raise NotFound("信用记录不存在 / no such credit record")
        await credit.lift(
            request.app.state.authorizer,
            signed_in(request),
            record_id,
            data.reason.strip(),
            context_of(request),
        )
        return flash(Redirect(f"/library/subjects/{subject_id}", status_code=303), "flash.saved")


def _warning_id(text: str) -> int:
    if not text.isdigit() or len(text) > 10:
        raise DomainError("风险预警编号无效 / not a warning number", detail={"field": "warning"})
    return int(text)


async def _from_warning(
    request: Request[Any, Any, Any], warning: str, subject_id: int
) -> tuple[dict[str, str], str | None]:
    """The form's fields from a confirmed warning (the manager chooses the rest), or the
    refusal in words: not confirmed, not about this subject."""
    try:
        warning_id = _warning_id(warning)
        feed = await credit.warning_feed(
            request.app.state.authorizer, signed_in(request), warning_id, subject_id
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        return {}, exc.message
    return {**msgspec.structs.asdict(feed), "warning": str(warning_id)}, None


def _list_page(
    site: Site,
    asked: dict[str, str],
    items: list[search.SubjectSummary],
    page: int,
    has_next: bool,
    error: str | None,
) -> Template:
    return Template(
        "library/subjects.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "asked": asked,
            "items": items,
            "page": page,
            "has_next": has_next,
            "kinds": list(SubjectKind),
            "error": error,
        },
    )


async def _detail_page(
    request: Request[Any, Any, Any],
    site: Site,
    subject_id: int,
    error: str | None = None,
    posted: dict[str, str] | None = None,
    warning: str = "",
) -> Template:
    subject = await search.view(subject_id)
    principal = signed_in(request)
    authorizer = request.app.state.authorizer
    manages = site.tenant is None and await authorizer.allowed(
        principal.casbin_subject, HQ, "library", "manage"
    )
    if manages and warning:  # elsewhere there is no form to fill
        posted, error = await _from_warning(request, warning, subject_id)
    records = await credit.records_of(subject_id)
    note = None if site.tenant is None else await notes.note_of(site.tenant.id, subject_id)
    return Template(
        "library/subject.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "subject": subject,
            "documents": await documents_of(request, subject_id),
            "records": records,
            "note": note,
            "manages": manages,
            "credit_kinds": list(CreditKind),
            "today": dt.date.today().isoformat(),
            # a record links to the warning it was entered from, for whoever reads it
            "readable_warnings": set()
            if site.tenant
            else await credit.readable_warnings(authorizer, principal, records),
            "posted": posted or {},
            "error": error,
        },
    )


register_nav(NavEntry("nav.subjects", "/library/subjects", "library", "read", "any", 45))
