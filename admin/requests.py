"""Head office's review of tenants' change requests and plugin requests (个性化需求、插件申请).

The same approval mechanism as applications; this page shows exactly what is asked for: the
customisation as the theme would apply it, or the plugin and its settings.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from admin.routes import DecisionForm
from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.authz.guards import main_portal_only, requires, signed_in
from core.data.columns import json_column
from core.errors import DomainError, NotFound
from core.flash import flash
from core.forms import Form
from core.identity.routes import context_of
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from plugins.registry import CATALOGUE
from plugins.service import PLUGIN_TYPE
from tenants.branding import CHANGE_REQUEST_TYPE
from themes.i18n import MESSAGES, locale_of, translate

TYPES = [CHANGE_REQUEST_TYPE, PLUGIN_TYPE]


def setting_rows(prefix: str, settings: object) -> list[tuple[str, object]]:
    """A plugin's requested settings for the review page, each under its words in the
    catalogue (``review.setting.<plugin>.<field>``, nested fields below their parent's key):
    (message key, text or list of items) pairs, an item being a text or rows of its own. A key
    without words is left out rather than shown as the plugin's field name."""
    rows: list[tuple[str, object]] = []
    for key, value in settings.items() if isinstance(settings, dict) else ():
        label = f"{prefix}.{key}"
        if label not in MESSAGES:
            continue
        if isinstance(value, dict):
            rows.append((label, [setting_rows(label, value)]))
        elif isinstance(value, list | tuple):
            items = [setting_rows(label, v) if isinstance(v, dict) else _text(v) for v in value]
            rows.append((label, items))
        else:
            rows.append((label, _text(value)))
    return rows


def _text(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


class RequestPages(Controller):
    path = "/admin/requests"
    include_in_schema = False
    guards = [main_portal_only, requires("approval", "read")]  # noqa: RUF012

    @get("/")
    async def queue(self, site: NamedDependency[Site]) -> Template:
        rows = (
            await ApprovalRequest.select()
            .where(
                ApprovalRequest.type.is_in(TYPES)
                & (ApprovalRequest.state == ApprovalState.submitted.value)
            )
            .order_by(ApprovalRequest.id)
            .limit(500)
        )
        return Template(
            "admin/requests.html",
            context={"site": site, "rows": rows, "tenants": await tenant_names()},
        )

    async def _detail(self, site: Site, request_id: int, error: str | None = None) -> Template:
        row = (
            await ApprovalRequest.select()
            .where((ApprovalRequest.id == request_id) & ApprovalRequest.type.is_in(TYPES))
            .first()
        )
        if row is None:
            raise NotFound("申请不存在 / no such request")
        payload = json_column(row["payload"], dict)
        plugin = payload.get("plugin")
        return Template(
            "admin/request.html",
            status_code=400 if error else 200,
            context={
                "site": site,
                "row": row,
                "payload": payload,
                "settings": setting_rows(f"review.setting.{plugin}", payload.get("settings")),
                "tenant": (await tenant_names()).get(row["tenant_id"], ""),
                "history": await approvals.history(request_id),
                "catalogue": CATALOGUE,
                "error": error,
            },
        )

    @get("/{request_id:int}")
    async def detail(self, site: NamedDependency[Site], request_id: PathId) -> Template:
        return await self._detail(site, request_id)

    @post("/{request_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        request_id: PathId,
        data: Annotated[DecisionForm, Form],
    ) -> Redirect | Template:
        try:
            await approvals.decide(
                request.app.state.authorizer,
                signed_in(request),
                request_id,
                approvals.Decision(data.decision),
                note=data.note,
                context=context_of(request),
            )
        except (DomainError, ValueError) as exc:
            message = (
                exc.message
                if isinstance(exc, DomainError)
                else translate("review.choose", locale_of(request))
            )
            return await self._detail(site, request_id, error=message)
        return flash(Redirect(f"/admin/requests/{request_id}", status_code=303), "flash.decided")


register_nav(NavEntry("nav.admin.requests", "/admin/requests", "approval", "read", "hq", 20))


async def _requests_waiting(ctx: WorkbenchContext) -> list[WorkItem]:
    rows = (
        await ApprovalRequest.select(
            ApprovalRequest.id, ApprovalRequest.type, ApprovalRequest.tenant_id
        )
        .where(
            ApprovalRequest.type.is_in(TYPES)
            & (ApprovalRequest.state == ApprovalState.submitted.value)
        )
        .order_by(ApprovalRequest.id)
        .limit(20)
    )
    names = await tenant_names()
    return [
        WorkItem(
            text=names.get(r["tenant_id"], ""),
            href=f"/admin/requests/{r['id']}",
            note=translate("label.approval_type." + r["type"], ctx.locale),
        )
        for r in rows
    ]


register_section(
    Section(
        "workbench.requests",
        "approval:change_request",
        "decide",
        _requests_waiting,
        link="/admin/requests/",
        where="hq",
        order=20,
    )
)
