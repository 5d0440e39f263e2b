"""Anchors of the audit chain outside the database (审计日志锚定).

The chain (:mod:`core.audit.chain`) finds an edited, deleted or reordered entry, but not the
newest entries cut off: what is left still links up. So the head — its sequence number,
digest and time — is signed and written to object storage, one object an anchor
(``hq/audit-anchors/<seq>.json``) and the newest again as ``hq/audit-anchors/latest.json``.
A chain whose head is below the latest anchor, or whose entry at the anchor's sequence number
has another digest, has lost entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Literal

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.audit.chain import Actor, record
from core.audit.tables import AuditEntry
from core.data.engine import write_transaction
from core.errors import Conflict
from core.settings import get_settings
from core.storage import ObjectKey, ObjectMissing, ObjectStorage

ANCHORS = "audit-anchors"
LATEST = ObjectKey.for_head_office(ANCHORS, "latest.json")
PURPOSE = b"sunshine audit anchor"  # the signing key's derivation label

AnchorStatus = Literal["intact", "truncated", "refused", "no_anchor"]


class ChainHead(msgspec.Struct, frozen=True):
    """The newest entry of the chain."""

    seq: int
    digest: str
    at: dt.datetime


class Anchor(msgspec.Struct, frozen=True):
    """A signed chain head, as stored."""

    seq: int
    digest: str
    at: dt.datetime  # the head entry's time
    anchored_at: dt.datetime
    signature: str  # HMAC-SHA256, hex, over the fields above


class AnchorCheck(msgspec.Struct, frozen=True):
    """The database's chain against the latest anchor."""

    status: AnchorStatus
    message: str  # "中文 / English"
    head_seq: int  # the database's newest entry; 0 for an empty chain
    anchor: Anchor | None = None  # the latest anchor, when one was read and its signature holds

    @property
    def holds(self) -> bool:
        """Nothing is known to be lost: intact, or nothing to compare with yet."""
        return self.status in ("intact", "no_anchor")


def anchor_key(seq: int) -> ObjectKey:
    return ObjectKey.for_head_office(ANCHORS, f"{seq}.json")


def _signing_key() -> bytes:
    # Keyed with the secret setting (SUNSHINE_SECRET_KEY), because the chain's own digests are
    # not: whoever can write the database can recompute a shortened chain, and whoever can
    # write the bucket could write a matching head. The secret key is in neither. It is
    # derived for this one use, not used as it is, because the local object storage signs
    # its download URLs with HMAC-SHA256 under the secret key itself: no signature made for
    # one of the two is ever valid for the other.
    derivation = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return derivation.derive(get_settings().secret_key.encode())


def _signature(seq: int, digest: str, at: dt.datetime, anchored_at: dt.datetime) -> str:
    message = msgspec.json.encode([seq, digest, at, anchored_at])
    return hmac.new(_signing_key(), message, hashlib.sha256).hexdigest()


