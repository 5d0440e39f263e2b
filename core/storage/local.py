"""Local-directory backend for the embedded default.

Presigned URLs are served by this application at ``/files/<key>``, signed with the secret key
(HMAC-SHA256 over key and expiry), the same contract as an S3 presigned URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from core.errors import ConfigError
from core.storage import ObjectKey, ObjectMissing

DOWNLOAD_PATH = "/files"


class LocalStorage:
    def __init__(self, root: Path, *, secret_key: str) -> None:
        self.root = root
        self._secret = secret_key.encode()

    def _path(self, key: ObjectKey) -> Path:
        return self.root / key.value  # ObjectKey parts are checked: no "..", no absolute parts

    async def start(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            await self.check()
        except OSError as exc:
            raise ConfigError(
                "SUNSHINE_DATA_DIR", f"cannot write objects in {self.root}: {exc}"
            ) from exc

    async def close(self) -> None:
        """Nothing to release."""

    async def check(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")

    async def put(self, key: ObjectKey, data: bytes, content_type: str) -> None:
        def write() -> None:
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half an object, two writers never share
            # a temporary file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

        await asyncio.to_thread(write)

    async def get(self, key: ObjectKey) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise ObjectMissing(key.value) from None

    async def delete(self, key: ObjectKey) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: ObjectKey) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def keys(self) -> list[ObjectKey]:
        def walk() -> list[ObjectKey]:
            # A name starting with "." is a write in progress (see put).
            files = (p for p in self.root.rglob("*") if p.is_file() and p.name[0] != ".")
            return [ObjectKey.parse(p.relative_to(self.root).as_posix()) for p in files]

        return sorted(await asyncio.to_thread(walk), key=lambda k: k.value)

    async def get_with_type(self, key: ObjectKey) -> tuple[bytes, str]:
        # Local files keep no content type; downloads are typed by their routes.
        return await self.get(key), "application/octet-stream"

    def _signature(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    async def presigned_url(self, key: ObjectKey, *, expires_in: int = 300) -> str:
        expires = int(time.time()) + expires_in
        query = urlencode({"expires": expires, "signature": self._signature(key.value, expires)})
        return f"{DOWNLOAD_PATH}/{quote(key.value)}?{query}"

    def verify(self, key: str, expires: int, signature: str) -> bool:
        """True when the URL was signed here for this key and has not expired."""
        if expires < time.time():
            return False
        return hmac.compare_digest(self._signature(key, expires), signature)
