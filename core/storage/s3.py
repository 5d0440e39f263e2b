"""S3 backend through boto3. boto3 blocks, so every call runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from core.errors import ConfigError
from core.settings import S3Settings
from core.storage import ObjectKey, ObjectMissing

T = TypeVar("T")

_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})


def _client(settings: S3Settings, *, read_timeout: int, attempts: int) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        aws_access_key_id=settings.access_key_id,
        aws_secret_access_key=settings.secret_access_key,
        # Path-style addressing: self-hosted servers (SeaweedFS, MinIO) have no per-bucket DNS.
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=3,
            read_timeout=read_timeout,
            retries={"max_attempts": attempts, "mode": "standard"},
        ),
    )


class S3Storage:
    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        setting = "S3_ENDPOINT_URL" if settings.endpoint_url else "S3_REGION"
        try:
            self.client = _client(settings, read_timeout=15, attempts=2)
            # The readiness probe gives up fast: a hung S3 must not hold threads for long.
            self.probe_client = _client(settings, read_timeout=3, attempts=1)
        except Exception as exc:
            raise ConfigError(setting, f"is not usable ({type(exc).__name__}: {exc})") from exc
        # boto3 blocks: its calls get threads of their own, so a slow S3 can't starve the
        # default pool that argon2 and local file I/O use.
        self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="s3")

    async def _call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, **kwargs))

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.client.close()
        self.probe_client.close()

    async def start(self) -> None:
        setting = "S3_ENDPOINT_URL" if self.settings.endpoint_url else "S3_BUCKET"
        try:
            try:
                await self._call(self.client.head_bucket, Bucket=self.bucket)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in _MISSING_CODES:
                    raise
                await self._call(self.client.create_bucket, Bucket=self.bucket)
        except Exception as exc:
            raise ConfigError(
                setting, f"cannot use bucket {self.bucket!r} ({type(exc).__name__}: {exc})"
            ) from exc

    async def check(self) -> None:
        await self._call(self.probe_client.head_bucket, Bucket=self.bucket)

    async def put(self, key: ObjectKey, data: bytes, content_type: str) -> None:
        await self._call(
            self.client.put_object,
            Bucket=self.bucket,
            Key=key.value,
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: ObjectKey) -> bytes:
        data, _ = await self.get_with_type(key)
        return data

    async def get_with_type(self, key: ObjectKey) -> tuple[bytes, str]:
        def read() -> tuple[bytes, str]:
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key.value)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in _MISSING_CODES:
                    raise ObjectMissing(key.value) from exc
                raise
            return response["Body"].read(), response.get("ContentType", "")

        return await self._call(read)

    async def keys(self) -> list[ObjectKey]:
        def listing() -> list[ObjectKey]:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
            return [ObjectKey.parse(o["Key"]) for page in pages for o in page.get("Contents", [])]

        return await self._call(listing)

    async def delete(self, key: ObjectKey) -> None:
        await self._call(self.client.delete_object, Bucket=self.bucket, Key=key.value)

    async def exists(self, key: ObjectKey) -> bool:
        try:
            await self._call(self.client.head_object, Bucket=self.bucket, Key=key.value)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING_CODES:
                return False
            raise
        return True

    async def presigned_url(self, key: ObjectKey, *, expires_in: int = 300) -> str:
        return await self._call(
            self.client.generate_presigned_url,
            ClientMethod="get_object",
            Params={"Bucket": self.bucket, "Key": key.value},
            ExpiresIn=expires_in,
        )
