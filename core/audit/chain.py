"""Append and verify. Each digest covers the entry's fields and the previous digest, so an
edited, deleted or reordered entry breaks every link after it.

Appends are serialised (an advisory lock on PostgreSQL, the IMMEDIATE write lock on SQLite)
and run in the caller's transaction: the entry commits with the change or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

import msgspec
from cryptography.hazmat.primitives import hashes
from piccolo.engine.postgres import PostgresEngine

from core.audit.tables import AuditEntry
from core.data.engine import get_engine
from core.settings import get_settings

Outcome = Literal["success", "failure", "denied"]
GENESIS = "0" * 64
CHAIN_LOCK_KEY = 7_270_001  # pg_advisory_xact_lock key reserved for the audit chain


class Actor(msgspec.Struct, frozen=True):
    """Who acts: an account, or the system itself (``account_id`` None)."""

    label: str
    account_id: int | None = None

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(label=f"system:{what}")


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where an action came from."""

    client_ip: str | None = None
    request_id: str | None = None


def _digest(algorithm: str, payload: bytes) -> str:
    h = hashes.Hash(hashes.SM3() if algorithm == "sm3" else hashes.SHA256())
    h.update(payload)
    return h.finalize().hex()


def _payload(row: dict[str, object]) -> bytes:
    fields = {
        k: row[k]
        for k in (
            "seq",
            "actor_id",
            "actor",
            "tenant_id",
            "action",
            "object",
            "outcome",
            "client_ip",
            "request_id",
            "algorithm",
            "prev_digest",
        )
    }
    at = row["at"]
    assert isinstance(at, dt.datetime)
    fields["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


async def record(
    *,
    actor: Actor,
    action: str,
    object: str,
    outcome: Outcome = "success",
    tenant_id: int | None = None,
    context: RequestContext | None = None,
) -> int:
    """Append one entry inside the current transaction; return its sequence number.

    The digest algorithm is SM3 unless ``SUNSHINE_AUDIT_HASH=sha256``; each entry names its own,
    so a chain stays verifiable across a change of the setting.
    """
    algorithm = get_settings().audit_hash
    engine = get_engine()
    if not engine.transaction_exists():
        raise RuntimeError("audit entries are written in the transaction of the change")
    if isinstance(engine, PostgresEngine):
        await AuditEntry.raw("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK_KEY)
    last = (
        await AuditEntry.select(AuditEntry.seq, AuditEntry.digest)
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    context = context or RequestContext()
    row: dict[str, object] = {
        "seq": (last["seq"] + 1) if last else 1,
        "at": dt.datetime.now(dt.UTC),
        "actor_id": actor.account_id,
        "actor": actor.label[:100],
        "tenant_id": tenant_id,
        "action": action,
        "object": object[:200],
        "outcome": outcome,
        "client_ip": context.client_ip,
        "request_id": context.request_id,
        "algorithm": algorithm,
        "prev_digest": last["digest"] if last else GENESIS,
    }
    row["digest"] = _digest(algorithm, _payload(row))
    await AuditEntry.insert(AuditEntry(**row))  # type: ignore[arg-type]
    return int(row["seq"])  # type: ignore[call-overload]


class Verification(msgspec.Struct):
    intact: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None


async def verify(batch: int = 5000) -> Verification:
    """Walk the chain in order; name the first entry whose link does not hold."""
    prev_digest, expected_seq, checked, after = GENESIS, 1, 0, 0
    while True:
        rows = (
            await AuditEntry.select()
            .where(AuditEntry.seq > after)
            .order_by(AuditEntry.seq)
            .limit(batch)
        )
        if not rows:
            return Verification(intact=True, entries=checked)
        for row in rows:
            problem = None
            if row["seq"] != expected_seq:
                problem = (
                    f"缺少第 {expected_seq} 条，下一条为第 {row['seq']} 条（条目被删除）/ "
                    f"expected entry {expected_seq}, found {row['seq']} (deleted entries)"
                )
            elif row["prev_digest"] != prev_digest:
                problem = (
                    "与前一条不衔接（条目被删除或调换顺序）/ "
                    "does not follow the entry before it (deleted or reordered entries)"
                )
            elif _digest(row["algorithm"], _payload(row)) != row["digest"]:
                problem = (
                    "内容与摘要不符（条目被篡改）/ "
                    "its content does not match its digest (edited entry)"
                )
            if problem:
                return Verification(
                    intact=False, entries=checked, first_broken_seq=row["seq"], problem=problem
                )
            prev_digest, expected_seq, checked = row["digest"], expected_seq + 1, checked + 1
        after = rows[-1]["seq"]
