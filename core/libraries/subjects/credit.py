"""Credit records (信用记录): commendations, penalties and blacklists of library subjects.

A record is a decision some authority has taken (a finance department, a court, head office);
the library's managers enter it with its legal basis, authority and period. While a blacklist
record is in force its subject is refused new participation on every sub-platform. Penalties and
blacklists are published as credit notices (信用公示) on the main portal.

A record may be entered from a confirmed risk warning (风险预警, tenants.risk): the warning
gives the form its source, legal basis and summary, the manager still chooses the kind, the
authority and the period, and the record keeps the warning's id. The library does not know
the tenants' tables, so the risk warnings register the feed (``register_warning_feed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.libraries.subjects.tables import CreditKind, CreditRecord, Subject
from core.notifications.service import notify
from themes.cache import PORTAL_CACHE
from themes.i18n import DEFAULT_LOCALE, translate

PUBLISHED_KINDS = (CreditKind.penalty.value, CreditKind.blacklist.value)


class CreditForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: CreditKind
    source: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    legal_basis: Annotated[str, msgspec.Meta(min_length=2, max_length=300)]
    authority: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    summary: Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]
    starts_on: dt.date
    ends_on: dt.date | None = None


class CreditView(msgspec.Struct, frozen=True):
    id: int
    kind: CreditKind
    source: str
    legal_basis: str
    authority: str
    summary: str
    starts_on: dt.date
    ends_on: dt.date | None
    lifted_at: dt.datetime | None
    in_force: bool
    risk_warning: int | None  # the risk warning it was entered from


class WarningFeed(msgspec.Struct, frozen=True):
    """What a confirmed risk warning gives a credit record about one of its bidders."""

    source: str
    legal_basis: str
    summary: str


class WarningRecord(msgspec.Struct, frozen=True):
    """A credit record entered from a risk warning, as the warning's page lists it."""

    id: int
    subject: int
    subject_name: str
    kind: CreditKind
    authority: str
    starts_on: dt.date
    ends_on: dt.date | None
    lifted: bool


# (warning id, subject id) → the feed; NotFound for a warning that is not there, a
# DomainError for one that is not confirmed or does not name the subject among its bidders.
Feed = Callable[[int, int], Awaitable[WarningFeed]]
# (authorizer, principal, warning id) → whether the principal reads the warning's page.
Readable = Callable[[Authorizer, Principal, int], Awaitable[bool]]
_feed: list[tuple[Feed, Readable]] = []
NO_WARNING = "风险预警不存在 / no such warning"


def register_warning_feed(feed: Feed, readable: Readable) -> None:
    _feed[:] = [(feed, readable)]


async def readable_warnings(
    authorizer: Authorizer, principal: Principal, records: list[CreditView]
) -> set[int]:
    """The warnings the records were entered from that the principal may open."""
    wanted = {r.risk_warning for r in records if r.risk_warning is not None}
    if not _feed:
        return set()
    readable = _feed[0][1]
    return {w for w in wanted if await readable(authorizer, principal, w)}


async def warning_feed(
    authorizer: Authorizer, principal: Principal, warning_id: int, subject_id: int
) -> WarningFeed:
    """The form's prefill from a confirmed warning, for the library's managers (who enter
    the records from it, whether or not they read the warnings queue)."""
    await authorize(authorizer, principal, HQ, "library", "manage")
    if not _feed:
        raise NotFound(NO_WARNING)
    return await _feed[0][0](warning_id, subject_id)


class CreditNotice(msgspec.Struct, frozen=True):
    """信用公示: what the main portal publishes of a penalty or blacklist record."""

    id: int
    subject_name: str
    credit_code: str
    kind: CreditKind
    legal_basis: str
    authority: str
    summary: str
    starts_on: dt.date
    ends_on: dt.date | None
    lifted: bool


async def _tell_the_subject(subject_id: int, key: str, kind: str, summary: str) -> None:
    """A credit record entered or lifted is told to the subject's own account (in the
    decision's transaction); an imported entry without an account has nobody to tell."""
    owner = (
        await Subject.select(Subject.account.id, Subject.account.email)
        .where(Subject.id == subject_id)
        .first()
    )
    if owner is None or owner["account.id"] is None:
        return
    what = translate(f"label.credit_kind.{kind}", DEFAULT_LOCALE)
    await notify(
        recipients=[(owner["account.id"], owner["account.email"])],
        subject=translate(f"{key}.subject", DEFAULT_LOCALE, what=what),
        body=translate(f"{key}.body", DEFAULT_LOCALE, what=what, summary=summary),
        tenant_id=None,
    )


def _in_force(row: dict[str, object], today: dt.date) -> bool:
    ends_on = row["ends_on"]
    return (
        row["lifted_at"] is None
        and row["starts_on"] <= today  # type: ignore[operator]
        and (ends_on is None or today <= ends_on)  # type: ignore[operator]
    )


