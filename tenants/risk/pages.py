"""Risk warnings as pages (风险预警), in the head-office console: the queue at ``/admin/risk``
(filtered by state, rule and severity), one warning with its evidence in words and the
confirm / dismiss form, and the rules with their confirmation and false-positive rates. Head
office reads every tenant's warnings, a regulator those of its regions (read only)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from core.authz.authorizer import Authorizer
from core.authz.guards import main_portal_only, requires_active, signed_in
from core.authz.model import HQ, tenant_domain
from core.authz.policies import Forbidden
from core.errors import DomainError
from core.flash import flash
from core.forms import Form
from core.identity.principal import Principal
from core.identity.routes import context_of
from core.libraries.subjects import credit
from core.navigation import NavEntry, register_nav
from core.openapi import PathId
from core.tenancy.site import Site
from core.workbench import Section, WorkbenchContext, WorkItem, register_section
from tenants.risk import service
from tenants.risk.rules import BidderRef, Evidence, Severity
from tenants.risk.tables import WarningState
from themes.i18n import locale_of, translate

HOME = "/admin/risk/"
UNKNOWN_FILTER = "请从列表中选择筛选条件 / choose the filter from the lists"
UNKNOWN_DECISION = "请选择“确认属实”或“排除” / choose confirm or dismiss"


class DecisionForm(msgspec.Struct):
    decision: str = ""  # confirm | dismiss
    reason: str = ""


def decision_of(text: str) -> bool:
    """``confirm`` → True, ``dismiss`` → False; anything else is refused in words."""
    if text not in ("confirm", "dismiss"):
        raise DomainError(UNKNOWN_DECISION, detail={"field": "decision"})
    return text == "confirm"


def filters_of(
    state: str, rule: str, severity: str
) -> tuple[WarningState | None, str | None, Severity | None]:
    """The queue's filters as the form or the query sends them; "" is every one."""
    if (
        (state and state not in WarningState.__members__)
        or (rule and rule not in service.CATALOGUE)
        or (severity and severity not in Severity.__members__)
    ):
        raise DomainError(UNKNOWN_FILTER)
    return (
        WarningState(state) if state else None,
        rule or None,
        Severity(severity) if severity else None,
    )


def evidence_words(rule: str, found: Evidence, locale: str) -> str:
    """One item of evidence as a sentence: what is shared, never a bare code."""
    if rule == "same_machine":
        # a 32-hex value is the platform's device cookie, anything else a tool's 机器码
        device = len(found.value) == 32 and all(c in "0123456789abcdef" for c in found.value)
        key = "risk.evidence.device" if device else "risk.evidence.machine_code"
    elif rule == "same_contact":
        key = "risk.evidence.email" if "@" in found.value else "risk.evidence.phone"
    elif rule == "same_document_origin":  # "id:…" or "author:…" (tenants.risk.rules)
        kind, _, value = found.value.partition(":")
        return translate(f"risk.evidence.document_{kind}", locale, value=value)
    else:
        key = f"risk.evidence.{rule}"
    return translate(key, locale, value=found.value)


async def _may_decide(authorizer: Authorizer, principal: Principal, tenant_id: int) -> bool:
    sub = principal.casbin_subject
    return await authorizer.allowed(sub, HQ, "risk", "decide") or await authorizer.allowed(
        sub, tenant_domain(tenant_id), "risk", "decide"
    )


