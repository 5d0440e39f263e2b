"""Finding subjects: by credit code (an indexed equality), name, region, qualification.

Name search is a prefix match on the indexed column, so it stays fast over a million rows;
a match inside the name would need a trigram index (PostgreSQL) and is not offered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.errors import NotFound
from core.libraries.subjects.tables import Qualification, Subject, SubjectKind, SubjectState

PER_PAGE = 20


class SubjectFilters(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: SubjectKind | None = None
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""  # the start of the name
    region: Annotated[str, msgspec.Meta(pattern=r"^(\d{6})?$")] = ""  # and its sub-regions
    qualification: Annotated[str, msgspec.Meta(max_length=100)] = ""  # its exact name
    page: Annotated[int, msgspec.Meta(ge=1, le=500)] = 1


class SubjectSummary(msgspec.Struct, frozen=True):
    id: int
    kind: SubjectKind
    credit_code: str
    name: str
    region_code: str
    state: SubjectState


class QualificationView(msgspec.Struct, frozen=True):
    id: int
    name: str
    number: str
    valid_until: dt.date | None


class SubjectView(msgspec.Struct, frozen=True):
    """A library entry as staff of any site see it (its reviewed values)."""

    id: int
    kind: SubjectKind
    credit_code: str
    name: str
    legal_representative: str
    address: str
    region_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    business_scope: str
    state: SubjectState
    origin_tenant: int | None
    qualifications: list[QualificationView]


_SUMMARY = (
    Subject.id,
    Subject.kind,
    Subject.credit_code,
    Subject.name,
    Subject.region_code,
    Subject.state,
)


def _region_prefix(code: str) -> str:
    """370000 → "37", 370100 → "3701", 370102 → "370102": the code and everything below it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


async def search(filters: SubjectFilters) -> tuple[list[SubjectSummary], bool]:
    query = Subject.select(*_SUMMARY)
    if filters.kind is not None:
        query = query.where(Subject.kind == filters.kind.value)
    if name := filters.name.strip().replace("%", "").replace("_", ""):
        query = query.where(Subject.name.like(f"{name}%"))
    if filters.region:
        query = query.where(Subject.region_code.like(f"{_region_prefix(filters.region)}%"))
    if filters.qualification:
        holders = Qualification.select(Qualification.subject).where(
            Qualification.name == filters.qualification
        )
        query = query.where(Subject.id.is_in(holders))
    rows = (
        await query.order_by(Subject.name).limit(PER_PAGE + 1).offset((filters.page - 1) * PER_PAGE)
    )
    return [msgspec.convert(r, SubjectSummary) for r in rows[:PER_PAGE]], len(rows) > PER_PAGE


async def by_credit_code(code: str) -> SubjectSummary:
    row = await Subject.select(*_SUMMARY).where(Subject.credit_code == code.upper()).first()
    if row is None:
        raise NotFound("主体不存在 / no such subject")
    return msgspec.convert(row, SubjectSummary)


async def view(subject_id: int) -> SubjectView:
    row = await Subject.select().where(Subject.id == subject_id).first()
    if row is None:
        raise NotFound("主体不存在 / no such subject")
    qualifications = await Qualification.select(
        Qualification.id, Qualification.name, Qualification.number, Qualification.valid_until
    ).where(Qualification.subject == subject_id)
    return msgspec.convert({**row, "qualifications": qualifications}, SubjectView)
