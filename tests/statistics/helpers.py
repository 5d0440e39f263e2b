"""The figures of one tenant counted straight from its base rows, in Python: what the rollups
must hold, computed without their SQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.libraries.transactions.tables import TransactionRecord
from core.statistics.tables import Rollup
from tenants.announcements.tables import Announcement, Participation
from tenants.projects.tables import Objection, Opening, Project
from tenants.tables import Penalty
from themes.i18n import BEIJING

Figures = dict[tuple[int, str, str], tuple[int, int]]  # (month, measure, value) → count, amount


def _month(moment: dt.datetime) -> int:
    local = moment.astimezone(BEIJING)
    return local.year * 100 + local.month


async def direct(tenant_id: int) -> Figures:
    counted: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])

    def add(at: dt.datetime, measure: str, value: str, n: int = 1, amount: int = 0) -> None:
        for kept in (value, "*"):  # each value, and the measure's total
            figure = counted[(_month(at), measure, kept)]
            figure[0] += n
            figure[1] += amount

    for a in await Announcement.select().where(Announcement.tenant == tenant_id):
        if a["state"] == "published":
            add(a["published_at"], "announcement_type", a["type"])
            add(a["published_at"], "announcement_method", a["method"])
            add(a["published_at"], "announcement_category", a["category"])
    for p in await Project.select().where(Project.tenant == tenant_id):
        if p["state"] == "registered":
            add(p["registered_at"], "project_method", p["method"], amount=p["budget_fen"])
            add(p["registered_at"], "project_category", p["category"], amount=p["budget_fen"])
    for r in await TransactionRecord.select().where(TransactionRecord.tenant == tenant_id):
        add(r["awarded_at"], "award_method", r["method"], amount=r["award_fen"])
        add(r["awarded_at"], "award_category", r["category"], amount=r["award_fen"])
        if r["budget_fen"] is not None:
            add(r["awarded_at"], "budgeted_award", "", amount=r["award_fen"])
            add(r["awarded_at"], "budgeted_budget", "", amount=r["budget_fen"])
    for o in await Opening.select().where(Opening.tenant == tenant_id):
        add(o["opened_at"], "opening_state", o["state"])
        add(o["opened_at"], "opening_bids", "", n=o["bids"])
    for r in await Participation.select().where(Participation.tenant == tenant_id):
        add(r["created_at"], "registration", "")
    for o in await Objection.select().where(Objection.tenant == tenant_id):
        add(o["raised_at"], "objection_target", o["target"])
        if o["complained_at"] is not None:
            add(o["complained_at"], "complaint_target", o["target"])
    for p in await Penalty.select().where(Penalty.tenant_id == tenant_id):
        add(p["decided_at"], "penalty_kind", p["kind"])
    return {key: (n, amount) for key, (n, amount) in counted.items()}


async def rolled(tenant_id: int) -> Figures:
    rows = await Rollup.select().where(Rollup.tenant == tenant_id)
    return {(r["month"], r["measure"], r["dimension"]): (r["number"], r["amount"]) for r in rows}


async def assert_every_tenant_is_the_sum() -> None:
    """Each month's sum over every tenant (tenant 0) is the sum of the tenants' own rows."""
    summed: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    kept: Figures = {}
    for r in await Rollup.select():
        key = (r["month"], r["measure"], r["dimension"])
        if r["tenant"] == 0:
            kept[key] = (r["number"], r["amount"])
        else:
            summed[key][0] += r["number"]
            summed[key][1] += r["amount"]
    assert kept == {key: (n, amount) for key, (n, amount) in summed.items()}
