"""The tenant-risk rules (分平台风险预警规则): each a class like the collusion rules of
:mod:`tenants.risk.rules` — id, Chinese name, legal basis, severity — whose ``check`` looks at
one sub-platform's own conduct (its objections, its statutory clocks, its awards) and returns
its findings. A finding names what its warning is about (the rest of the warning's key after
``<rule>:tenant:<id>:``: a period, a project, a purchaser and supplier), the project when it is
about one, and the evidence, in words, naming the projects. No finding: nothing to warn about.

The rules are pure: :mod:`tenants.risk.tenant_checks` loads a tenant's facts and keeps the
warnings. Thresholds are configuration, named here with why; the rules page shows each rule's
confirmation and false-positive rates, which is what they are to be tuned by."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar

import msgspec

from tenants.risk.rules import Severity
from themes.i18n import BEIJING

# The rolling window of the objection and clock rules: a quarter, the period head office
# reviews its sub-platforms over (《运营管理办法》第二十七条).
WINDOW = dt.timedelta(days=90)
# Objections to the result come after the evaluation and its 3-day publicity, some weeks
# after the bid deadline: a project whose deadline fell up to a month before the window
# started can still draw the window's objections, so it counts among the window's projects.
RESULT_MARGIN = dt.timedelta(days=30)
# The repeated-winner rule's window: twelve months, a purchaser's yearly purchasing cycle.
YEAR = dt.timedelta(days=365)


class ProjectRef(msgspec.Struct, frozen=True):
    id: int
    code: str
    title: str


class Fact(msgspec.Struct, frozen=True):
    """One item of a tenant warning's evidence: the fact in words and the projects it names."""

    value: str
    projects: list[ProjectRef] = []


class Finding(msgspec.Struct, frozen=True):
    scope: str  # the warning's key after "<rule>:tenant:<id>:"
    project: int | None  # the project it is about; None for the tenant's conduct over a period
    facts: list[Fact]


@dataclass(frozen=True)
class ObjectionSeen:
    """An objection (异议/质疑) raised on one of the tenant's projects."""

    project: ProjectRef
    raised_at: dt.datetime
    complained: bool  # taken on to the supervising department (投诉)


@dataclass(frozen=True)
class ClockSeen:
    """A statutory clock the sub-platform's staff run against: done (or not yet) by due."""

    project: ProjectRef
    what: str  # "registration" (项目登记) or "answer" (异议答复)
    due_at: dt.datetime
    done_at: dt.datetime | None  # None while not done


@dataclass(frozen=True)
class AwardSeen:
    project: ProjectRef
    lot_number: int
    purchaser: int
    purchaser_name: str
    subject: int  # the winner's library entry
    bidder: str
    awarded_at: dt.datetime
    valid_bids: int  # evaluated bids, less those passed over for a blacklisting
    min_bids: int  # what the method needs (1 for single source)


@dataclass(frozen=True)
class TenantFacts:
    """What the rules see of one sub-platform, as of ``now``."""

    now: dt.datetime
    window_projects: int  # registered projects the window's objections can concern
    objections: list[ObjectionSeen]  # raised within WINDOW
    clocks: list[ClockSeen]  # due within WINDOW
    awards: list[AwardSeen]  # made within YEAR


