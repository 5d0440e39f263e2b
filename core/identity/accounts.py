"""Account creation."""

from __future__ import annotations

import re

from core.data.errors import unique_violation_as
from core.errors import DomainError
from core.identity.passwords import UNUSABLE_HASH, check_complexity, hash_password
from core.identity.tables import Account, AccountKind

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # the shape only: delivery tells the rest


async def create_account(
    *,
    username: str,
    display_name: str,
    kind: AccountKind,
    password: str | None,
    tenant_id: int | None = None,
    email: str | None = None,
) -> int:
    """Create an account and return its id. Tenant staff need a tenant; no one else has one.
    Without a password nobody can sign in until one is set (through an invitation). One
    statement: an account is never left without the e-mail it was registered with."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise DomainError(
            "用户名为 3–64 位小写字母、数字或 . _ - / the username takes 3–64 lower-case "
            "letters, digits or . _ -",
            detail={"field": "username"},
        )
    if (kind is AccountKind.tenant_staff) != (tenant_id is not None):
        raise DomainError("只有分平台工作人员属于分平台 / only tenant staff belong to a tenant")
    if password is None:
        password_hash = UNUSABLE_HASH
    else:
        check_complexity(password)
        password_hash = await hash_password(password)
    async with unique_violation_as(f"用户名 {username} 已存在 / the username is taken"):
        rows = await Account.insert(
            Account(
                username=username,
                display_name=display_name.strip() or username,
                kind=kind.value,
                tenant=tenant_id,
                password_hash=password_hash,
                email=email,
            )
        ).returning(Account.id)
    return rows[0]["id"]
