"""Finding subjects: by credit code (an indexed equality), name, region, qualification.

Name search is a prefix match on an index, so it stays fast over a million rows; a match
inside the name would need a trigram index (PostgreSQL) and is not offered.

On PostgreSQL both the match and the order are taken under the C collation, which is the order
of the ``library_subject_name_c`` index: the prefix becomes a range of that index and the scan
stops at the page's last row. Under the database's own collation (C.UTF-8 is not "C" to the
planner before PostgreSQL 17) a short prefix matching 60,000 names had them all sorted first.
Names then sort by code point, as they already did under C.UTF-8.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from core.data.engine import on_postgres
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
    controlling_shareholder: str
    controlling_shareholder_code: str
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


_BY_CREDIT_CODE = (
    "SELECT id, kind, credit_code, name, region_code, state FROM library_subject"
    " WHERE credit_code = {}"
)
_NAME_C = '"library_subject"."name" COLLATE "C"'


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
    postgres = on_postgres()
    if name := filters.name.strip().replace("%", "").replace("_", ""):
        if postgres:
            query = query.where(WhereRaw(f"{_NAME_C} LIKE {{}}", f"{name}%"))
        else:
            query = query.where(Subject.name.like(f"{name}%"))
    if filters.region:
        query = query.where(Subject.region_code.like(f"{_region_prefix(filters.region)}%"))
    if filters.qualification:
        holders = Qualification.select(Qualification.subject).where(
            Qualification.name == filters.qualification
        )
        query = query.where(Subject.id.is_in(holders))
    order = QueryString(_NAME_C) if postgres else Subject.name
    rows = await query.order_by(order).limit(PER_PAGE + 1).offset((filters.page - 1) * PER_PAGE)
    return [msgspec.convert(r, SubjectSummary) for r in rows[:PER_PAGE]], len(rows) > PER_PAGE


async def by_credit_code(code: str) -> SubjectSummary:
    # Plain SQL: the lookup is the library's hottest query, and Piccolo's query builder costs
    # as much CPU as the query itself.
    rows = await Subject.raw(_BY_CREDIT_CODE, code.upper())
    if not rows:
        raise NotFound("主体不存在 / no such subject")
    return msgspec.convert(rows[0], SubjectSummary)


async def view(subject_id: int) -> SubjectView:
    row = await Subject.select().where(Subject.id == subject_id).first()
    if row is None:
        raise NotFound("主体不存在 / no such subject")
    qualifications = await Qualification.select(
        Qualification.id, Qualification.name, Qualification.number, Qualification.valid_until
    ).where(Qualification.subject == subject_id)
    return msgspec.convert({**row, "qualifications": qualifications}, SubjectView)