class RiskPages(Controller):
    path = "/admin/risk"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        wanted_state: Annotated[str, QueryParameter(name="state")] = "",
        rule: FromQuery[str] = "",
        severity: FromQuery[str] = "",
    ) -> Template:
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        error = None
        try:
            wanted = filters_of(wanted_state, rule, severity)
            found = await service.warnings(
                authorizer, principal, state=wanted[0], rule=wanted[1], severity=wanted[2]
            )
        except Forbidden:
            raise
        except DomainError as exc:
            found, error = [], exc.message
        return Template(
            "admin/risk_warnings.html",
            status_code=400 if error else 200,
            context={
                "site": site,
                "warnings": found,
                "form": {"state": wanted_state, "rule": rule, "severity": severity},
                "states": list(WarningState),
                "rules": list(service.CATALOGUE.values()),
                "severities": list(Severity),
                "error": error,
            },
        )

    @get("/rules")
    async def rules(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        found = await service.rates(request.app.state.authorizer, signed_in(request))
        return Template("admin/risk_rules.html", context={"site": site, "rates": found})

    @get("/{warning_id:int}")
    async def detail(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], warning_id: PathId
    ) -> Template:
        return await _detail_page(request, site, warning_id)

    @post("/{warning_id:int}/decision", status_code=303)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        warning_id: PathId,
        data: Annotated[DecisionForm, Form],
    ) -> Redirect | Template:
        try:
            await service.decide(
                request.app.state.authorizer,
                signed_in(request),
                warning_id,
                decision_of(data.decision),
                data.reason,
                context_of(request),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            return await _detail_page(request, site, warning_id, exc, data)
        return flash(Redirect(f"{HOME}{warning_id}", status_code=303), "flash.decided")

    @post("/{warning_id:int}/recheck", status_code=303)
    async def recheck(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], warning_id: PathId
    ) -> Redirect | Template:
        authorizer, principal = request.app.state.authorizer, signed_in(request)
        try:
            await service.recheck_of(authorizer, principal, warning_id, context_of(request))
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            return await _detail_page(request, site, warning_id, exc)
        return flash(Redirect(f"{HOME}{warning_id}", status_code=303), "flash.risk_rechecked")


async def _detail_page(
    request: Request[Any, Any, Any],
    site: Site,
    warning_id: int,
    error: DomainError | None = None,
    posted: DecisionForm | None = None,
) -> Template:
    authorizer, principal = request.app.state.authorizer, signed_in(request)
    seen = await service.warning(authorizer, principal, warning_id)
    locale = locale_of(request)
    allowed = authorizer.allowed
    bidders: dict[int, BidderRef] = {}
    for found in seen.evidence:
        bidders.update({b.subject: b for b in found.bidders if b.subject not in bidders})
    return Template(
        "admin/risk_warning.html",
        status_code=error.status_code if error else 200,
        context={
            "site": site,
            "w": seen,
            "evidence": [(evidence_words(seen.rule, e, locale), e.bidders) for e in seen.evidence],
            # a tenant rule's projects, in the regulator's list of the tenant's projects
            "may_open_projects": await authorizer.allowed(
                principal.casbin_subject, tenant_domain(seen.tenant_id), "archive", "read"
            ),
            "may_decide": await _may_decide(authorizer, principal, seen.tenant_id),
            # the bidders' library entries, where the library's managers enter credit records
            "may_open_library": await allowed(principal.casbin_subject, HQ, "library", "read"),
            # a confirmed warning feeds the credit records its managers enter on the bidders
            "may_enter_credit": seen.state is WarningState.confirmed
            and await allowed(principal.casbin_subject, HQ, "library", "manage"),
            "bidders": list(bidders.values()),
            "credit_records": await credit.records_from_warning(warning_id),
            "posted": posted or DecisionForm(),
            "error": error.message if error else None,
        },
    )


async def _may_read(authorizer: Authorizer, principal: Principal, _: Site) -> bool:
    """The entries show for whoever reads some tenant's warnings (head office, regulators)."""
    try:
        await service.reach(authorizer, principal)
    except Forbidden:
        return False
    return True


async def _open_warnings(ctx: WorkbenchContext) -> list[WorkItem]:
    found = await service.warnings(ctx.authorizer, ctx.principal, state=WarningState.open)
    return [
        WorkItem(
            text=f"{w.rule_name}：{w.project_title or w.tenant_name}",
            href=f"{HOME}{w.id}",
            note=f"{w.tenant_name} · "
            + translate(
                "risk.severity_is",
                ctx.locale,
                level=translate(f"label.risk_severity.{w.severity}", ctx.locale),
            ),
        )
        for w in found
    ]


register_nav(NavEntry("nav.admin.risk", "/admin/risk/", "risk", "read", "hq", 36, _may_read))
register_nav(
    NavEntry("nav.admin.risk_rules", "/admin/risk/rules", "risk", "read", "hq", 37, _may_read)
)
register_section(
    Section(
        "workbench.risk_open",
        "risk",
        "read",
        _open_warnings,
        link=f"{HOME}?state=open",
        where="hq",
        order=36,
        check=_may_read,
    )
)
