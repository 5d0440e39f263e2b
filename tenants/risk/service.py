"""Run the rules on a project's opened sections, keep one warning per (rule, project, section),
and let a head-office person confirm or dismiss each (风险预警处置). The tenant rules'
warnings (tenants.risk.tenant_checks: a sub-platform's own conduct) share the queue, the
decision and the rates.

Why the decision is not an approval request (core.approvals): a request there is a person's
ask that another person decides, with a submitter who is told the outcome and who may not
decide it. A warning is nobody's ask — the machine raises it at the opening, the opener did
not ask for it and must not be told of it (the bidders may be his acquaintances). The
decision is a reviewer's verdict on a finding, so it is kept on the warning itself: the same
guarantees as an approval (Casbin ``risk:decide`` before, one decision only under the row's
lock, an audit entry in the same transaction, a reason always written).

Who: ``risk:read`` in head office's domain reads every tenant's warnings; a regulator or
supervisor granted a region reads that region's tenants' (``risk:read`` in their domains);
``risk:decide`` (hq_supervisor, hq_admin) confirms or dismisses. Everyone else is answered
"not found" for a warning, as for one that does not exist.

Confirmed collusion and the supplier library: the library's credit records (信用记录) are an
authority's decisions entered by its managers with their authority and legal basis; a
platform reviewer's confirmation is not such a decision, so it is never written there by
itself. The confirmed warning names the bidders' library entries (``subject``) for the
managers and the regulator who takes it further, and a manager may enter the authority's
decision from it (:mod:`tenants.risk.credit_feed`): the record keeps the warning's id.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count

from core.audit.chain import Actor, RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import Forbidden
from core.crypto import DecryptionError
from core.data.columns import json_column
from core.data.engine import get_engine, write_transaction
from core.data.errors import is_unique_violation
from core.errors import Conflict, DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account
from core.libraries.subjects.tables import Subject
from core.tenancy.tables import Tenant
from tenants.projects.sealing import binding, open_features
from tenants.projects.tables import Bid, BidState, Lot, Opening, OpeningEntry, Project
from tenants.risk.documents import NO_FEATURES, DocumentFeatures
from tenants.risk.rules import RULES, BidderRef, Evidence, Rule, SectionBid, Severity
from tenants.risk.tables import BidEvidence, RiskWarning, WarningState
from tenants.risk.tenant_checks import check_tenant
from tenants.risk.tenant_rules import TENANT_RULES, Fact, TenantRule
from tenants.supervision import tenant_reach

NO_WARNING = "风险预警不存在 / no such warning"
NO_REASON = "请写明处理理由 / state the reason for the decision"
REASON_MAX = 2000
READ = ("risk", "read")
log = logging.getLogger(__name__)
NOT_READER = "无权查看风险预警 / you may not read the warnings"
# Every rule a warning may come from: a section's collusion rules and a tenant's conduct's.
CATALOGUE: dict[str, Rule | TenantRule] = {**RULES, **TENANT_RULES}


class WarningView(msgspec.Struct):
    id: int
    tenant_id: int
    tenant_name: str
    project_id: int | None  # None: about the tenant's conduct over a period
    project_code: str
    project_title: str
    lot_number: int  # 0: about no one section (a tenant rule's warning)
    rule: str
    rule_name: str
    legal_basis: str
    severity: str
    evidence: list[Evidence]  # a collusion rule's: the shared values and their bidders
    facts: list[Fact]  # a tenant rule's: the facts in words and their projects
    state: WarningState
    raised_at: dt.datetime
    checked_at: dt.datetime
    decided_by: str  # the decider's name, "" while open
    decided_at: dt.datetime | None
    reason: str


class RuleRate(msgspec.Struct):
    """一条规则的处置情况: how often a person found its warnings true, or false positives."""

    rule: str
    name: str
    legal_basis: str
    severity: str
    raised: int
    confirmed: int
    dismissed: int
    open: int
    confirmation_rate: float | None  # of the decided ones; None while none is decided
    false_positive_rate: float | None


# A bid whose library entry is not found (Bid.subject is a plain integer) compares nothing.
_NO_SUBJECT: dict[str, str] = dict.fromkeys(
    (
        "name",
        "legal_representative",
        "credit_code",
        "controlling_shareholder",
        "controlling_shareholder_code",
    ),
    "",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _document(tenant_id: int, bid: dict[str, Any]) -> DocumentFeatures:
    """The bid's sealed file features, unsealed; none for a bid submitted before they were
    taken, or whose sealed value does not open."""
    if not bid["sealed_features"]:
        return NO_FEATURES
    bound = binding(tenant_id, bid["lot"], bid["subject"], bid["ref"])
    try:
        return msgspec.msgpack.decode(
            open_features(bound, bid["sealed_features"]), type=DocumentFeatures
        )
    except (DecryptionError, msgspec.DecodeError):
        log.warning("bid %s: its sealed features do not open", bid["id"])
        return NO_FEATURES


async def _section_bids(tenant_id: int, lot_id: int) -> list[SectionBid]:
    """The section's current bids with their submission evidence, and for those the opening
    decrypted, their prices and file features."""
    bids = await Bid.select(
        Bid.id, Bid.lot, Bid.subject, Bid.ref, Bid.digest, Bid.sealed_features
    ).where((Bid.lot == lot_id) & (Bid.tenant == tenant_id) & (Bid.state == BidState.current.value))
    if not bids:
        return []
    ids = [b["id"] for b in bids]
    evidence = {
        e["bid"]: e
        for e in await BidEvidence.select().where(
            BidEvidence.bid.is_in(ids) & (BidEvidence.tenant == tenant_id)
        )
    }
    prices = {
        e["bid"]: e["price_fen"]
        for e in await OpeningEntry.select(OpeningEntry.bid, OpeningEntry.price_fen).where(
            OpeningEntry.bid.is_in(ids)
            & (OpeningEntry.tenant == tenant_id)
            & (OpeningEntry.decrypted == True)  # noqa: E712
        )
    }
    subjects = {
        s["id"]: s
        for s in await Subject.select(
            Subject.id,
            Subject.name,
            Subject.legal_representative,
            Subject.credit_code,
            Subject.controlling_shareholder,
            Subject.controlling_shareholder_code,
        ).where(Subject.id.is_in([b["subject"] for b in bids]))
    }
    found = []
    for bid in bids:
        subject = subjects.get(bid["subject"], _NO_SUBJECT)
        seen = evidence.get(bid["id"], {})
        found.append(
            SectionBid(
                bidder=BidderRef(bid["id"], bid["subject"], subject["name"]),
                digest=bid["digest"],
                price_fen=prices.get(bid["id"]),
                client_ip=seen.get("client_ip", ""),
                device_id=seen.get("device_id", ""),
                machine_code=seen.get("machine_code", ""),
                contact_phone=seen.get("contact_phone", ""),
                contact_email=seen.get("contact_email", ""),
                deposit_account=seen.get("deposit_account", ""),
                legal_representative="".join(subject["legal_representative"].split()),
                credit_code=subject["credit_code"],
                controlling_shareholder=subject["controlling_shareholder"],
                controlling_shareholder_code=subject["controlling_shareholder_code"],
                # unsealed only once the opening has decrypted the bid: a failed section's
                # bids are never read
                document=_document(tenant_id, bid) if bid["id"] in prices else NO_FEATURES,
            )
        )
    return found


async def check_section(
    tenant_id: int,
    project_id: int,
    lot: dict[str, Any],
    actor: Actor,
    context: RequestContext | None = None,
) -> list[int]:
    """Run every rule on an opened section (in the caller's transaction); the ids of the
    warnings raised now. A warning raised before is updated with the evidence of this run
    and keeps its state and decision, so running the checks again adds nothing."""
    bids = await _section_bids(tenant_id, lot["id"])
    raised = []
    now = _now()
    for rule in RULES.values():
        evidence = rule.check(bids)
        if not evidence:
            continue
        key = f"{rule.id}:{project_id}:{lot['number']}"
        payload = msgspec.to_builtins(evidence)
        updated = (
            await RiskWarning.update({RiskWarning.evidence: payload, RiskWarning.checked_at: now})
            .where(RiskWarning.key == key)
            .returning(RiskWarning.id)
        )
        if updated:
            continue
        rows = await RiskWarning.insert(
            RiskWarning(
                tenant=tenant_id,
                project=project_id,
                lot_number=lot["number"],
                rule=rule.id,
                key=key,
                severity=rule.severity.value,
                evidence=payload,
                raised_at=now,
                checked_at=now,
            )
        ).returning(RiskWarning.id)
        raised.append(rows[0]["id"])
        await record(
            actor=actor,
            action="risk.raise",
            object=f"project:{project_id}:lot:{lot['number']}",
            tenant_id=tenant_id,
            context=context,
        )
    return raised


async def recheck(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    project_id: int,
    context: RequestContext | None = None,
) -> list[int]:
    """重新检查: run the rules again on every opened section of the project (head office)."""
    await _may(authorizer, principal, tenant_id, "decide")
    project = await Project.select(Project.id).where(
        (Project.id == project_id) & (Project.tenant == tenant_id)
    )
    if not project:
        raise NotFound("项目不存在 / no such project")
    opened = await Opening.select(Opening.lot).where(
        (Opening.project == project_id) & (Opening.tenant == tenant_id)
    )
    lots = await Lot.select(Lot.id, Lot.number).where(
        Lot.id.is_in([o["lot"] for o in opened] or [0]) & (Lot.tenant == tenant_id)
    )
    if not lots:
        raise DomainError("本项目尚未开标，开标后方可检查 / no section is opened yet")
    for attempt in (1, 2):
        raised: list[int] = []
        try:
            async with write_transaction():
                for lot in sorted(lots, key=lambda lot: lot["number"]):
                    raised += await check_section(
                        tenant_id, project_id, lot, principal.actor, context
                    )
                await record(
                    actor=principal.actor,
                    action="risk.recheck",
                    object=f"project:{project_id}",
                    tenant_id=tenant_id,
                    context=context,
                )
        except Exception as exc:
            # a concurrent check inserted the same warning first: run again, it updates it
            if attempt == 2 or not is_unique_violation(exc):
                raise
            continue
        break
    return raised


async def recheck_of(
    authorizer: Authorizer,
    principal: Principal,
    warning_id: int,
    context: RequestContext | None = None,
) -> list[int]:
    """重新检查 the project a warning was raised on (its page's button); a tenant rule's
    warning: the tenant's conduct."""
    seen = await warning(authorizer, principal, warning_id)  # out of reach: not found
    if seen.rule in TENANT_RULES:
        return await recheck_tenant(authorizer, principal, seen.tenant_id, context)
    assert seen.project_id is not None  # a collusion warning is about a section
    return await recheck(authorizer, principal, seen.tenant_id, seen.project_id, context)


async def recheck_tenant(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    context: RequestContext | None = None,
) -> list[int]:
    """重新检查 a sub-platform's conduct by the tenant rules (head office)."""
    await _may(authorizer, principal, tenant_id, "decide")
    async with write_transaction():
        raised = await check_tenant(tenant_id, principal.actor, context)
        await record(
            actor=principal.actor,
            action="risk.recheck",
            object=f"tenant:{tenant_id}",
            tenant_id=tenant_id,
            context=context,
        )
    return raised


async def _may(authorizer: Authorizer, principal: Principal, tenant_id: int, action: str) -> None:
    """``risk:<action>`` at head office or in the tenant's domain (a region's grant)."""
    sub = principal.casbin_subject
    if await authorizer.allowed(sub, HQ, "risk", action):
        return
    if await authorizer.allowed(sub, tenant_domain(tenant_id), "risk", action):
        return
    if await authorizer.allowed(sub, HQ, "risk", "read") or await authorizer.allowed(
        sub, tenant_domain(tenant_id), "risk", "read"
    ):
        raise Forbidden("无权处理风险预警 / you may not decide warnings")
    raise NotFound(NO_WARNING)


async def reach(authorizer: Authorizer, principal: Principal) -> frozenset[int] | None:
    """The tenants whose warnings the principal reads; None for every one. A region's
    regulator whose region has no sub-platform yet reads none (each warning: not found);
    a person without ``risk:read`` anywhere is refused."""
    sub = principal.casbin_subject
    if await authorizer.allowed(sub, HQ, *READ):
        return None
    granted = await tenant_reach(authorizer, principal)  # Forbidden without any reach
    if granted is None:  # head office's tenant readers who are not its risk readers
        raise Forbidden(NOT_READER)
    mine = frozenset([t for t in granted if await authorizer.allowed(sub, tenant_domain(t), *READ)])
    if granted and not mine:
        raise Forbidden(NOT_READER)
    return mine


async def warnings(
    authorizer: Authorizer,
    principal: Principal,
    *,
    state: WarningState | None = None,
    rule: str | None = None,
    severity: Severity | None = None,
    tenant_id: int | None = None,
    limit: int = 200,
) -> list[WarningView]:
    """The warnings within the principal's reach, newest first, filtered."""
    tenants = await reach(authorizer, principal)
    where = RiskWarning.id > 0
    if tenants is not None:
        where &= RiskWarning.tenant.is_in(list(tenants) or [0])
    if state is not None:
        where &= RiskWarning.state == state.value
    if rule is not None:
        where &= RiskWarning.rule == rule
    if severity is not None:
        where &= RiskWarning.severity == severity.value
    if tenant_id is not None:
        where &= RiskWarning.tenant == tenant_id
    rows = (
        await RiskWarning.select()
        .where(where)
        .order_by(RiskWarning.id, ascending=False)
        .limit(limit)
    )
    return await _views(rows)


async def warning(authorizer: Authorizer, principal: Principal, warning_id: int) -> WarningView:
    tenants = await reach(authorizer, principal)
    row = await RiskWarning.select().where(RiskWarning.id == warning_id).first()
    if row is None or (tenants is not None and row["tenant"] not in tenants):
        raise NotFound(NO_WARNING)
    return (await _views([row]))[0]


async def stored(warning_id: int) -> WarningView | None:
    """The warning whatever the caller's reach: for the library's credit feed, whose callers
    are authorized as the library's managers (:mod:`tenants.risk.credit_feed`)."""
    views = await _views(await RiskWarning.select().where(RiskWarning.id == warning_id))
    return views[0] if views else None


async def decide(
    authorizer: Authorizer,
    principal: Principal,
    warning_id: int,
    confirm: bool,
    reason: str,
    context: RequestContext | None = None,
) -> WarningView:
    """确认 (the finding holds) or 排除 (a false positive), with the reason; once only."""
    found = await RiskWarning.select(RiskWarning.tenant).where(RiskWarning.id == warning_id).first()
    if found is None:
        raise NotFound(NO_WARNING)
    await warning(authorizer, principal, warning_id)  # out of reach: not found
    await _may(authorizer, principal, found["tenant"], "decide")
    reason = reason.strip()
    if not reason:
        raise DomainError(NO_REASON, detail={"field": "reason"})
    if len(reason) > REASON_MAX:
        raise DomainError(
            f"处理理由不超过 {REASON_MAX} 字 / the reason is at most {REASON_MAX} characters",
            detail={"field": "reason"},
        )
    state = WarningState.confirmed if confirm else WarningState.dismissed
    async with write_transaction():
        if isinstance(get_engine(), PostgresEngine):
            await RiskWarning.raw(
                "SELECT id FROM risk_warning WHERE id = {} FOR UPDATE", warning_id
            )
        row = await RiskWarning.select().where(RiskWarning.id == warning_id).first()
        if row is None:
            raise NotFound(NO_WARNING)
        if row["state"] != WarningState.open.value:
            raise Conflict(
                "该预警已处理，不能再次处理 / the warning is already decided",
                detail={"state": row["state"]},
            )
        await RiskWarning.update(
            {
                RiskWarning.state: state.value,
                RiskWarning.decided_by: principal.account_id,
                RiskWarning.decided_at: _now(),
                RiskWarning.reason: reason,
            }
        ).where(RiskWarning.id == warning_id)
        await record(
            actor=principal.actor,
            action="risk.confirm_warning" if confirm else "risk.dismiss_warning",
            object=f"risk:{warning_id}",
            tenant_id=row["tenant"],
            context=context,
        )
    return await warning(authorizer, principal, warning_id)


async def rates(authorizer: Authorizer, principal: Principal) -> list[RuleRate]:
    """Per rule, within reach: how many raised, confirmed, dismissed, still open."""
    tenants = await reach(authorizer, principal)
    query = RiskWarning.select(RiskWarning.rule, RiskWarning.state, Count(RiskWarning.id)).group_by(
        RiskWarning.rule, RiskWarning.state
    )
    if tenants is not None:
        query = query.where(RiskWarning.tenant.is_in(list(tenants) or [0]))
    counts: dict[tuple[str, str], int] = {(r["rule"], r["state"]): r["count"] for r in await query}
    found = []
    for rule in CATALOGUE.values():
        by = {s: counts.get((rule.id, s.value), 0) for s in WarningState}
        decided = by[WarningState.confirmed] + by[WarningState.dismissed]
        found.append(
            RuleRate(
                rule=rule.id,
                name=rule.name,
                legal_basis=rule.legal_basis,
                severity=rule.severity.value,
                raised=sum(by.values()),
                confirmed=by[WarningState.confirmed],
                dismissed=by[WarningState.dismissed],
                open=by[WarningState.open],
                confirmation_rate=by[WarningState.confirmed] / decided if decided else None,
                false_positive_rate=by[WarningState.dismissed] / decided if decided else None,
            )
        )
    return found


async def _views(rows: list[dict[str, Any]]) -> list[WarningView]:
    if not rows:
        return []
    tenants = {
        t["id"]: t["name"]
        for t in await Tenant.select(Tenant.id, Tenant.name).where(
            Tenant.id.is_in([r["tenant"] for r in rows])
        )
    }
    projects = {
        p["id"]: p
        for p in await Project.select(Project.id, Project.code, Project.title).where(
            Project.id.is_in([r["project"] for r in rows if r["project"]] or [0])
        )
    }
    deciders = [r["decided_by"] for r in rows if r["decided_by"] is not None]
    people = {
        a["id"]: a["display_name"] or a["username"]
        for a in await Account.select(Account.id, Account.display_name, Account.username).where(
            Account.id.is_in(deciders or [0])
        )
    }
    views = []
    for r in rows:
        rule = CATALOGUE[r["rule"]]
        project = projects.get(r["project"], {"code": "", "title": ""})
        about_tenant = rule.id in TENANT_RULES
        views.append(
            WarningView(
                id=r["id"],
                tenant_id=r["tenant"],
                tenant_name=tenants.get(r["tenant"], ""),
                project_id=r["project"],
                project_code=project["code"] or "",
                project_title=project["title"],
                lot_number=r["lot_number"],
                rule=rule.id,
                rule_name=rule.name,
                legal_basis=rule.legal_basis,
                severity=r["severity"],
                evidence=[] if about_tenant else json_column(r["evidence"], list[Evidence]),
                facts=json_column(r["evidence"], list[Fact]) if about_tenant else [],
                state=WarningState(r["state"]),
                raised_at=r["raised_at"],
                checked_at=r["checked_at"],
                decided_by=people.get(r["decided_by"], ""),
                decided_at=r["decided_at"],
                reason=r["reason"],
            )
        )
    return views
