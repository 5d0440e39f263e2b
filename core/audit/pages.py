"""The audit administrator's pages (审计管理员): browse and filter the chain, verify it, export
what the filter shows. The export is itself an entry of the chain."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from core.audit.chain import record, verify
from core.audit.labels import WORDS, action_label, object_label, outcome_label
from core.audit.reading import (
    PAGE_SIZE,
    AuditFilter,
    export_csv,
    page,
    tenant_label,
)
from core.authz.guards import main_portal_only, requires, signed_in
from core.data.engine import write_transaction
from core.errors import DomainError
from core.forms import Form
from core.identity.routes import context_of
from core.navigation import NavEntry, may_open, register_nav
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from themes.i18n import BEIJING, in_locale, local, locale_of

# The areas an auditor filters by: the leading word of an action.
AREAS = (
    "auth", "account", "role", "approval", "application", "tenant", "announcement",
    "participation", "branding", "library", "calendar", "audit", "ops_access",
)  # fmt: skip
OUTCOMES = ("success", "failure", "denied")
BAD_FILTER = "筛选条件不正确，请从列表中选择或按“年-月-日”填写日期 / unknown filter"


class FilterForm(msgspec.Struct):
    """The filter as the page's form sends it (query string, or the export's form body)."""

    actor: str = ""
    tenant: str = ""  # "", "hq" or a tenant id
    area: str = ""
    outcome: str = ""
    since: str = ""
    until: str = ""

    def checked(self) -> AuditFilter:
        def day(text: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise DomainError(BAD_FILTER, detail={"field": "date"}) from None

        if (
            (self.area and self.area not in AREAS)
            or (self.outcome and self.outcome not in OUTCOMES)
            or (self.tenant not in ("", "hq") and not re.fullmatch(r"[0-9]{1,9}", self.tenant))
        ):
            raise DomainError(BAD_FILTER)
        return AuditFilter(
            actor=self.actor.strip()[:100],
            tenant_id=int(self.tenant) if self.tenant.isdigit() else None,
            head_office=self.tenant == "hq",
            action=self.area,
            outcome=self.outcome,
            since=day(self.since),
            until=day(self.until),
        )


class AuditPages(Controller):
    path = "/admin/audit"
    include_in_schema = False
    guards = [main_portal_only, requires("audit", "read")]  # noqa: RUF012

    @get("/")
    async def browse(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        actor: FromQuery[str] = "",
        # not "tenant": that name is the dependency of the sub-site's tenant
        tenant_wanted: Annotated[str, QueryParameter(name="tenant")] = "",
        area: FromQuery[str] = "",
        outcome: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
        before: FromQuery[int | None] = None,
    ) -> Template:
        form = FilterForm(actor, tenant_wanted, area, outcome, since, until)
        locale = locale_of(request)
        entries = await page(form.checked(), before)
        names = await tenant_names()
        return Template(
            "admin/audit.html",
            context={
                "site": site,
                "form": form,
                "areas": [(a, WORDS[a][1 if locale == "en" else 0]) for a in AREAS],
                "outcomes": [(o, outcome_label(o, locale)) for o in OUTCOMES],
                "tenants": sorted(names.items(), key=lambda item: item[1]),
                "entries": [
                    {
                        **e,
                        "tenant": tenant_label(e["tenant_id"], names, locale),
                        "action_label": action_label(e["action"], locale),
                        "outcome_label": outcome_label(e["outcome"], locale),
                        "object_label": object_label(e["object"], locale),
                    }
                    for e in entries
                ],
                "older": entries[-1]["seq"] if len(entries) == PAGE_SIZE else None,
                "verification": None,
                "may_verify": await may_open(
                    request.app.state.authorizer, signed_in(request), site, "audit", "verify"
                ),
            },
        )

    @get("/verification", guards=[requires("audit", "verify")])
    async def verification(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Template:
        """The whole chain walked (校验); the result in the reader's words."""
        result = await verify()
        problem = in_locale(result.problem, locale_of(request)) if result.problem else ""
        return Template(
            "admin/audit_verification.html",
            context={"site": site, "result": result, "problem": problem},
        )

    @post("/export", status_code=200)
    async def export(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[FilterForm, Form],
    ) -> Response[bytes]:
        wanted = data.checked()
        locale = locale_of(request)
        content = await export_csv(wanted, locale)
        async with write_transaction():
            await record(
                actor=signed_in(request).actor,
                action="audit.export",
                object=f"audit:{msgspec.json.encode(wanted).decode()}"[:200],
                context=context_of(request),
            )
        stamp = dt.datetime.now(BEIJING).strftime("%Y%m%d%H%M%S")  # as the cells are
        return Response(
            content,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
                "Cache-Control": "no-store",
            },
        )


register_nav(NavEntry("nav.admin.audit", "/admin/audit/", "audit", "read", "hq", 60))


async def _latest(ctx: WorkbenchContext) -> list[WorkItem]:
    """Refusals and failures first (what an auditor looks at first), then the newest entries."""
    notable = await page(AuditFilter(outcome="denied")) + await page(AuditFilter(outcome="failure"))
    notable.sort(key=lambda r: r["seq"], reverse=True)
    seen = {r["seq"] for r in notable}
    rows = notable[:10] + [r for r in await page(AuditFilter()) if r["seq"] not in seen]
    return [
        WorkItem(
            text=f"{action_label(r['action'], ctx.locale)}"
            f"（{outcome_label(r['outcome'], ctx.locale)}）",
            href=f"/admin/audit/?outcome={r['outcome']}",
            note=f"{r['actor']} · {local(r['at'])}",
        )
        for r in rows[:10]
    ]


register_section(
    Section(
        key="workbench.audit",
        obj="audit",
        act="read",
        load=_latest,
        link="/admin/audit/",
        where="hq",
        order=60,
    )
)