async def add_record(
    authorizer: Authorizer,
    principal: Principal,
    subject_id: int,
    form: CreditForm,
    context: RequestContext | None = None,
    *,
    warning: int | None = None,
) -> int:
    """Enter a record; ``warning`` is the confirmed risk warning it is entered from."""
    await authorize(authorizer, principal, HQ, "library", "manage")
    if form.ends_on is not None and form.ends_on < form.starts_on:
        raise DomainError(
            "结束日期早于开始日期 / the period ends before it starts", detail={"field": "ends_on"}
        )
    async with write_transaction():
        if not await Subject.exists().where(Subject.id == subject_id):
            raise NotFound("主体不存在 / no such subject")
        if warning is not None:  # confirmed, and naming the subject, or refused
            await warning_feed(authorizer, principal, warning, subject_id)
        rows = await CreditRecord.insert(
            CreditRecord(
                subject=subject_id,
                created_by=principal.account_id,
                risk_warning=warning,
                **msgspec.structs.asdict(form),
            )
        ).returning(CreditRecord.id)
        record_id = int(rows[0]["id"])
        await _tell_the_subject(subject_id, "notice.credit_added", form.kind.value, form.summary)
        await record(
            actor=principal.actor,
            action=f"library.credit.{form.kind.value}",
            object=f"subject:{subject_id}",
            context=context,
        )
    await PORTAL_CACHE.invalidate(None)  # the credit notices
    return record_id


async def lift(
    authorizer: Authorizer,
    principal: Principal,
    record_id: int,
    reason: str,
    context: RequestContext | None = None,
) -> None:
    """End a record early (信用修复); it stays in the history, marked lifted."""
    await authorize(authorizer, principal, HQ, "library", "manage")
    if not reason.strip():
        raise DomainError("请说明理由 / give the reason", detail={"field": "reason"})
    async with write_transaction():
        row = await CreditRecord.select().where(CreditRecord.id == record_id).first()
        if row is None:
            raise NotFound("信用记录不存在 / no such credit record")
        if row["lifted_at"] is not None:
            return  # lifted already: a retry changes nothing
        await CreditRecord.update(
            {CreditRecord.lifted_at: dt.datetime.now(dt.UTC), CreditRecord.lift_reason: reason}
        ).where(CreditRecord.id == record_id)
        await _tell_the_subject(row["subject"], "notice.credit_lifted", row["kind"], reason)
        await record(
            actor=principal.actor,
            action="library.credit.lift",
            object=f"subject:{row['subject']}",
            context=context,
        )
    await PORTAL_CACHE.invalidate(None)


async def records_of(subject_id: int) -> list[CreditView]:
    today = dt.date.today()
    rows = (
        await CreditRecord.select()
        .where(CreditRecord.subject == subject_id)
        .order_by(CreditRecord.starts_on, ascending=False)
    )
    return [
        CreditView(
            r["id"],
            CreditKind(r["kind"]),
            r["source"],
            r["legal_basis"],
            r["authority"],
            r["summary"],
            r["starts_on"],
            r["ends_on"],
            r["lifted_at"],
            _in_force(r, today),
            r["risk_warning"],
        )
        for r in rows
    ]


async def records_from_warning(warning_id: int) -> list[WarningRecord]:
    rows = (
        await CreditRecord.select(
            CreditRecord.id,
            CreditRecord.subject,
            CreditRecord.subject.name.as_alias("subject_name"),
            CreditRecord.kind,
            CreditRecord.authority,
            CreditRecord.starts_on,
            CreditRecord.ends_on,
            CreditRecord.lifted_at,
        )
        .where(CreditRecord.risk_warning == warning_id)
        .order_by(CreditRecord.id)
    )
    return [
        WarningRecord(
            r["id"],
            r["subject"],
            r["subject_name"],
            CreditKind(r["kind"]),
            r["authority"],
            r["starts_on"],
            r["ends_on"],
            r["lifted_at"] is not None,
        )
        for r in rows
    ]


async def blacklisted(subject_id: int) -> CreditView | None:
    """The blacklist record in force against the subject today, if any."""
    for view in await records_of(subject_id):
        if view.kind is CreditKind.blacklist and view.in_force:
            return view
    return None


async def notices(page: int, per_page: int = 20) -> tuple[list[CreditNotice], bool]:
    rows = (
        await CreditRecord.select(
            CreditRecord.id,
            CreditRecord.subject.name.as_alias("subject_name"),
            CreditRecord.subject.credit_code.as_alias("credit_code"),
            CreditRecord.kind,
            CreditRecord.legal_basis,
            CreditRecord.authority,
            CreditRecord.summary,
            CreditRecord.starts_on,
            CreditRecord.ends_on,
            CreditRecord.lifted_at,
        )
        .where(CreditRecord.kind.is_in(list(PUBLISHED_KINDS)))
        .order_by(CreditRecord.id, ascending=False)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    items = [
        CreditNotice(
            r["id"],
            r["subject_name"],
            r["credit_code"],
            CreditKind(r["kind"]),
            r["legal_basis"],
            r["authority"],
            r["summary"],
            r["starts_on"],
            r["ends_on"],
            r["lifted_at"] is not None,
        )
        for r in rows[:per_page]
    ]
    return items, len(rows) > per_page
