"""Head office's review queue of the shared library (主体库审核): registrations, claims of
imported entries and key-field changes, decided through the one approval mechanism."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.approvals import service as approvals
from core.approvals.pages import approve_or_reject
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.authz.guards import main_portal_only, requires
from core.data.columns import json_column
from core.errors import NotFound
from core.flash import flash
from core.forms import Form
from core.libraries.subjects import search
from core.libraries.subjects.registration import REVIEW_TYPE
from core.libraries.subjects.tables import Qualification, Subject
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.storage import ObjectKey
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from themes.i18n import translate

DECIDE = ("approval:subject_registration", "decide")
QUEUE_LIMIT = 500


class LibraryDecisionForm(msgspec.Struct):
    decision: str = ""
    note: str = ""


async def _open_reviews(limit: int = QUEUE_LIMIT) -> list[dict[str, Any]]:
    """The submitted reviews, oldest first, each with its subject's name and kind."""
    rows = (
        await ApprovalRequest.select(
            ApprovalRequest.id,
            ApprovalRequest.subject,
            ApprovalRequest.payload,
            ApprovalRequest.created_at,
        )
        .where(
            (ApprovalRequest.type == REVIEW_TYPE)
            & (ApprovalRequest.state == ApprovalState.submitted.value)
        )
        .order_by(ApprovalRequest.id)
        .limit(limit)
    )
    ids = [int(r["subject"].split(":", 1)[1]) for r in rows]
    subjects = {
        s["id"]: s
        for s in await Subject.select(
            Subject.id, Subject.name, Subject.kind, Subject.origin_tenant
        ).where(Subject.id.is_in(ids or [0]))
    }
    tenants = await tenant_names()
    reviews = []
    for row, subject_id in zip(rows, ids, strict=True):
        subject = subjects.get(subject_id)
        if subject is None:
            continue
        payload = json_column(row["payload"], dict)
        reviews.append(
            {
                "id": row["id"],
                "name": subject["name"],
                "kind": subject["kind"],
                "action": payload.get("action", "register"),
                "origin": tenants.get(subject["origin_tenant"] or 0, ""),
                "created_at": row["created_at"],
            }
        )
    return reviews


class LibraryReviewPages(Controller):
    path = "/admin/library"
    include_in_schema = False
    guards = [main_portal_only, requires(*DECIDE)]  # noqa: RUF012

    @get("/")
    async def queue(self, site: NamedDependency[Site]) -> Template:
        return Template(
            "admin/library_queue.html", context={"site": site, "reviews": await _open_reviews()}
        )

    @get("/{request_id:int}")
    async def review(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], request_id: PathId
    ) -> Template:
        return await _review_page(request, site, request_id, error=None)

    @post("/{request_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
        data: Annotated[LibraryDecisionForm, Form],
    ) -> Redirect | Template:
        if error := await approve_or_reject(request, request_id, data.decision, data.note):
            return await _review_page(request, site, request_id, error=error)
        return flash(Redirect("/admin/library/", status_code=303), "flash.decided")


async def _review_page(
    request: Request[Any, Any, Any], site: Site, request_id: int, error: str | None
) -> Template:
    row = (
        await ApprovalRequest.select()
        .where((ApprovalRequest.id == request_id) & (ApprovalRequest.type == REVIEW_TYPE))
        .first()
    )
    if row is None:
        raise NotFound("审核事项不存在 / no such review")
    subject_id = int(row["subject"].split(":", 1)[1])
    subject = await search.view(subject_id)
    pending = await Subject.select(Subject.pending_change).where(Subject.id == subject_id).first()
    payload = json_column(row["payload"], dict)
    documents = await documents_of(request, subject_id)
    return Template(
        "admin/library_review.html",
        status_code=400 if error else 200,
        context={
            "site": site,
            "row": row,
            "subject": subject,
            "action": payload.get("action", "register"),
            "change": payload.get("change") or json_column(pending["pending_change"], dict),
            "claim": payload.get("profile") or {},
            "documents": documents,
            "history": await approvals.history(request_id),
            "error": error,
        },
    )


async def documents_of(request: Request[Any, Any, Any], subject_id: int) -> dict[int, str]:
    """Qualification id → a short-lived link to its document."""
    storage = request.app.state.object_storage
    rows = await Qualification.select(Qualification.id, Qualification.object_key).where(
        (Qualification.subject == subject_id) & Qualification.object_key.is_not_null()
    )
    return {
        r["id"]: await storage.presigned_url(ObjectKey(r["object_key"]), expires_in=600)
        for r in rows
    }


async def _waiting(ctx: WorkbenchContext) -> list[WorkItem]:
    return [
        WorkItem(
            text=f"{r['name']}（{translate('label.review_action.' + r['action'], ctx.locale)}）",
            href=f"/admin/library/{r['id']}",
            note=translate("label.subject_kind." + r["kind"], ctx.locale),
        )
        for r in await _open_reviews(limit=20)
    ]


register_nav(NavEntry("nav.library_review", "/admin/library", *DECIDE, "hq", 40))
register_section(
    Section("workbench.library_review", *DECIDE, _waiting, link="/admin/library/", where="hq")
)
