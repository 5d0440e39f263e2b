"""Procurement methods as configuration (Prozorro's way: one engine, rules per method).

Each method says on which tracks it may be used, how many bids it needs at the least
(招标投标法 28: three for a tender), and what a registration must carry (项目登记材料清单,
service standard 6.2: the checklist per type). Minimums marked "(unverified)" in
``../shared/domain/procurement.md`` are configuration, not law written into code.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.announcements.tables import ProcurementMethod as Method
from tenants.materials import ChecklistItem
from tenants.projects.tables import Track


@dataclass(frozen=True)
class MethodRules:
    method: Method
    tracks: frozenset[Track]
    min_bids: int
    items: tuple[ChecklistItem, ...] = ()  # materials this method adds to its track's


# What every registration of a track carries.
TRACK_ITEMS: dict[Track, tuple[ChecklistItem, ...]] = {
    Track.tender: (
        ChecklistItem("approval", "项目审批、核准或备案文件 / project approval or filing"),
        ChecklistItem("requirements", "招标需求（技术及商务要求） / requirements"),
        ChecklistItem("documents", "招标文件（草案） / draft tender documents"),
    ),
    Track.government: (
        ChecklistItem("plan", "政府采购实施计划（预算批复） / procurement plan and budget"),
        ChecklistItem("requirements", "采购需求（技术及商务要求） / requirements"),
        ChecklistItem("documents", "采购文件（草案） / draft procurement documents"),
    ),
    Track.enterprise: (
        ChecklistItem("decision", "企业采购决策文件 / the enterprise's purchase decision"),
        ChecklistItem("requirements", "采购需求（技术及商务要求） / requirements"),
    ),
}
# Every track: the agency's mandate when one is entrusted, and anything else asked for.
COMMON_ITEMS = (
    ChecklistItem("entrustment", "委托代理协议（委托代理机构的） / agency mandate", required=False),
    ChecklistItem("other", "其他要求提供的材料 / other materials asked for", required=False),
)

TENDER, GOVERNMENT, ENTERPRISE = Track.tender, Track.government, Track.enterprise
METHODS: dict[Method, MethodRules] = {
    rules.method: rules
    for rules in (
        MethodRules(Method.open_tender, frozenset({TENDER, GOVERNMENT}), 3),
        MethodRules(
            Method.invited_tender,
            frozenset({TENDER, GOVERNMENT}),
            3,
            (ChecklistItem("invitees", "拟邀请的潜在投标人及理由 / invitees and why"),),
        ),
        MethodRules(Method.competitive_negotiation, frozenset({GOVERNMENT, ENTERPRISE}), 3),
        MethodRules(Method.competitive_consultation, frozenset({GOVERNMENT}), 3),
        MethodRules(Method.request_for_quotation, frozenset({GOVERNMENT, ENTERPRISE}), 3),
        MethodRules(
            Method.single_source,
            frozenset({GOVERNMENT, ENTERPRISE}),
            1,
            (
                ChecklistItem(
                    "justification", "单一来源采购论证意见及公示情况 / single-source justification"
                ),
            ),
        ),
        MethodRules(Method.reverse_auction, frozenset({ENTERPRISE}), 3),
    )
}


def rules_of(track: Track, method: Method) -> MethodRules | None:
    """The method's rules when it may be used on the track, else None."""
    rules = METHODS.get(method)
    return rules if rules is not None and track in rules.tracks else None


def checklist(track: Track, method: Method) -> tuple[ChecklistItem, ...]:
    rules = METHODS[method]
    return (*TRACK_ITEMS[track], *rules.items, *COMMON_ITEMS)
