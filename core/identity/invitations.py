"""Invitations: the first password of an account that provisioning made (邀请设置口令)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from core.audit.chain import Actor, RequestContext, record
from core.data.engine import write_transaction
from core.errors import NotFound
from core.identity.passwords import check_complexity, hash_password
from core.identity.tables import Account, Invitation

VALID_FOR = dt.timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(account_id: int) -> str:
    """A new single-use token for the account (in the caller's transaction)."""
    token = secrets.token_urlsafe(32)
    await Invitation.insert(
        Invitation(
            account=account_id,
            token_hash=_hash(token),
            expires_at=dt.datetime.now(dt.UTC) + VALID_FOR,
        )
    )
    return token


async def accept(
    token: str, password: str, *, tenant_id: int | None, context: RequestContext
) -> str:
    """Set the password through a valid invitation of this site; returns the user name.
    Unknown, used, expired and another site's invitations all answer "not found"."""
    check_complexity(password)
    new_hash = await hash_password(password)
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        invitation = (
            await Invitation.select(
                Invitation.id,
                Invitation.expires_at,
                Invitation.used_at,
                Invitation.account.id,
                Invitation.account.username,
                Invitation.account.tenant,
            )
            .where(Invitation.token_hash == _hash(token))
            .first()
        )
        if (
            invitation is None
            or invitation["used_at"] is not None
            or invitation["expires_at"] < now
            or invitation["account.tenant"] != tenant_id
        ):
            raise NotFound("邀请链接无效或已过期 / the invitation is unknown, used or expired")
        account_id = invitation["account.id"]
        await Invitation.update({Invitation.used_at: now}).where(Invitation.id == invitation["id"])
        await Account.update(
            {Account.password_hash: new_hash, Account.password_changed_at: now}
        ).where(Account.id == account_id)
        await record(
            actor=Actor(label=invitation["account.username"], account_id=account_id),
            action="auth.invitation_accept",
            object=f"account:{account_id}",
            tenant_id=tenant_id,
            context=context,
        )
    return invitation["account.username"]
