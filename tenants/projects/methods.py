"""Procurement methods as configuration (Prozorro's way: one engine, rules per method).

Each method says on which tracks it may be used, how many bids it needs at the least
(招标投标法 28: three for a tender), and what a registration must carry (项目登记材料清单,
service standard 6.2: the checklist per type). Minimums marked "(unverified)" in
``../shared/domain/procurement.md`` are configuration, not law written into code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.workdays.service import Calendar
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.materials import ChecklistItem
from tenants.projects.tables import Track


@dataclass(frozen=True)
class Period:
    """A statutory minimum between two moments: ``days`` calendar or working days."""

    days: int
    working: bool = False

    def earliest_end(self, calendar: Calendar, start: dt.datetime) -> dt.datetime:
        """The earliest moment the period may end when it starts at ``start``."""
        if self.days == 0:
            return start
        if self.working:
            return calendar.due_after(start, self.days)
        return start + dt.timedelta(days=self.days)


TENDER_PERIOD = Period(20)  # 招标投标法 24, 政府采购法 35: documents out → bids due
TENDER_CORRECTION = Period(15)  # 条例 21, 87号令 27: a change ≥ 15 days before the deadline
SHORT_PERIOD = Period(3, working=True)  # 非招标采购方式管理办法 29, 45 (negotiation, quotation)


@dataclass(frozen=True)
class MethodRules:
    method: Method
    tracks: frozenset[Track]
    min_bids: int
    items: tuple[ChecklistItem, ...] = ()  # materials this method adds to its track's
    bid_period: Period = TENDER_PERIOD  # from the opening notice's publication to the deadline
    correction_period: Period = TENDER_CORRECTION  # from a correction to the deadline it sets
    # Points of 100 the price weighs in the evaluation (综合评分法; 87号令 55: goods 30–60,
    # services 10–30); 100 where the lowest valid price wins (询价, 竞价, 单一来源).
    price_weight: int = 30


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
        MethodRules(
            Method.competitive_negotiation,
            frozenset({GOVERNMENT, ENTERPRISE}),
            3,
            bid_period=SHORT_PERIOD,
            correction_period=SHORT_PERIOD,
        ),
        MethodRules(  # 财库〔2014〕214号 10: at least 10 days; corrections 5 days (unverified)
            Method.competitive_consultation,
            frozenset({GOVERNMENT}),
            3,
            bid_period=Period(10),
            correction_period=Period(5),
        ),
        MethodRules(
            Method.request_for_quotation,
            frozenset({GOVERNMENT, ENTERPRISE}),
            3,
            bid_period=SHORT_PERIOD,
            correction_period=SHORT_PERIOD,
            price_weight=100,
        ),
        MethodRules(
            Method.single_source,
            frozenset({GOVERNMENT, ENTERPRISE}),
            1,
            (
                ChecklistItem(
                    "justification", "单一来源采购论证意见及公示情况 / single-source justification"
                ),
            ),
            bid_period=Period(0),  # the supplier is known; its publicity precedes registration
            correction_period=Period(0),
            price_weight=100,
        ),
        MethodRules(  # an enterprise's own rules: configuration (unverified)
            Method.reverse_auction,
            frozenset({ENTERPRISE}),
            3,
            bid_period=SHORT_PERIOD,
            correction_period=SHORT_PERIOD,
            price_weight=100,
        ),
    )
}


def rules_of(track: Track, method: Method) -> MethodRules | None:
    """The method's rules when it may be used on the track, else None."""
    rules = METHODS.get(method)
    return rules if rules is not None and track in rules.tracks else None


def checklist(track: Track, method: Method) -> tuple[ChecklistItem, ...]:
    rules = METHODS[method]
    return (*TRACK_ITEMS[track], *rules.items, *COMMON_ITEMS)


def every_item() -> list[ChecklistItem]:
    """Every checklist item of every track and method, once per code."""
    items = [
        *(i for items in TRACK_ITEMS.values() for i in items),
        *(i for rules in METHODS.values() for i in rules.items),
        *COMMON_ITEMS,
    ]
    return list({i.code: i for i in items}.values())
