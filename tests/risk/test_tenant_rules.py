"""The tenant-risk rules on their own (分平台风险预警规则): each on the facts just at and
just past its threshold."""

from __future__ import annotations

import datetime as dt

from tenants.risk.tenant_rules import (
    TENANT_RULES,
    AwardSeen,
    ClockSeen,
    ObjectionSeen,
    ProjectRef,
    TenantFacts,
    quarter,
)

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 2026-11-20 10:00 in Beijing


def project(n: int) -> ProjectRef:
    return ProjectRef(n, f"XM-{n}", f"项目{n}")


def facts(**seen: object) -> TenantFacts:
    base: dict[str, object] = {
        "now": NOW,
        "window_projects": 0,
        "objections": [],
        "clocks": [],
        "awards": [],
    }
    return TenantFacts(**{**base, **seen})  # type: ignore[arg-type]


def objections(count: int, complained: int = 0) -> list[ObjectionSeen]:
    return [
        ObjectionSeen(project(n % 3), NOW - dt.timedelta(days=n), n < complained)
        for n in range(count)
    ]


def award(n: int, *, valid: int = 3, minimum: int = 3, purchaser: int = 7, subject: int = 50):
    return AwardSeen(
        project=project(n),
        lot_number=1,
        purchaser=purchaser,
        purchaser_name="市第一中学",
        subject=subject,
        bidder=f"供应商{subject}",
        awarded_at=NOW - dt.timedelta(days=10 * n),
        valid_bids=valid,
        min_bids=minimum,
    )


def test_many_objections_need_five_and_half_as_many_as_the_projects() -> None:
    rule = TENANT_RULES["many_objections"]
    assert rule.check(facts(window_projects=4, objections=objections(4))) == []
    (found,) = rule.check(facts(window_projects=10, objections=objections(5, complained=2)))
    assert found.scope == "2026Q4" and found.project is None
    assert "近 90 日异议（质疑）5 件，其中转为投诉 2 件；同期项目 10 个" in found.facts[0].value
    assert [f.projects for f in found.facts[1:]] == [[project(0)], [project(1)], [project(2)]]
    # five on eleven projects is under one in two
    assert rule.check(facts(window_projects=11, objections=objections(5))) == []
    assert rule.check(facts(window_projects=0, objections=objections(5)))  # none: as one


def test_missed_deadlines_count_late_and_undone_clocks_from_three() -> None:
    rule = TENANT_RULES["missed_deadlines"]
    due = NOW - dt.timedelta(days=5)
    on_time = ClockSeen(project(1), "registration", due, due)  # done at the due moment
    late = ClockSeen(project(2), "answer", due, due + dt.timedelta(minutes=1))
    undone = ClockSeen(project(3), "registration", due, None)
    running = ClockSeen(project(4), "answer", NOW + dt.timedelta(days=1), None)  # not due yet
    assert rule.check(facts(clocks=[on_time, late, undone, running])) == []
    (found,) = rule.check(facts(clocks=[on_time, late, undone, undone, running]))
    assert found.scope == "2026Q4" and len(found.facts) == 3
    assert found.facts[0].value == "异议答复应于 2026-11-15 10:00 前办结，2026-11-15 10:01 办结"
    assert found.facts[1].value.endswith("至今未办结") and found.facts[1].projects == [project(3)]


def test_single_bidder_award_under_three_valid_bids_unless_single_source() -> None:
    rule = TENANT_RULES["single_bidder_award"]
    assert rule.check(facts(awards=[award(1, valid=3), award(2, valid=1, minimum=1)])) == []
    (found,) = rule.check(facts(awards=[award(1, valid=2), award(2, valid=3)]))
    assert found.scope == "project:1" and found.project == 1
    assert found.facts[0].value.startswith("第 1 标段有效投标 2 家")
    assert "供应商50 中标（成交）" in found.facts[0].value


def test_repeated_winner_three_of_one_purchasers_awards_and_half_of_them() -> None:
    rule = TENANT_RULES["repeated_winner"]
    two = [award(1), award(2)]
    assert rule.check(facts(awards=two)) == []
    three = [award(1), award(2), award(3)]
    others = [award(n, subject=50 + n) for n in range(4, 8)]  # four suppliers, one win each
    (found,) = rule.check(facts(awards=three + others[:3]))
    assert found.scope == "p7:s50:2026"
    assert found.facts[0].value == "供应商50 在 12 个月内中标采购人 市第一中学 的 6 个标段中的 3 个"
    assert found.facts[0].projects == [project(1), project(2), project(3)]
    # three of seven is under half; three with three purchasers is no pattern
    assert rule.check(facts(awards=three + others)) == []
    assert rule.check(facts(awards=[award(n, purchaser=n) for n in range(3)])) == []
    # a win more than twelve months ago is out of the window
    old = award(1)
    older = AwardSeen(**{**old.__dict__, "awarded_at": NOW - dt.timedelta(days=366)})
    assert rule.check(facts(awards=[older, award(2), award(3)])) == []


def test_the_period_is_the_quarter_in_beijing_time() -> None:
    assert quarter(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)) == "2027Q1"
    assert quarter(dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC)) == "2026Q1"
    assert quarter(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)) == "2026Q2"
