"""S3 backend through boto3. boto3 blocks, so every call runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from core.errors import ConfigError
from core.settings import S3Settings
from core.storage import ObjectKey, ObjectMissing

T = TypeVar("T")

_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})


class S3Storage:
    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.client = boto3.client(
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
                read_timeout=15,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    async def _call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, **kwargs)

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
        await self._call(self.client.head_bucket, Bucket=self.bucket)

    async def put(self, key: ObjectKey, data: bytes, content_type: str) -> None:
        await self._call(
            self.client.put_object,
            Bucket=self.bucket,
            Key=key.value,
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: ObjectKey) -> bytes:
        def read() -> bytes:
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key.value)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in _MISSING_CODES:
                    raise ObjectMissing(key.value) from exc
                raise
            return response["Body"].read()

        return await asyncio.to_thread(read)

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
