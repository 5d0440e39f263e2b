"""Password rules of the level-3 baseline (等保三级) and argon2 hashing off the event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import DomainError
from core.settings import get_settings

_hasher = PasswordHasher()
# The lowest cost argon2 allows, for a test suite that creates and signs in thousands of
# accounts. Verifying reads the cost from the hash, so either hasher verifies both kinds.
_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# The hash of an account whose password nobody knows yet (a provisioned operator until its
# invitation is accepted). Hashing a random throw-away password instead costs ~0.3 s of CPU
# for nothing; no password ever verifies against this.
UNUSABLE_HASH = "!"
# Verified when there is no hash to check, so that a wrong password costs the same time
# whether the account exists, has a password or not (no probing for accounts by timing).
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$1TJEmKiEA+JYU/R8E5iWhg$uqy+yZXX0HmFuRqFX7lapsnhpx/c9W0AxikFiuwexyM"  # noqa: E501

# ``password_changed_at`` of a first password an administrator set: its holder must replace it
# at first sign-in. It has not expired (nobody chose it), so it is told apart from an old one.
MUST_CHANGE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def check_complexity(password: str, *, field: str = "password") -> None:
    """At least 8 characters from at least 3 of: lower case, upper case, digits, others."""
    classes = sum(any(c in group for c in password) for group in _CLASSES)
    classes += any(not c.isascii() or not c.isalnum() for c in password)
    if len(password) < 8 or classes < 3:
        raise DomainError(
            "口令至少 8 位，且包含大写字母、小写字母、数字、特殊字符中的至少三类 / "
            "the password needs at least 8 characters from at least 3 of: upper case, "
            "lower case, digits, other characters",
            detail={"field": field},
        )


async def hash_password(password: str) -> str:
    # argon2 takes ~100 ms of CPU: keep it off the event loop.
    cheap = get_settings().security.cheap_password_hashing
    return await asyncio.to_thread((_cheap_hasher if cheap else _hasher).hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; None (no such account) and an unusable password never do,
    after the same work as a wrong password."""
    usable = password_hash is not None and password_hash != UNUSABLE_HASH

    def verify() -> bool:
        try:
            return _hasher.verify(password_hash if usable else DUMMY_HASH, password) and usable
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)
