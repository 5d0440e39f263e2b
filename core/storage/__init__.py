"""Object storage: one interface, an S3 backend and a local-directory backend.

Every key starts with its owner — ``tenants/<id>/…`` or ``hq/…`` — and :class:`ObjectKey`
is the only way to make one, so an object can't be stored without saying whose it is.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from core.settings import Settings

log = logging.getLogger("sunshine.storage")
PART_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True, slots=True)
class ObjectKey:
    value: str

    @classmethod
    def for_tenant(cls, tenant_id: int, *parts: str) -> ObjectKey:
        return cls(_join(f"tenants/{int(tenant_id)}", parts))

    @classmethod
    def for_head_office(cls, *parts: str) -> ObjectKey:
        return cls(_join("hq", parts))

    @classmethod
    def parse(cls, value: str) -> ObjectKey:
        """A key read back from a listing or a backup, checked as when it was made."""
        head, _, rest = value.partition("/")
        if head == "hq":
            return cls.for_head_office(*rest.split("/"))
        number, _, rest = rest.partition("/")
        if head != "tenants" or not number.isdigit():
            raise ValueError(f"object key {value!r} names no owner")
        return cls.for_tenant(int(number), *rest.split("/"))

    @property
    def owner(self) -> str:
        """``hq`` or ``tenants/<id>``."""
        head = self.value.split("/", 2)
        return "hq" if head[0] == "hq" else "/".join(head[:2])


def _join(prefix: str, parts: tuple[str, ...]) -> str:
    if not parts:
        raise ValueError("an object key needs at least one part after its owner")
    for part in parts:
        if not PART_RE.fullmatch(part) or ".." in part:
            raise ValueError(f"unsafe object key part {part!r}")
    return "/".join((prefix, *parts))


class ObjectMissing(LookupError):
    """No object under that key."""


class ObjectStorage(Protocol):
    async def start(self) -> None:
        """Prepare the backend (create the bucket or directory); ConfigError when unusable."""

    async def check(self) -> None:
        """Raise when the backend cannot be reached (readiness probe)."""

    async def close(self) -> None:
        """Release clients and threads."""

    async def put(self, key: ObjectKey, data: bytes, content_type: str) -> None: ...

    async def get(self, key: ObjectKey) -> bytes:
        """The object's bytes; :class:`ObjectMissing` when absent."""

    async def delete(self, key: ObjectKey) -> None:
        """Remove the object; absent is not an error."""

    async def exists(self, key: ObjectKey) -> bool: ...

    async def keys(self) -> list[ObjectKey]:
        """Every stored key, for backups."""

    async def get_with_type(self, key: ObjectKey) -> tuple[bytes, str]:
        """The object's bytes and its content type, for backups."""

    async def presigned_url(self, key: ObjectKey, *, expires_in: int = 300) -> str:
        """A URL that downloads the object without a session, for ``expires_in`` seconds."""


async def discard(storage: ObjectStorage, key: ObjectKey) -> None:
    """Delete ``key`` if the storage lets us: for clean-ups. An object no row points at is
    harmless, so its storage being down must neither fail a write that has committed nor
    hide the error of one that has not."""
    try:
        await storage.delete(key)
    except Exception as exc:
        log.warning("object %s left behind: %r", key.value, exc)


def build_object_storage(settings: Settings) -> ObjectStorage:
    if settings.s3 is not None:
        from core.storage.s3 import S3Storage

        return S3Storage(settings.s3)
    from core.storage.local import LocalStorage

    return LocalStorage(settings.object_storage_dir, secret_key=settings.secret_key)
