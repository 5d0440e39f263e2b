"""What the statistics count (统计口径), and where each figure comes from.

A :class:`Source` is one base table read one way: the column that places a row in a month
(``at``, Beijing time), the columns any change of the row sets (``changed``: how the rollup job
finds the months to recompute), a filter, and the measures it feeds, each with the column of its
dimension. A :class:`Measure` is what a reader sees: its label group names its dimension's
values (``label.<group>.<value>``), and ``money`` says its amount is in fen.

* announcements: published ones, in the month of publication; a correction (更正公告) is an
  announcement of its own type, the one it corrects stays counted;
* projects: registered ones (已登记), in the month of registration, with their budgets;
* awards: sections awarded (定标), from the transaction library the award writes in its own
  transaction, in the month of the award; savings compare award and budget of the sections
  that had a budget;
* openings: sections opened or failed (流标), and the bids they opened (a bid withdrawn before
  the opening is not one of them): bids per lot;
* registrations (报名), objections (异议/质疑) in the month raised, complaints (投诉) in the month
  complained, penalties (处理) by kind in the month decided.

No figure names a supplier, and no bid's price is read: only awards, once public.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piccolo.columns import Column
from piccolo.columns.combination import Combinable
from piccolo.table import Table

from core.libraries.transactions.tables import TransactionRecord
from tenants.announcements.tables import Announcement, AnnouncementState, Participation
from tenants.projects.tables import Objection, Opening, Project, ProjectState
from tenants.tables import Penalty


@dataclass(frozen=True)
class Measure:
    name: str
    group: str = ""  # the label group of its dimension's values; "" for none
    money: bool = False


@dataclass(frozen=True)
class Source:
    name: str
    table: type[Table]
    tenant: Column
    at: Column
    changed: tuple[Column, ...]
    dimensions: dict[str, Column | None]  # measure name → its dimension column
    where: Combinable | None = None
    amount: Column | None = None  # summed into ``amount`` (fen)
    summed: Column | None = None  # summed into ``count`` instead of counting rows
    measures: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "measures", tuple(self.dimensions))


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("announcement_type", "announcement_type"),
        Measure("announcement_method", "method"),
        Measure("announcement_category", "category"),
        Measure("project_method", "method", money=True),
        Measure("project_category", "category", money=True),
        Measure("award_method", "method", money=True),
        Measure("award_category", "category", money=True),
        Measure("budgeted_award", money=True),  # awards of sections with a budget
        Measure("budgeted_budget", money=True),  # and those sections' budgets
        Measure("opening_state", "opening_state"),
        Measure("opening_bids"),
        Measure("registration"),
        Measure("objection_target", "objection_target"),
        Measure("complaint_target", "objection_target"),
        Measure("penalty_kind", "penalty_kind"),
    )
}

_budgeted = TransactionRecord.budget_fen.is_not_null()
SOURCES: tuple[Source, ...] = (
    Source(
        "announcement",
        Announcement,
        Announcement.tenant,
        Announcement.published_at,
        (Announcement.published_at,),  # a published announcement is never changed again
        {
            "announcement_type": Announcement.type,
            "announcement_method": Announcement.method,
            "announcement_category": Announcement.category,
        },
        where=Announcement.state == AnnouncementState.published.value,
    ),
    Source(
        "project",
        Project,
        Project.tenant,
        Project.registered_at,
        (Project.registered_at,),
        {"project_method": Project.method, "project_category": Project.category},
        where=Project.state == ProjectState.registered.value,
        amount=Project.budget_fen,
    ),
    Source(
        "award",
        TransactionRecord,
        TransactionRecord.tenant,
        TransactionRecord.awarded_at,
        (TransactionRecord.recorded_at,),  # written in the award's transaction, never again
        {"award_method": TransactionRecord.method, "award_category": TransactionRecord.category},
        amount=TransactionRecord.award_fen,
    ),
    Source(
        "budgeted_award",
        TransactionRecord,
        TransactionRecord.tenant,
        TransactionRecord.awarded_at,
        (TransactionRecord.recorded_at,),
        {"budgeted_award": None},
        where=_budgeted,
        amount=TransactionRecord.award_fen,
    ),
    Source(
        "budgeted_budget",
        TransactionRecord,
        TransactionRecord.tenant,
        TransactionRecord.awarded_at,
        (TransactionRecord.recorded_at,),
        {"budgeted_budget": None},
        where=_budgeted,
        amount=TransactionRecord.budget_fen,
    ),
    Source(
        "opening",
        Opening,
        Opening.tenant,
        Opening.opened_at,
        (Opening.opened_at,),
        {"opening_state": Opening.state},
    ),
    Source(
        "opening_bids",
        Opening,
        Opening.tenant,
        Opening.opened_at,
        (Opening.opened_at,),
        {"opening_bids": None},
        summed=Opening.bids,
    ),
    Source(
        "registration",
        Participation,
        Participation.tenant,
        Participation.created_at,
        (Participation.created_at,),
        {"registration": None},
    ),
    Source(
        "objection",
        Objection,
        Objection.tenant,
        Objection.raised_at,
        (Objection.raised_at,),
        {"objection_target": Objection.target},
    ),
    Source(
        "complaint",
        Objection,
        Objection.tenant,
        Objection.complained_at,
        (Objection.complained_at,),
        {"complaint_target": Objection.target},
        where=Objection.complained_at.is_not_null(),
    ),
    Source(
        "penalty",
        Penalty,
        Penalty.tenant_id,
        Penalty.decided_at,
        (Penalty.decided_at,),
        {"penalty_kind": Penalty.kind},
    ),
)
