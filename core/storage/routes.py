"""Download route for presigned URLs of the local-directory backend."""

from __future__ import annotations

import mimetypes

from litestar import Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from core.storage import ObjectKey, ObjectMissing
from core.storage.local import DOWNLOAD_PATH, LocalStorage
from core.tenancy.site import Site

# Objects are uploads: never rendered as a page of the site that serves them.
SAFE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Content-Disposition": "attachment",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
}


@get(f"{DOWNLOAD_PATH}/{{key:path}}", include_in_schema=False)
async def download_object(
    key: FromPath[str],
    expires: FromQuery[int],
    signature: FromQuery[str],
    state: State,
    site: NamedDependency[Site],
) -> Response[bytes]:
    """Serve one object when the URL's signature and expiry hold and the object belongs to
    this site (the main portal serves any); every failure is the same 404."""
    storage = state.object_storage
    key = key.lstrip("/")
    if not isinstance(storage, LocalStorage) or not storage.verify(key, expires, signature):
        raise NotFoundException()
    object_key = ObjectKey(key)
    if site.tenant is not None and object_key.owner != f"tenants/{site.tenant.id}":
        raise NotFoundException()
    try:
        data = await storage.get(object_key)
    except ObjectMissing:
        raise NotFoundException() from None
    media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return Response(data, media_type=media_type, headers=SAFE_HEADERS)
