"""A confirmed warning feeds a credit record (风险预警 → 信用记录): what the library's form is
filled with when a manager enters the authority's decision on one of the warning's bidders.

Only a confirmed warning feeds one, and only about a bidder its evidence names. The summary
names the project, the section, the rule and the bidders that share each finding, but not
the shared values themselves (phones, e-mail addresses, bank accounts, device ids): penalties
and blacklists are published on the main portal (信用公示); the values stay on the warning's
page, which the record links to."""

from __future__ import annotations

from core.authz.authorizer import Authorizer
from core.authz.policies import Forbidden
from core.errors import Conflict, DomainError, NotFound
from core.identity.principal import Principal
from core.libraries.subjects import credit
from core.libraries.subjects.credit import WarningFeed
from tenants.risk import service
from tenants.risk.tables import WarningState

SOURCE_MAX, BASIS_MAX, SUMMARY_MAX = 100, 300, 2000  # credit.CreditForm's limits


async def feed(warning_id: int, subject_id: int) -> WarningFeed:
    seen = await service.stored(warning_id)
    if seen is None:
        raise NotFound(service.NO_WARNING)
    if seen.state is not WarningState.confirmed:
        raise Conflict(
            f"风险预警 #{warning_id} 尚未确认属实，不能据此录入信用记录 / warning #{warning_id} "
            "is not confirmed, so no credit record may be entered from it",
            detail={"field": "warning", "state": seen.state.value},
        )
    groups = [e.bidders for e in seen.evidence if subject_id in {b.subject for b in e.bidders}]
    if not groups:
        raise DomainError(
            f"该主体不是风险预警 #{warning_id} 涉及的投标人 / the subject is not among the "
            f"bidders of warning #{warning_id}",
            detail={"field": "warning"},
        )
    code = f"（项目编号 {seen.project_code}）" if seen.project_code else ""
    bidders = "；".join("、".join(b.bidder for b in group) for group in groups)
    summary = (
        f"经风险预警 #{warning_id} 核实确认属实：{seen.tenant_name}“{seen.project_title}”"
        f"{code}第 {seen.lot_number} 标段，{seen.rule_name}。涉及投标人：{bidders}。"
    )
    return WarningFeed(
        source=f"风险预警 #{warning_id}"[:SOURCE_MAX],
        legal_basis=seen.legal_basis[:BASIS_MAX],
        summary=summary[:SUMMARY_MAX],
    )


async def readable(authorizer: Authorizer, principal: Principal, warning_id: int) -> bool:
    """Whether the warning's page opens for the principal (a record links to it if so)."""
    try:
        await service.warning(authorizer, principal, warning_id)
    except (Forbidden, NotFound):
        return False
    return True


credit.register_warning_feed(feed, readable)
