"""Reading the audit chain (审计日志查阅): filtered pages, newest first, and a CSV export.

Pages follow the sequence number (``before``: the smallest one of the page shown), so a page
never shifts while entries are appended.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.audit.labels import action_label, object_label, outcome_label
from core.audit.tables import AuditEntry
from core.data.engine import get_engine
from core.spreadsheets import inert
from core.tenancy.registry import tenant_names
from themes.i18n import BEIJING, translate

PAGE_SIZE = 50
HEADER_ZH = ("序号", "时间（北京时间）", "操作人", "分平台", "操作", "对象", "结果", "IP", "摘要")
HEADER_EN = (
    "Seq",
    "Time (Beijing)",
    "Actor",
    "Sub-platform",
    "Action",
    "Object",
    "Outcome",
    "IP",
    "Digest",
)
EXPORT_LIMIT = 100_000


class AuditFilter(msgspec.Struct, frozen=True):
    """What the auditor narrows the chain to. Dates are Beijing calendar days, inclusive."""

    actor: str = ""  # the username, or part of it
    tenant_id: int | None = None
    head_office: bool = False  # only entries of no sub-platform
    action: str = ""  # an action or its leading words, e.g. "approval" or "tenant.penalty"
    outcome: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BEIJING)


def _query(wanted: AuditFilter, columns: Sequence[Any]) -> Any:
    query = AuditEntry.select(*columns)
    if wanted.actor:
        pattern = f"%{wanted.actor}%"  # SQLite's LIKE ignores case already; it has no ILIKE
        postgres = isinstance(get_engine(), PostgresEngine)
        query = query.where(
            AuditEntry.actor.ilike(pattern) if postgres else AuditEntry.actor.like(pattern)
        )
    if wanted.head_office:
        query = query.where(AuditEntry.tenant_id.is_null())
    elif wanted.tenant_id is not None:
        query = query.where(AuditEntry.tenant_id == wanted.tenant_id)
    if wanted.action:
        query = query.where(
            (AuditEntry.action == wanted.action) | AuditEntry.action.like(f"{wanted.action}.%")
        )
    if wanted.outcome:
        query = query.where(AuditEntry.outcome == wanted.outcome)
    if wanted.since:
        query = query.where(AuditEntry.at >= _day_start(wanted.since))
    if wanted.until:
        query = query.where(AuditEntry.at < _day_start(wanted.until + dt.timedelta(days=1)))
    return query.order_by(AuditEntry.seq, ascending=False)


COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.tenant_id,
    AuditEntry.action,
    AuditEntry.object,
    AuditEntry.outcome,
    AuditEntry.client_ip,
    AuditEntry.digest,
)


async def page(wanted: AuditFilter, before: int | None = None) -> list[dict[str, Any]]:
    """Up to PAGE_SIZE entries, newest first, older than ``before`` when given."""
    query = _query(wanted, COLUMNS)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    return await query.limit(PAGE_SIZE)


def tenant_label(tenant_id: int | None, names: dict[int, str], locale: str) -> str:
    """Whose entry it is, for the page and the export alike: head office (no tenant), the
    tenant's name, or its id when no name is known (a removed tenant is not head office)."""
    if tenant_id is None:
        return translate("audit.head_office", locale)
    return names.get(tenant_id) or translate("audit.tenant_id", locale, id=tenant_id)


async def export_csv(wanted: AuditFilter, locale: str) -> bytes:
    """The filtered entries as CSV (UTF-8 with BOM, so that Excel reads the Chinese), with the
    digest of each so that a copy can be checked against the chain."""
    rows = await _query(wanted, COLUMNS).limit(EXPORT_LIMIT)
    names = await tenant_names()
    zh = locale != "en"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER_ZH if zh else HEADER_EN)
    for r in rows:
        writer.writerow(
            inert(cell)
            for cell in (
                r["seq"],
                r["at"].astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
                r["actor"],
                tenant_label(r["tenant_id"], names, locale),
                action_label(r["action"], locale),
                object_label(r["object"], locale),
                outcome_label(r["outcome"], locale),
                r["client_ip"] or "",
                r["digest"],
            )
        )
    return out.getvalue().encode("utf-8-sig")
