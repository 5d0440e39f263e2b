"""Data downloads as pages (数据下载申请): a person asks for a dataset with its purpose on the
site where they work; head office's administrator approves or not; the requester then
downloads the file from the same page, for seven days (000 Art. 23–24)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.approvals.pages import approve_or_reject
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.authz.guards import main_portal_only, requires, signed_in
from core.data.columns import json_column
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form, invalid_input
from core.identity.routes import context_of
from core.identity.tables import Account
from core.libraries import downloads
from core.libraries.downloads import DOWNLOAD_TYPE, DownloadRequest
from core.libraries.exports import DATASETS, Dataset, ExportFormat
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from themes.i18n import in_locale, locale_of, translate

DECIDE = ("approval:data_download", "decide")
FIELDS = {"dataset": "download.dataset", "format": "download.format", "purpose": "download.purpose"}


class DownloadForm(msgspec.Struct):
    dataset: str = ""
    format: str = ""
    purpose: str = ""
    # a form sends one checked box as a value, several as a list
    secret_fields: list[str] | str = msgspec.field(default_factory=list)

    @property
    def secrets(self) -> list[str]:
        return [self.secret_fields] if isinstance(self.secret_fields, str) else self.secret_fields


class DownloadDecisionForm(msgspec.Struct):
    decision: str = ""
    note: str = ""


def offered(site: Site) -> list[tuple[Dataset, list[tuple[str, str]]]]:
    """Each dataset with the secret columns this site may ask for: none of a dataset whose
    secrets are head office's library managers' alone, on a sub-site."""
    shown = []
    for dataset in DATASETS.values():
        closed = site.tenant is not None and dataset.secrets_for_library_managers_only
        secrets = [] if closed else [(c.name, c.title) for c in dataset.columns if c.secret]
        shown.append((dataset, secrets))
    return shown


async def own_requests(account_id: int, site: Site) -> list[dict[str, Any]]:
    here = None if site.tenant is None else site.tenant.id
    where = (ApprovalRequest.type == DOWNLOAD_TYPE) & (ApprovalRequest.submitter == account_id)
    where &= (
        ApprovalRequest.tenant_id.is_null() if here is None else ApprovalRequest.tenant_id == here
    )
    rows = await ApprovalRequest.select().where(where).order_by(ApprovalRequest.id, ascending=False)
    return [{**r, "asked": json_column(r["payload"], dict)} for r in rows]


class DownloadPages(Controller):
    path = "/library/downloads"
    include_in_schema = False
    guards = [requires("library", "download")]  # noqa: RUF012

    @get("/")
    async def page(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await _page(request, site)

    @post("/", status_code=303)
    async def ask(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[DownloadForm, Form],
    ) -> Redirect | Template:
        locale = locale_of(request)
        try:
            wanted = msgspec.convert(
                {
                    "dataset": data.dataset,
                    "format": data.format,
                    "purpose": data.purpose.strip(),
                    "secret_fields": data.secrets,
                },
                DownloadRequest,
            )
            await downloads.request_download(
                request.app.state.authorizer, signed_in(request), site, wanted, context_of(request)
            )
        except msgspec.ValidationError as exc:
            if "purpose" in str(exc) and data.purpose.strip():
                error = translate("download.purpose_short", locale)
            else:
                error = invalid_input(exc, FIELDS, locale)
            return await _page(request, site, error, data)
        except DomainError as exc:
            return await _page(request, site, in_locale(exc.message, locale), data)
        return flash(
            Redirect(f"{site.root_path}/library/downloads/", status_code=303), "flash.submitted"
        )


async def _page(
    request: Request[Any, Any, Any],
    site: Site,
    error: str | None = None,
    posted: DownloadForm | None = None,
) -> Template:
    return Template(
        "library/downloads.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "datasets": offered(site),
            "formats": list(ExportFormat),
            "titles": {d.name: d.title for d in DATASETS.values()},
            "requests": await own_requests(signed_in(request).account_id, site),
            "posted": posted or DownloadForm(),
            "error": error,
        },
    )


async def _waiting_decisions(limit: int = 500) -> list[dict[str, Any]]:
    rows = (
        await ApprovalRequest.select()
        .where(
            (ApprovalRequest.type == DOWNLOAD_TYPE)
            & (ApprovalRequest.state == ApprovalState.submitted.value)
        )
        .order_by(ApprovalRequest.id)
        .limit(limit)
    )
    people = {
        a["id"]: a["display_name"]
        for a in await Account.select(Account.id, Account.display_name).where(
            Account.id.is_in([r["submitter"] for r in rows] or [0])
        )
    }
    tenants = await tenant_names()
    return [
        {
            **r,
            "asked": json_column(r["payload"], dict),
            "requester": people.get(r["submitter"], ""),
            "site_name": tenants.get(r["tenant_id"] or 0, ""),
        }
        for r in rows
    ]


class DownloadReviewPages(Controller):
    path = "/admin/downloads"
    include_in_schema = False
    guards = [main_portal_only, requires(*DECIDE)]  # noqa: RUF012

    @get("/")
    async def queue(self, site: NamedDependency[Site]) -> Template:
        return await _queue(site)

    @post("/{request_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
        data: Annotated[DownloadDecisionForm, Form],
    ) -> Redirect | Template:
        kind = await ApprovalRequest.select(ApprovalRequest.type).where(
            ApprovalRequest.id == request_id
        )
        if kind != [{"type": DOWNLOAD_TYPE}]:
            raise NotFound("下载申请不存在 / no such download request")
        if error := await approve_or_reject(request, request_id, data.decision, data.note):
            return await _queue(site, error)
        return flash(Redirect("/admin/downloads/", status_code=303), "flash.decided")


async def _queue(site: Site, error: str | None = None) -> Template:
    return Template(
        "admin/downloads.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "rows": await _waiting_decisions(),
            "titles": {d.name: d.title for d in DATASETS.values()},
            "columns": {(d.name, c.name): c.title for d in DATASETS.values() for c in d.columns},
            "error": error,
        },
    )


def _title(dataset: str, locale: str) -> str:
    known = DATASETS.get(dataset)
    return in_locale(known.title, locale) if known else dataset


async def _to_decide(ctx: WorkbenchContext) -> list[WorkItem]:
    return [
        WorkItem(
            text=f"{r['requester']}：{_title(r['asked'].get('dataset', ''), ctx.locale)}",
            href="/admin/downloads/",
            note=r["site_name"] or translate("library.main_portal", ctx.locale),
        )
        for r in await _waiting_decisions(limit=20)
    ]


async def _ready(ctx: WorkbenchContext) -> list[WorkItem]:
    rows = await own_requests(ctx.principal.account_id, ctx.site)
    return [
        WorkItem(
            text=_title(r["asked"].get("dataset", ""), ctx.locale),
            href="/library/downloads/",
            note=translate(f"label.approval_state.{r['state']}", ctx.locale),
        )
        for r in rows[:20]
    ]


register_nav(NavEntry("nav.downloads", "/library/downloads", "library", "download", "any", 46))
register_nav(NavEntry("nav.download_review", "/admin/downloads", *DECIDE, "hq", 41))
register_section(
    Section("workbench.download_review", *DECIDE, _to_decide, link="/admin/downloads/", where="hq")
)
register_section(
    Section(
        "workbench.downloads",
        "library",
        "download",
        _ready,
        link="/library/downloads/",
        order=120,
    )
)