def quarter(moment: dt.datetime) -> str:
    """The period a rolling-window warning belongs to, in Beijing time: "2026Q4". One
    warning a tenant, rule and quarter: checked daily, it is updated while open, and a
    decided one stays decided until the next quarter's finding."""
    local = moment.astimezone(BEIJING)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def day(moment: dt.datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _projects(refs: list[ProjectRef]) -> list[ProjectRef]:
    return sorted(set(refs), key=lambda p: p.id)


class TenantRule:
    id: ClassVar[str]
    name: ClassVar[str]
    legal_basis: ClassVar[str]
    severity: ClassVar[Severity]

    def check(self, facts: TenantFacts) -> list[Finding]:
        raise NotImplementedError


class ManyObjections(TenantRule):
    """Objections (异议/质疑) in the last 90 days, against the projects they can concern."""

    id = "many_objections"
    name = "分平台项目异议（质疑）、投诉数量异常偏多"
    legal_basis = (
        "《招标投标法实施条例》第二十二条、第五十四条、第六十条；《政府采购法》第五十二条至"
        "第五十五条；《运营管理办法》第二十七条第五项（异议、投诉情况纳入对分平台的监督）"
    )
    severity = Severity.medium
    # Fewer than five in a quarter is too few to be a rate: a single contested project with
    # several bidders objecting makes four.
    MIN_OBJECTIONS = 5
    # Half as many objections as projects: a starting point (configuration, unverified),
    # to be tuned by the rule's false-positive rate.
    PER_PROJECT = 0.5

    def check(self, facts: TenantFacts) -> list[Finding]:
        count = len(facts.objections)
        projects = max(facts.window_projects, 1)
        if count < self.MIN_OBJECTIONS or count < self.PER_PROJECT * projects:
            return []
        complaints = sum(o.complained for o in facts.objections)
        by: dict[ProjectRef, list[ObjectionSeen]] = defaultdict(list)
        for seen in facts.objections:
            by[seen.project].append(seen)
        summary = Fact(
            f"近 90 日异议（质疑）{count} 件，其中转为投诉 {complaints} 件；同期项目 "
            f"{facts.window_projects} 个，平均每个项目 {count / projects:.2f} 件"
        )
        return [
            Finding(
                scope=quarter(facts.now),
                project=None,
                facts=[summary]
                + [
                    Fact(
                        f"异议（质疑）{len(seen)} 件，"
                        f"转为投诉 {sum(o.complained for o in seen)} 件",
                        [project],
                    )
                    for project, seen in sorted(by.items(), key=lambda kv: kv[0].id)
                ],
            )
        ]


class MissedDeadlines(TenantRule):
    """The sub-platform's own statutory clocks missed in the last 90 days: a registration
    not decided within 2 working days of complete materials, an objection not answered
    within its track's time (3 days on a tender, 7 working days in government procurement)."""

    id = "missed_deadlines"
    name = "分平台项目登记、异议答复超过法定时限"
    legal_basis = (
        "服务标准 6.2.4（材料齐全后 2 个工作日内办结项目登记）；《招标投标法实施条例》"
        "第二十二条、第五十四条（收到异议之日起 3 日内答复）；《政府采购法》第五十三条"
        "（收到质疑后 7 个工作日内答复）"
    )
    severity = Severity.medium
    # One missed clock is a slip the overdue lists already show the staff; three within a
    # quarter is the sub-platform's practice, which is head office's concern.
    MIN_MISSED = 3
    WHAT = {"registration": "项目登记", "answer": "异议答复"}  # noqa: RUF012

    def check(self, facts: TenantFacts) -> list[Finding]:
        missed = [
            c
            for c in facts.clocks
            if (c.done_at is None and facts.now > c.due_at)
            or (c.done_at is not None and c.done_at > c.due_at)
        ]
        if len(missed) < self.MIN_MISSED:
            return []
        return [
            Finding(
                scope=quarter(facts.now),
                project=None,
                facts=[
                    Fact(
                        f"{self.WHAT[c.what]}应于 {day(c.due_at)} 前办结，"
                        + (f"{day(c.done_at)} 办结" if c.done_at else "至今未办结"),
                        [c.project],
                    )
                    # by due, then project: clocks due at one moment keep one order
                    for c in sorted(missed, key=lambda c: (c.due_at, c.project.id, c.what))
                ],
            )
        ]


class SingleBidderAward(TenantRule):
    """An award on a section that had fewer valid bids than the law asks of a competition."""

    id = "single_bidder_award"
    name = "有效投标不足三家仍确定中标（成交）"
    legal_basis = (
        "《招标投标法》第二十八条（投标人少于三个的，应当重新招标）；《政府采购法》第三十六条"
        "第一款第（一）项（实质响应的供应商不足三家的，应予废标）"
    )
    severity = Severity.high
    # Three: the statutory minimum of a tender and of a competitive procurement. A method
    # that needs fewer (single source, 单一来源) is left alone: one supplier is its nature.
    MIN_VALID_BIDS = 3

    def check(self, facts: TenantFacts) -> list[Finding]:
        short: dict[ProjectRef, list[AwardSeen]] = defaultdict(list)
        for award in facts.awards:
            if award.min_bids >= self.MIN_VALID_BIDS and award.valid_bids < self.MIN_VALID_BIDS:
                short[award.project].append(award)
        return [
            Finding(
                scope=f"project:{project.id}",
                project=project.id,
                facts=[
                    Fact(
                        f"第 {a.lot_number} 标段有效投标 {a.valid_bids} 家，于 {day(a.awarded_at)}"
                        f" 确定 {a.bidder} 中标（成交）",
                        [project],
                    )
                    for a in sorted(awards, key=lambda a: a.lot_number)
                ],
            )
            for project, awards in sorted(short.items(), key=lambda kv: kv[0].id)
        ]


class RepeatedWinner(TenantRule):
    """One supplier winning most of one purchaser's awards within twelve months."""

    id = "repeated_winner"
    name = "同一供应商在十二个月内多次中标同一采购人的项目"
    legal_basis = (
        "《招标投标法》第五条（公开、公平、公正）；《招标投标法实施条例》第三十二条（不得以不合理"
        "条件限制、排斥潜在投标人）；《政府采购法实施条例》第二十条"
    )
    severity = Severity.medium
    # Three wins: two can be chance in a small field; a third with one purchaser is a pattern.
    MIN_WINS = 3
    # And at least half of that purchaser's awards: a purchaser with forty awards a year
    # giving three to one able supplier is ordinary.
    MIN_SHARE = 0.5

    def check(self, facts: TenantFacts) -> list[Finding]:
        since = facts.now - YEAR
        recent = [a for a in facts.awards if a.awarded_at >= since]
        of_purchaser: dict[int, int] = defaultdict(int)
        wins: dict[tuple[int, int], list[AwardSeen]] = defaultdict(list)
        for award in recent:
            of_purchaser[award.purchaser] += 1
            wins[(award.purchaser, award.subject)].append(award)
        found = []
        for (purchaser, subject), won in sorted(wins.items()):
            total = of_purchaser[purchaser]
            if len(won) < self.MIN_WINS or len(won) < self.MIN_SHARE * total:
                continue
            first = won[0]
            found.append(
                Finding(
                    # short: with the rule and tenant it is the warning's key, of 80 characters
                    scope=f"p{purchaser}:s{subject}:{facts.now.astimezone(BEIJING).year}",
                    project=None,
                    facts=[
                        Fact(
                            f"{first.bidder} 在 12 个月内中标采购人 {first.purchaser_name} 的 "
                            f"{total} 个标段中的 {len(won)} 个",
                            _projects([a.project for a in won]),
                        )
                    ],
                )
            )
        return found


TENANT_RULES: dict[str, TenantRule] = {
    rule.id: rule
    for rule in (ManyObjections(), MissedDeadlines(), SingleBidderAward(), RepeatedWinner())
}
