from __future__ import annotations

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Notice(Table, tablename="notice"):
    """One in-app notice for one account."""

    # A plain account id, not a foreign key: this app stays independent of identity.
    account = Integer(index=True)
    tenant_id = Integer(null=True, default=None)  # the tenant the decision was about
    subject = Varchar(length=200)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)


class OutboxEmail(Table, tablename="outbox_email"):
    """An e-mail written with the decision, sent later from this outbox (see ``service``)."""

    to_address = Varchar(length=254)
    subject = Varchar(length=200)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    claimed_at = Timestamptz(null=True, default=None)  # a worker is sending it since then
    sent_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)  # failed sends so far
    last_error = Varchar(length=500, null=True, default=None)
    delivered_by = Varchar(length=10, null=True, default=None)  # "smtp" or "log"
