"""Object storage: both backends behind one interface, keys prefixed by owner."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.errors import ConfigError
from core.settings import S3Settings, load_settings
from core.storage import ObjectKey, ObjectMissing, ObjectStorage, build_object_storage
from core.storage.local import LocalStorage
from core.storage.s3 import S3Storage
from tests.conftest import SETTINGS, requires


def test_keys_start_with_their_owner() -> None:
    assert ObjectKey.for_tenant(7, "materials", "licence.pdf").value == (
        "tenants/7/materials/licence.pdf"
    )
    assert ObjectKey.for_tenant(7, "x.pdf").owner == "tenants/7"
    assert ObjectKey.for_head_office("themes", "logo.png").owner == "hq"


@pytest.mark.parametrize("part", ["..", "../x", "a/b", "", ".hidden", "a\\b", "名.pdf"])
def test_unsafe_key_parts_are_refused(part: str) -> None:
    with pytest.raises(ValueError, match="unsafe object key part"):
        ObjectKey.for_tenant(1, part)


def test_a_listed_key_is_parsed_back_with_its_owner() -> None:
    key = ObjectKey.for_tenant(7, "bids", "3", "a.sealed")
    assert ObjectKey.parse(key.value) == key
    assert ObjectKey.parse("hq/audit-anchors/latest.json").owner == "hq"
    for bad in ("other/1/x", "tenants/x/y", "tenants/7/../8/x", "hq"):
        with pytest.raises(ValueError):
            ObjectKey.parse(bad)


def test_a_key_needs_a_part_after_its_owner() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        ObjectKey.for_head_office()


def test_settings_choose_the_backend(tmp_path: Path) -> None:
    base = {"SUNSHINE_DATA_DIR": str(tmp_path)}
    assert isinstance(build_object_storage(load_settings(base)), LocalStorage)
    s3 = load_settings({**base, "S3_BUCKET": "b", "S3_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert isinstance(build_object_storage(s3), S3Storage)


async def _roundtrip(storage: ObjectStorage, fetch: object) -> None:
    key = ObjectKey.for_tenant(42, "materials", f"{uuid.uuid4().hex}.pdf")
    body = b"%PDF-1.7 sunshine test " + uuid.uuid4().bytes
    assert not await storage.exists(key)
    await storage.put(key, body, "application/pdf")
    assert await storage.exists(key)
    assert await storage.get(key) == body
    assert key in await storage.keys()  # what a backup lists
    data, content_type = await storage.get_with_type(key)
    assert data == body and content_type in {"application/pdf", "application/octet-stream"}
    url = await storage.presigned_url(key, expires_in=60)
    assert await fetch(url) == body  # type: ignore[operator]
    await storage.delete(key)
    assert not await storage.exists(key)
    with pytest.raises(ObjectMissing):
        await storage.get(key)
    await storage.delete(key)  # absent is not an error


@pytest.mark.asyncio
async def test_local_backend_roundtrip(tmp_path: Path) -> None:
    """Whatever the app runs on, the embedded backend keeps its contract."""
    storage = LocalStorage(tmp_path, secret_key="k" * 40)
    await storage.start()

    async def fetch(url: str) -> bytes:
        parsed = urlsplit(url)
        query = parse_qs(parsed.query)
        key = unquote(parsed.path.removeprefix("/files/"))
        assert storage.verify(key, int(query["expires"][0]), query["signature"][0])
        return await storage.get(ObjectKey(key))

    await _roundtrip(storage, fetch)


@pytest.mark.asyncio
async def test_local_presigned_url_downloads_through_the_app(app: Litestar) -> None:
    storage = app.state.object_storage
    if not isinstance(storage, LocalStorage):
        pytest.skip("the app runs on S3; its download route serves local objects only")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://sunshine.test"
    ) as client:

        async def fetch(url: str) -> bytes:
            response = await client.get(url)
            assert response.status_code == 200
            assert response.headers["cache-control"] == "private, no-store"
            return response.content

        await _roundtrip(storage, fetch)


@pytest.mark.asyncio
async def test_local_presigned_url_refuses_tampering_and_expiry(app: Litestar) -> None:
    storage = app.state.object_storage
    if not isinstance(storage, LocalStorage):
        pytest.skip("the app runs on S3")
    key = ObjectKey.for_tenant(1, "a.pdf")
    await storage.put(key, b"secret", "application/pdf")
    await storage.put(ObjectKey.for_tenant(2, "a.pdf"), b"other", "application/pdf")
    good = await storage.presigned_url(key)
    other = good.replace("tenants/1/a.pdf", "tenants/2/a.pdf")  # signed for another key
    expired = await storage.presigned_url(key, expires_in=-1)
    forged = good[:-4] + "0000"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://sunshine.test"
    ) as client:
        response = await client.get(good)
        assert response.content == b"secret"
        assert response.headers["content-disposition"] == "attachment"
        assert response.headers["x-content-type-options"] == "nosniff"
        for url in (other, expired, forged, good.split("?")[0]):
            assert (await client.get(url)).status_code in (400, 404), url


@pytest_asyncio.fixture
async def s3() -> AsyncIterator[S3Storage]:
    assert SETTINGS.s3 is not None
    storage = S3Storage(SETTINGS.s3)
    await storage.start()
    yield storage


@requires("s3")
@pytest.mark.asyncio
async def test_s3_backend_roundtrip_and_presigned_url(s3: S3Storage) -> None:
    async def fetch(url: str) -> bytes:
        assert url.startswith(SETTINGS.s3.endpoint_url or "https://")  # type: ignore[union-attr]
        async with httpx.AsyncClient() as client:
            response = await client.get(url)
        assert response.status_code == 200
        return response.content

    await _roundtrip(s3, fetch)


@requires("s3")
@pytest.mark.asyncio
async def test_s3_creates_its_bucket_at_start() -> None:
    assert SETTINGS.s3 is not None
    bucket = f"sunshine-new-{uuid.uuid4().hex[:8]}"
    storage = S3Storage(dataclasses.replace(SETTINGS.s3, bucket=bucket))
    await storage.start()
    await storage.check()
    await storage.start()  # idempotent


@pytest.mark.asyncio
async def test_unreachable_s3_at_start_names_the_setting() -> None:
    storage = S3Storage(
        S3Settings(
            bucket="b",
            endpoint_url="http://127.0.0.1:9",
            region="us-east-1",
            access_key_id="x",
            secret_access_key="y",
        )
    )
    with pytest.raises(ConfigError) as refused:
        await storage.start()
    assert refused.value.setting == "S3_ENDPOINT_URL"
