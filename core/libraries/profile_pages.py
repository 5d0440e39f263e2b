"""A supplier's or agency's own library entry as a page (我的主体信息): its review state, the
profile (a rejected registration is mended here and goes back to review), qualifications with
their documents, credit records about it and its participations on every sub-platform."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.authz.authorizer import Authorizer
from core.authz.guards import requires_active, signed_in
from core.data.columns import json_column
from core.errors import DomainError
from core.flash import flash
from core.forms import Form, Multipart, invalid_input
from core.identity.principal import Principal
from core.identity.routes import context_of
from core.libraries.review_pages import documents_of
from core.libraries.subjects import credit, registration, search
from core.libraries.subjects.qualifications import add_qualification
from core.libraries.subjects.registration import PROFILE_FIELDS, Profile
from core.libraries.subjects.tables import SubjectState
from core.libraries.transactions import service as transaction_library
from core.libraries.transactions.service import Reach, TransactionQuery
from core.navigation import NavEntry, may_open, register_nav
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from tenants.announcements.participation import PARTICIPANT_KINDS
from tenants.announcements.tables import Participation
from themes.i18n import in_locale, locale_of, translate


class ProfileForm(msgspec.Struct):
    credit_code: str = ""
    name: str = ""
    legal_representative: str = ""
    address: str = ""
    region_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    business_scope: str = ""
    controlling_shareholder: str = ""
    controlling_shareholder_code: str = ""


@dataclass
class QualificationForm:
    name: str = ""
    number: str = ""
    valid_until: str = ""
    file: UploadFile | None = None


class ProfilePages(Controller):
    path = "/account/profile"
    include_in_schema = False
    guards = [requires_active]  # noqa: RUF012 - the entry is the signed-in account's own

    @get("/")
    async def page(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _page(request, site)

    @post("/", status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[ProfileForm, Form],
    ) -> Redirect | Template:
        locale = locale_of(request)
        posted = {k: v.strip() for k, v in msgspec.structs.asdict(data).items()}
        try:
            profile = msgspec.convert(posted, Profile)
            sent = await registration.update_profile(
                signed_in(request), profile, context_of(request)
            )
        except msgspec.ValidationError as exc:
            error = invalid_input(exc, PROFILE_FIELDS, locale)
            return await _page(request, site, error, ProfileForm(**posted))
        except DomainError as exc:
            return await _page(request, site, in_locale(exc.message, locale), ProfileForm(**posted))
        key = "flash.profile_to_review" if sent else "flash.saved"
        return flash(Redirect(f"{site.root_path}/account/profile/", status_code=303), key)

    @post("/qualifications", status_code=303)
    async def add(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[QualificationForm, Multipart],
    ) -> Redirect | Template:
        locale = locale_of(request)
        try:
            try:
                until = dt.date.fromisoformat(data.valid_until) if data.valid_until else None
            except ValueError:
                raise DomainError(translate("library.valid_until_bad", locale)) from None
            document = (data.file.filename, await data.file.read()) if data.file else None
            if document is not None and not document[1]:
                document = None  # the browser sends an empty part when no file is chosen
            await add_qualification(
                request.app.state.object_storage,
                signed_in(request),
                data.name,
                data.number,
                until,
                document,
                context_of(request),
            )
        except DomainError as exc:
            return await _page(request, site, in_locale(exc.message, locale))
        return flash(Redirect(f"{site.root_path}/account/profile/", status_code=303), "flash.saved")


async def participations_of(subject_id: int) -> list[dict[str, Any]]:
    rows = (
        await Participation.select(
            Participation.created_at,
            Participation.announcement.id.as_alias("announcement_id"),
            Participation.announcement.title.as_alias("title"),
            Participation.tenant.id.as_alias("tenant_id"),
            Participation.tenant.slug.as_alias("slug"),
        )
        .where(Participation.subject == subject_id)
        .order_by(Participation.created_at, ascending=False)
        .limit(200)
    )
    names = await tenant_names()
    return [{**r, "site_name": names.get(r["tenant_id"], "")} for r in rows]


async def _page(
    request: Request[Any, Any, Any],
    site: Site,
    error: str | None = None,
    posted: ProfileForm | None = None,
) -> Template:
    row = await registration.own_subject(signed_in(request))
    entry = await search.view(row["id"])
    form = posted or msgspec.convert(
        {f: getattr(entry, f) for f in ProfileForm.__struct_fields__}, ProfileForm
    )
    return Template(
        "account/profile.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "entry": entry,
            "pending": json_column(row["pending_change"], dict),
            "form": form,
            "records": await credit.records_of(row["id"]),
            "documents": await documents_of(request, row["id"]),
            "participations": await participations_of(row["id"]),
            "awards": await transaction_library.search(
                Reach(supplier_id=row["id"]), TransactionQuery()
            ),
            "tenant_names": await tenant_names(),
            "error": error,
        },
    )


async def _participant(authorizer: Authorizer, principal: Principal, site: Site) -> bool:
    return principal.kind in PARTICIPANT_KINDS and await may_open(
        authorizer, principal, site, "profile", "manage"
    )


async def _to_mend(ctx: WorkbenchContext) -> list[WorkItem]:
    """A rejected or pending registration, or a key change under review: the supplier's own."""
    row = await registration.own_subject(ctx.principal)
    state = row["state"]
    items = []
    if state != SubjectState.approved.value:
        items.append(
            WorkItem(
                text=translate(f"profile.state_{state}", ctx.locale),
                href="/account/profile/",
                note=translate(f"label.subject_state.{state}", ctx.locale),
            )
        )
    if json_column(row["pending_change"], dict):
        items.append(WorkItem(translate("profile.change_pending", ctx.locale), "/account/profile/"))
    return items


async def _my_participations(ctx: WorkbenchContext) -> list[WorkItem]:
    row = await registration.own_subject(ctx.principal)
    return [
        WorkItem(text=p["title"], href="/account/profile/#participations", note=p["site_name"])
        for p in await participations_of(row["id"])
    ]


register_nav(
    NavEntry("nav.profile", "/account/profile", "profile", "manage", "any", 6, check=_participant)
)
for key, load, link in (
    ("workbench.profile", _to_mend, "/account/profile/"),
    ("workbench.participations", _my_participations, "/account/profile/#participations"),
):
    register_section(Section(key, "profile", "manage", load, link, check=_participant))
