"""Write notices with the decision; send the e-mails afterwards from an outbox.

A decision's notices and e-mails are rows written in the decision's own transaction, so they
exist exactly when the decision does. Sending happens later, outside any transaction: a
worker claims a batch of unsent rows for ``CLAIM_SECONDS``, so concurrent workers (several
processes, several hosts) don't send the same e-mail, and a worker that died mid-batch leaves
claims that expire and are taken up again. Delivery is therefore at least once, not exactly
once: a send that succeeded just before its worker died is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import smtplib
import ssl
import time
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import msgspec

from core.data.engine import get_engine
from core.notifications.tables import Notice, OutboxEmail
from core.settings import MailSettings

log = logging.getLogger("sunshine.mail")

CLAIM_SECONDS = 60
# A batch that has sent for this long gives its unsent rest back before the claim expires and
# another worker could send those too (an unreachable server costs a timeout per message).
SEND_BUDGET_S = CLAIM_SECONDS / 2
SMTP_TIMEOUT_S = 10
# 7-bit transfer encoding (base64 or quoted-printable for Chinese text), so the message goes
# through servers that don't announce 8BITMIME.
MAIL_POLICY = SMTP.clone(cte_type="7bit")


async def notify(
    *,
    recipients: list[tuple[int, str | None]],
    subject: str,
    body: str,
    tenant_id: int | None,
) -> None:
    """Write one notice per account and one e-mail per address, in the current transaction.

    ``recipients`` are ``(account id, e-mail address or None)``. Raises RuntimeError outside a
    transaction: a notice must commit with its decision or not at all.
    """
    if not get_engine().transaction_exists():
        raise RuntimeError("notices are written in the transaction of the decision")
    # A line break in a subject would be refused as a mail header at every send attempt.
    subject = " ".join(subject.split())[:200]
    accounts = dict.fromkeys(account for account, _ in recipients)
    addresses = dict.fromkeys(a.strip() for _, a in recipients if a and a.strip())
    if accounts:
        await Notice.insert(
            *(Notice(account=a, tenant_id=tenant_id, subject=subject, body=body) for a in accounts)
        )
    if addresses:
        await OutboxEmail.insert(
            *(OutboxEmail(to_address=a, subject=subject, body=body) for a in addresses)
        )


class NoticeView(msgspec.Struct, frozen=True):
    """A notice as its recipient sees it."""

    id: int
    subject: str
    body: str
    created_at: dt.datetime
    read: bool


async def notices_for(account_id: int, *, limit: int = 50) -> list[NoticeView]:
    """The account's notices, newest first."""
    rows = (
        await Notice.select(
            Notice.id, Notice.subject, Notice.body, Notice.created_at, Notice.read_at
        )
        .where(Notice.account == account_id)
        .order_by(Notice.created_at, Notice.id, ascending=False)
        .limit(limit)
    )
    return [
        NoticeView(
            id=r["id"],
            subject=r["subject"],
            body=r["body"],
            created_at=r["created_at"],
            read=r["read_at"] is not None,
        )
        for r in rows
    ]


async def mark_read(account_id: int, notice_id: int) -> bool:
    """Mark the account's own notice read; False when there is no such notice *of theirs*,
    so the answer doesn't reveal whether another account's notice exists."""
    mine = (Notice.id == notice_id) & (Notice.account == account_id)
    if not await Notice.exists().where(mine):
        return False
    # Only the first reading is kept.
    await Notice.update({Notice.read_at: dt.datetime.now(dt.UTC)}).where(
        mine & Notice.read_at.is_null()
    )
    return True


def _send(settings: MailSettings, to_address: str, subject: str, body: str) -> None:
    """Blocking: one SMTP conversation per message. Run in a thread."""
    assert settings.host is not None
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = settings.sender
    message["To"] = to_address
    message["Subject"] = subject
    message.set_content(body)  # UTF-8
    with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        smtp.send_message(message)


async def _claim(batch: int) -> list[dict[str, Any]]:
    """Take up to ``batch`` unsent e-mails that no live claim holds.

    The UPDATE repeats the claim condition, so of two workers that selected the same ids only
    one gets each row back: PostgreSQL re-checks the condition after waiting for the other's
    row lock, and SQLite runs one write at a time.
    """
    now = dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(seconds=CLAIM_SECONDS)
    free = OutboxEmail.sent_at.is_null() & (
        OutboxEmail.claimed_at.is_null() | (OutboxEmail.claimed_at < cutoff)
    )
    ids = [
        r["id"]
        for r in await OutboxEmail.select(OutboxEmail.id)
        .where(free)
        .order_by(OutboxEmail.id)
        .limit(batch)
    ]
    if not ids:
        return []
    return (
        await OutboxEmail.update({OutboxEmail.claimed_at: now})
        .where(OutboxEmail.id.is_in(ids) & free)
        .returning(OutboxEmail.id, OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.body)
    )


async def deliver_pending(settings: MailSettings, *, batch: int = 20) -> int:
    """Send up to ``batch`` unsent e-mails; return how many were delivered.

    Without an SMTP host the e-mails are logged and count as delivered (``delivered_by`` "log").
    A failed send is counted in ``attempts`` with its error and released for a later call.
    """
    claimed = await _claim(batch)
    started = time.monotonic()
    delivered = 0
    for i, row in enumerate(claimed):
        if time.monotonic() - started > SEND_BUDGET_S:
            rest = [r["id"] for r in claimed[i:]]
            await OutboxEmail.update({OutboxEmail.claimed_at: None}).where(
                OutboxEmail.id.is_in(rest)
            )
            break
        to_address, subject, body = row["to_address"], row["subject"], row["body"]
        this = OutboxEmail.id == row["id"]
        if settings.host is None:
            log.info("e-mail (no SMTP host set) to %s: %s\n%s", to_address, subject, body)
            via = "log"
        else:
            try:
                await asyncio.to_thread(_send, settings, to_address, subject, body)
            except Exception as exc:  # refused, unreachable, malformed: this message only
                log.warning("e-mail %s to %s not sent: %s", row["id"], to_address, exc)
                await OutboxEmail.update(
                    {
                        OutboxEmail.attempts: OutboxEmail.attempts + 1,
                        OutboxEmail.last_error: f"{type(exc).__name__}: {exc}"[:500],
                        OutboxEmail.claimed_at: None,
                    }
                ).where(this)
                continue
            via = "smtp"
        await OutboxEmail.update(
            {OutboxEmail.sent_at: dt.datetime.now(dt.UTC), OutboxEmail.delivered_by: via}
        ).where(this)
        delivered += 1
    return delivered


class MailDelivery:
    """Runs :func:`deliver_pending` every ``interval`` seconds for the application's lifetime.

    Every worker process may run one: the claims keep them from sending the same e-mail.
    """

    def __init__(self, settings: MailSettings, interval: float = 5.0) -> None:
        self.settings = settings
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            # Wait first: at start-up the schema may still be migrating.
            await asyncio.sleep(self.interval)
            try:
                await deliver_pending(self.settings)
            except Exception:  # the database may be briefly away: try again next round
                log.warning("e-mail delivery failed; retrying", exc_info=True)
