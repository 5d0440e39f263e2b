"""Download route for presigned URLs of the local-directory backend."""

from __future__ import annotations

import mimetypes

from litestar import Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from core.storage import ObjectKey, ObjectMissing
from core.storage.local import DOWNLOAD_PATH, LocalStorage


@get(f"{DOWNLOAD_PATH}/{{key:path}}", include_in_schema=False)
async def download_object(
    key: FromPath[str], expires: FromQuery[int], signature: FromQuery[str], state: State
) -> Response[bytes]:
    """Serve one object when the URL's signature and expiry hold; any failure is a 404."""
    storage = state.object_storage
    key = key.lstrip("/")
    if not isinstance(storage, LocalStorage) or not storage.verify(key, expires, signature):
        raise NotFoundException()
    try:
        data = await storage.get(ObjectKey(key))
    except ObjectMissing:
        raise NotFoundException() from None
    media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, no-store"})