async def chain_head() -> ChainHead | None:
    row = (
        await AuditEntry.select(AuditEntry.seq, AuditEntry.digest, AuditEntry.at)
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    if row is None:
        return None
    return ChainHead(seq=row["seq"], digest=row["digest"], at=row["at"].astimezone(dt.UTC))


async def write_anchor(storage: ObjectStorage, head: ChainHead) -> Anchor:
    """Sign ``head`` and store it under its sequence number, then as the latest anchor."""
    anchored_at = dt.datetime.now(dt.UTC)
    anchor = Anchor(
        seq=head.seq,
        digest=head.digest,
        at=head.at,
        anchored_at=anchored_at,
        signature=_signature(head.seq, head.digest, head.at, anchored_at),
    )
    body = msgspec.json.encode(anchor)
    await storage.put(anchor_key(head.seq), body, "application/json")
    await storage.put(LATEST, body, "application/json")
    return anchor


class _Untrusted(Exception):
    """The latest anchor cannot be read, or its signature does not hold."""


async def _latest(storage: ObjectStorage) -> Anchor | None:
    try:
        body = await storage.get(LATEST)
    except ObjectMissing:
        return None
    try:
        anchor = msgspec.json.decode(body, type=Anchor)
    except msgspec.DecodeError as exc:  # ValidationError is one
        raise _Untrusted from exc
    expected = _signature(anchor.seq, anchor.digest, anchor.at, anchor.anchored_at)
    if not hmac.compare_digest(anchor.signature, expected):
        raise _Untrusted
    return anchor


async def check_against_anchor(storage: ObjectStorage) -> AnchorCheck:
    """Compare the database's chain with the latest anchor in object storage."""
    head = await chain_head()
    head_seq = head.seq if head else 0
    try:
        anchor = await _latest(storage)
    except _Untrusted:
        return AnchorCheck(
            status="refused",
            message="锚点无法读取或签名不符（被篡改，或签名密钥已更换），不予采信 / "
            "the anchor cannot be read or its signature does not hold "
            "(tampered, or the secret key changed): refused",
            head_seq=head_seq,
        )
    if anchor is None:
        return AnchorCheck(
            status="no_anchor",
            message="尚无锚点：审计日志还未锚定到对象存储 / "
            "no anchor yet: the audit chain has not been anchored in object storage",
            head_seq=head_seq,
        )
    if head_seq < anchor.seq:
        return AnchorCheck(
            status="truncated",
            message=f"审计日志被截断：锚点记到第 {anchor.seq} 条，数据库只到第 {head_seq} 条 / "
            f"the audit chain is truncated: the anchor reaches entry {anchor.seq}, "
            f"the database only entry {head_seq}",
            head_seq=head_seq,
            anchor=anchor,
        )
    entry = await AuditEntry.select(AuditEntry.digest).where(AuditEntry.seq == anchor.seq).first()
    if entry is None or entry["digest"] != anchor.digest:
        return AnchorCheck(
            status="truncated",
            message=f"审计日志被截断或重写：第 {anchor.seq} 条与锚点的摘要不符 / "
            f"the audit chain is truncated or rewritten: entry {anchor.seq} "
            "does not match the anchor's digest",
            head_seq=head_seq,
            anchor=anchor,
        )
    return AnchorCheck(
        status="intact",
        message=f"审计日志与第 {anchor.seq} 条的锚点一致 / "
        f"the audit chain holds against the anchor at entry {anchor.seq}",
        head_seq=head_seq,
        anchor=anchor,
    )


async def _holding(storage: ObjectStorage) -> AnchorCheck:
    """The check against the latest anchor, when it holds. One that does not is never anchored
    over (:class:`Conflict`): a new latest anchor would hide what was lost."""
    check = await check_against_anchor(storage)
    if not check.holds:
        raise Conflict(check.message)
    return check


async def _anchor(storage: ObjectStorage, actor: Actor) -> Anchor:
    """The anchoring is itself an entry of the chain, and the head anchored: anchoring again
    with nothing new in between finds the head where the anchor is."""
    async with write_transaction():
        await record(actor=actor, action="audit.anchor", object=LATEST.value)
        head = await chain_head()  # the entry just recorded, under the chain's lock
    if head is None:
        raise RuntimeError("the audit chain is empty right after an append")
    return await write_anchor(storage, head)


async def anchor_chain(storage: ObjectStorage, actor: Actor) -> Anchor:
    """Anchor the chain's head now."""
    await _holding(storage)
    return await _anchor(storage, actor)


async def anchor_if_moved(storage: ObjectStorage, actor: Actor) -> Anchor | None:
    """Anchor the chain's head unless it is where the latest anchor is (or the chain is empty)."""
    check = await _holding(storage)
    if check.head_seq == 0 or (check.anchor is not None and check.anchor.seq == check.head_seq):
        return None
    return await _anchor(storage, actor)
