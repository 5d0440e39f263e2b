"""The transaction library's rules: a sub-platform's award adds its record and the contract
completes it, in the transaction of that award or contract; readers search within their reach.

Who reads what is decided by the caller and handed in as a :class:`Reach`: head office every
tenant, a regulator the tenants of its regions, a supplier its own records. A record is never
changed by hand: it is the trace of a decision taken, and audited, on its sub-platform.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from piccolo.query.functions.aggregate import Count, Sum

from core.errors import DomainError
from core.libraries.transactions.tables import TransactionRecord
from themes.i18n import BEIJING

PAGE = 50
BAD_PERIOD = "起止日期不正确 / the period is not valid"


class TransactionEntry(msgspec.Struct, frozen=True):
    """What an award reports to the library."""

    tenant_id: int
    section_code: str
    project_code: str
    project_title: str
    section_title: str
    track: str
    method: str
    category: str
    purchaser_name: str
    purchaser_credit_code: str
    agency_name: str
    supplier_id: int
    supplier_name: str
    supplier_credit_code: str
    budget_fen: int | None
    award_fen: int
    awarded_at: dt.datetime


class TransactionView(TransactionEntry, frozen=True):
    """A library record as readers see it: the award's entry, completed by its contract."""

    id: int
    contract_fen: int | None
    signed_on: dt.date | None


class TransactionQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Filters a reader sets: words in a name or code, the method, a period of Beijing days."""

    q: Annotated[str, msgspec.Meta(max_length=100)] = ""
    method: Annotated[str, msgspec.Meta(max_length=40)] = ""
    since: dt.date | None = None
    until: dt.date | None = None
    before: int | None = None  # the cursor: records older than this id


class Reach(msgspec.Struct, frozen=True):
    """Whose records a reader may see: ``tenant_ids`` None is every tenant."""

    tenant_ids: frozenset[int] | None = None
    supplier_id: int | None = None


class TransactionPage(msgspec.Struct, frozen=True):
    items: list[TransactionView]
    count: int
    award_total_fen: int
    next_before: int | None


def source_of(tenant_id: int, section_code: str) -> str:
    return f"{tenant_id}:{section_code}"


async def add(entry: TransactionEntry) -> None:
    """Record an award, in the caller's transaction (which holds the project's lock, so two
    awards of one section never race); an award recorded before is left as it is."""
    values = msgspec.structs.asdict(entry)
    values["tenant"], values["supplier"] = values.pop("tenant_id"), values.pop("supplier_id")
    source = source_of(entry.tenant_id, entry.section_code)
    if await TransactionRecord.exists().where(TransactionRecord.source == source):
        return
    await TransactionRecord.insert(TransactionRecord(source=source, **values))


async def complete(
    tenant_id: int, section_code: str, contract_fen: int, signed_on: dt.date
) -> None:
    """The contract of a recorded award, in the caller's transaction."""
    await TransactionRecord.update(
        {TransactionRecord.contract_fen: contract_fen, TransactionRecord.signed_on: signed_on}
    ).where(TransactionRecord.source == source_of(tenant_id, section_code))


def _where(reach: Reach, query: TransactionQuery):
    if query.since and query.until and query.since > query.until:
        raise DomainError(BAD_PERIOD, detail={"field": "since"})
    where = TransactionRecord.id > 0
    if reach.tenant_ids is not None:
        where &= TransactionRecord.tenant.is_in(sorted(reach.tenant_ids) or [0])
    if reach.supplier_id is not None:
        where &= TransactionRecord.supplier == reach.supplier_id
    if words := query.q.strip():
        pattern = f"%{words.replace('%', '').replace('_', '')}%"
        where &= (
            TransactionRecord.supplier_name.like(pattern)
            | TransactionRecord.purchaser_name.like(pattern)
            | TransactionRecord.project_title.like(pattern)
            | (TransactionRecord.supplier_credit_code == words.upper())
            | (TransactionRecord.project_code == words.upper())
        )
    if query.method:
        where &= TransactionRecord.method == query.method
    if query.since:
        start = dt.datetime.combine(query.since, dt.time(), BEIJING)
        where &= TransactionRecord.awarded_at >= start
    if query.until:
        end = dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time(), BEIJING)
        where &= TransactionRecord.awarded_at < end
    return where


async def search(reach: Reach, query: TransactionQuery) -> TransactionPage:
    """Newest first, :data:`PAGE` at a time; the count and total cover the whole filter."""
    where = _where(reach, query)
    totals = (
        await TransactionRecord.select(
            Count(alias="n"), Sum(TransactionRecord.award_fen, alias="total")
        )
        .where(where)
        .first()
    )
    page = where if query.before is None else where & (TransactionRecord.id < query.before)
    rows = (
        await TransactionRecord.select(*_COLUMNS)
        .where(page)
        .order_by(TransactionRecord.id, ascending=False)
        .limit(PAGE + 1)
    )
    items = [msgspec.convert(r, TransactionView) for r in rows[:PAGE]]
    return TransactionPage(
        items,
        int(totals["n"] or 0) if totals else 0,
        int(totals["total"] or 0) if totals else 0,
        items[-1].id if len(rows) > PAGE else None,
    )


_COLUMNS = (
    TransactionRecord.id,
    TransactionRecord.tenant.as_alias("tenant_id"),
    TransactionRecord.project_code,
    TransactionRecord.section_code,
    TransactionRecord.project_title,
    TransactionRecord.section_title,
    TransactionRecord.track,
    TransactionRecord.method,
    TransactionRecord.category,
    TransactionRecord.purchaser_name,
    TransactionRecord.purchaser_credit_code,
    TransactionRecord.agency_name,
    TransactionRecord.supplier.as_alias("supplier_id"),
    TransactionRecord.supplier_name,
    TransactionRecord.supplier_credit_code,
    TransactionRecord.budget_fen,
    TransactionRecord.award_fen,
    TransactionRecord.awarded_at,
    TransactionRecord.contract_fen,
    TransactionRecord.signed_on,
)
