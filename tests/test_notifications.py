"""Notifications: notices commit with the decision; the outbox sends each e-mail once."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from litestar import Litestar

from core.data.engine import write_transaction
from core.errors import ConfigError
from core.notifications.service import (
    MailDelivery,
    deliver_pending,
    mark_read,
    notices_for,
    notify,
)
from core.notifications.tables import Notice, OutboxEmail
from core.settings import MailSettings, load_settings

SUBJECT = "分平台申请已批准"
BODY = "您好：\n贵单位的分平台开通申请已于今日批准。\n——阳光采购服务平台"
ALL = 10_000  # a batch larger than the outbox: other tests' pending rows can't crowd ours out


def new_account_id() -> int:
    return random.randint(10**8, 2**31 - 1)  # no foreign key: any id the table has not seen


def new_address() -> str:
    return f"n-{uuid.uuid4().hex[:12]}@example.cn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        # The default policy parses into EmailMessage; content is bytes (decode_data off).
        return [
            cast(EmailMessage, message_from_bytes(cast(bytes, e.content), policy=default))
            for e in self.envelopes
            if address in e.rcpt_tos
        ]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, MailSettings]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, smtp_settings(controller.port)
    finally:
        controller.stop()


def smtp_settings(port: int) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, sender="noreply@cg.example.cn", starttls=False)


LOG_ONLY = MailSettings(host=None, port=25, sender="noreply@localhost", starttls=False)


async def outbox_row(address: str) -> dict[str, object]:
    row = await OutboxEmail.select().where(OutboxEmail.to_address == address).first()
    assert row is not None
    return row


async def queue_mail(address: str, subject: str = SUBJECT) -> None:
    async with write_transaction():
        await notify(
            recipients=[(new_account_id(), address)], subject=subject, body=BODY, tenant_id=None
        )


@pytest.mark.asyncio
async def test_notify_writes_notices_and_emails_in_the_transaction(app: Litestar) -> None:
    one, two, address = new_account_id(), new_account_id(), new_address()
    async with write_transaction():
        await notify(
            recipients=[(one, address), (two, None), (two, "  ")],
            subject="关于分平台\r\n的处理决定",
            body=BODY,
            tenant_id=7,
        )
    notices = await Notice.select().where(Notice.account.is_in([one, two]))
    assert len(notices) == 2  # one per account, with or without an address
    assert {n["tenant_id"] for n in notices} == {7}
    assert {n["subject"] for n in notices} == {"关于分平台 的处理决定"}  # fit for a mail header
    row = await outbox_row(address)
    assert (row["subject"], row["body"], row["attempts"]) == ("关于分平台 的处理决定", BODY, 0)
    assert row["sent_at"] is None and row["claimed_at"] is None


@pytest.mark.asyncio
async def test_notify_outside_a_transaction_is_refused(app: Litestar) -> None:
    with pytest.raises(RuntimeError, match="in the transaction of the decision"):
        await notify(recipients=[(1, None)], subject="x", body="y", tenant_id=None)


@pytest.mark.asyncio
async def test_notices_roll_back_with_the_decision(app: Litestar) -> None:
    account, address = new_account_id(), new_address()
    with pytest.raises(RuntimeError, match="boom"):
        async with write_transaction():
            await notify(
                recipients=[(account, address)], subject=SUBJECT, body=BODY, tenant_id=None
            )
            raise RuntimeError("boom")
    assert not await Notice.exists().where(Notice.account == account)
    assert not await OutboxEmail.exists().where(OutboxEmail.to_address == address)


@pytest.mark.asyncio
async def test_a_recipient_reads_only_their_own_notices(app: Litestar) -> None:
    mine, theirs = new_account_id(), new_account_id()
    for subject in ("第一条", "第二条"):
        async with write_transaction():
            await notify(recipients=[(mine, None)], subject=subject, body=BODY, tenant_id=None)
    async with write_transaction():
        await notify(recipients=[(theirs, None)], subject="别人的", body=BODY, tenant_id=None)

    own = await notices_for(mine)
    assert [n.subject for n in own] == ["第二条", "第一条"]  # newest first
    assert not any(n.read for n in own)
    [other] = await notices_for(theirs)

    assert await mark_read(mine, own[0].id)
    assert [n.read for n in await notices_for(mine)] == [True, False]
    assert await mark_read(mine, own[0].id)  # again: still theirs, still read

    assert not await mark_read(mine, other.id)  # not yours …
    assert not await mark_read(mine, 2**31 - 1)  # … answers as not found
    assert not (await notices_for(theirs))[0].read
    assert len(await notices_for(mine, limit=1)) == 1


@pytest.mark.asyncio
async def test_an_email_is_sent_over_smtp_in_utf8(
    app: Litestar, smtp_server: tuple[Inbox, MailSettings]
) -> None:
    inbox, settings = smtp_server
    address = new_address()
    await queue_mail(address)
    assert await deliver_pending(settings, batch=ALL) >= 1

    [message] = inbox.to(address)
    assert message["To"] == address
    assert message["From"] == settings.sender
    assert message["Subject"] == SUBJECT
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().splitlines() == BODY.splitlines()  # CRLF on the wire
    row = await outbox_row(address)
    assert row["sent_at"] is not None and row["delivered_by"] == "smtp"


@pytest.mark.asyncio
async def test_a_failed_send_is_retried_later(
    app: Litestar, smtp_server: tuple[Inbox, MailSettings]
) -> None:
    inbox, settings = smtp_server
    address = new_address()
    await queue_mail(address)
    await deliver_pending(smtp_settings(free_port()), batch=ALL)  # nothing listens there

    row = await outbox_row(address)
    assert row["sent_at"] is None and row["claimed_at"] is None  # free for the next try
    assert row["attempts"] == 1 and "ConnectionRefusedError" in str(row["last_error"])

    await deliver_pending(settings, batch=ALL)
    assert len(inbox.to(address)) == 1
    row = await outbox_row(address)
    assert row["delivered_by"] == "smtp" and row["attempts"] == 1


@pytest.mark.asyncio
async def test_without_smtp_the_email_is_logged_where_serve_shows_it(
    app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    address = new_address()
    await queue_mail(address)
    # No caplog.at_level: the application's own logging configuration lets the line through,
    # up to the root logger, whose handler is what `serve` prints.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # as if the root were quieter than INFO
    try:
        await deliver_pending(LOG_ONLY, batch=ALL)
    finally:
        root.setLevel(level)
    lines = [r for r in caplog.records if r.name == "sunshine.mail" and address in r.message]
    assert lines and lines[0].levelno >= logging.INFO and BODY in lines[0].message
    row = await outbox_row(address)
    assert row["sent_at"] is not None and row["delivered_by"] == "log"


@pytest.mark.asyncio
async def test_a_batch_out_of_time_gives_its_claims_back(
    app: Litestar, smtp_server: tuple[Inbox, MailSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, settings = smtp_server
    address = new_address()
    await queue_mail(address)
    monkeypatch.setattr("core.notifications.service.SEND_BUDGET_S", -1.0)
    await deliver_pending(settings, batch=ALL)
    assert inbox.to(address) == []
    row = await outbox_row(address)
    assert row["claimed_at"] is None and row["sent_at"] is None and row["attempts"] == 0


@pytest.mark.asyncio
async def test_concurrent_deliveries_send_each_email_once(
    app: Litestar, smtp_server: tuple[Inbox, MailSettings]
) -> None:
    inbox, settings = smtp_server
    addresses = [new_address() for _ in range(12)]
    for address in addresses:
        await queue_mail(address)
    await asyncio.gather(*(deliver_pending(settings, batch=ALL) for _ in range(2)))
    assert [len(inbox.to(a)) for a in addresses] == [1] * len(addresses)
    rows = await OutboxEmail.select().where(OutboxEmail.to_address.is_in(addresses))
    assert all(r["delivered_by"] == "smtp" for r in rows)


@pytest.mark.asyncio
async def test_background_delivery_sends_and_stops(app: Litestar) -> None:
    address = new_address()
    delivery = MailDelivery(LOG_ONLY, interval=0.05)
    await delivery.start()
    try:
        await queue_mail(address)
        for _ in range(100):
            if (await outbox_row(address))["sent_at"] is not None:
                break
            await asyncio.sleep(0.05)
        assert (await outbox_row(address))["delivered_by"] == "log"
    finally:
        await delivery.close()


def test_mail_settings_default_to_logging_only(tmp_path: Path) -> None:
    assert load_settings({"SUNSHINE_DATA_DIR": str(tmp_path)}).mail == LOG_ONLY


def test_mail_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    mail = load_settings(
        {
            "SUNSHINE_DATA_DIR": str(tmp_path),
            "SUNSHINE_SMTP_HOST": "smtp.example.cn",
            "SUNSHINE_SMTP_PORT": "587",
            "SUNSHINE_MAIL_FROM": "cg@example.cn",
            "SUNSHINE_SMTP_STARTTLS": "yes",
        }
    ).mail
    assert mail == MailSettings(
        host="smtp.example.cn", port=587, sender="cg@example.cn", starttls=True
    )


@pytest.mark.parametrize(
    ("setting", "value"), [("SUNSHINE_SMTP_PORT", "0"), ("SUNSHINE_SMTP_STARTTLS", "maybe")]
)
def test_malformed_mail_settings_name_themselves(tmp_path: Path, setting: str, value: str) -> None:
    with pytest.raises(ConfigError, match=setting):
        load_settings({"SUNSHINE_DATA_DIR": str(tmp_path), setting: value})
