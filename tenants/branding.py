"""A sub-site's branding (品牌要素) and its requests to go beyond the uniform theme (个性化需求).

The tenant's admin sets the theme's tokens directly, each validated: the accent must be in the
palette, the logo and banner must be PNG or JPEG images within size and dimension limits.
Menu items, page blocks and the home layout are a change request that head office approves
(seed 000 Art. 11, 19(3)); the approval writes them as data the theme understands.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import msgspec
from piccolo.engine.postgres import PostgresEngine
from PIL import Image, UnidentifiedImageError

from core.approvals import service as approvals
from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.data.columns import json_column
from core.data.engine import get_engine, write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.richtext import sanitise
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.registry import TenantRef
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import Tenant
from themes.cache import PORTAL_CACHE
from themes.palette import PALETTE
from themes.tokens import Branding, Customisation, PageBlock, images_of

CHANGE_REQUEST_TYPE = "change_request"
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


class ImageKind(StrEnum):
    logo = "logo"
    banner = "banner"


@dataclass(frozen=True)
class ImageRule:
    max_bytes: int
    min_size: tuple[int, int]  # width, height
    max_size: tuple[int, int]


IMAGE_RULES = {
    ImageKind.logo: ImageRule(512 * 1024, (32, 32), (1024, 1024)),
    ImageKind.banner: ImageRule(2 * 1024 * 1024, (600, 100), (3000, 1000)),
}


class ChangeRequestBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The whole customisation the tenant wants (it replaces the current one once approved)."""

    custom: Customisation
    reason: Annotated[str, msgspec.Meta(min_length=4, max_length=1000)]


async def _locked_branding(tenant_id: int) -> dict[str, object]:
    if isinstance(get_engine(), PostgresEngine):
        await Tenant.raw("SELECT id FROM tenant WHERE id = {} FOR UPDATE", tenant_id)
    row = await Tenant.select(Tenant.branding).where(Tenant.id == tenant_id).first()
    if row is None:
        raise NotFound("分平台不存在 / no such sub-platform")
    return json_column(row["branding"], dict)


async def _save(tenant_id: int, data: dict[str, object]) -> None:
    await Tenant.update({Tenant.branding: data}).where(Tenant.id == tenant_id)


async def set_tokens(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    tokens: Branding,
    context: RequestContext | None = None,
) -> None:
    await authorize(authorizer, principal, tenant_domain(tenant.id), "branding", "manage")
    if tokens.accent not in PALETTE:
        raise DomainError(
            f"主题色须从调色板中选择 / the accent must be one of {', '.join(PALETTE)}",
            detail={"field": "accent"},
        )
    async with write_transaction():
        data = await _locked_branding(tenant.id)
        data["tokens"] = msgspec.to_builtins(tokens)
        await _save(tenant.id, data)
        await record(
            actor=principal.actor,
            action="branding.set",
            object=f"tenant:{tenant.id}",
            tenant_id=tenant.id,
            context=context,
        )
    # The display name is in every request's tenant snapshot (console, sign-in page titles)
    # and in the pages that list the tenant: refresh the snapshot, then drop those pages.
    await TENANT_CACHE.changed()
    await PORTAL_CACHE.invalidate(tenant.id)


def check_image(kind: ImageKind, data: bytes) -> tuple[str, str]:
    """(format, content type) of an acceptable image; a DomainError saying what is wrong."""
    rule = IMAGE_RULES[kind]
    if len(data) > rule.max_bytes:
        raise DomainError(
            f"图片不能超过 {rule.max_bytes // 1024} KB / the image is larger than "
            f"{rule.max_bytes // 1024} KB",
            detail={"field": kind.value},
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # reads the whole file: a truncated or forged one fails here
            image_format, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            "文件不是 PNG 或 JPEG 图片 / the file is not a PNG or JPEG image",
            detail={"field": kind.value},
        ) from None
    if image_format not in FORMATS:
        raise DomainError(
            "文件不是 PNG 或 JPEG 图片 / the file is not a PNG or JPEG image",
            detail={"field": kind.value},
        )
    (min_w, min_h), (max_w, max_h) = rule.min_size, rule.max_size
    if not (min_w <= size[0] <= max_w and min_h <= size[1] <= max_h):
        raise DomainError(
            f"图片尺寸须在 {min_w}×{min_h} 至 {max_w}×{max_h} 像素之间 / the image must be "
            f"between {min_w}×{min_h} and {max_w}×{max_h} pixels (it is {size[0]}×{size[1]})",
            detail={"field": kind.value},
        )
    return image_format, FORMATS[image_format]


async def upload_image(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    kind: ImageKind,
    data: bytes,
    context: RequestContext | None = None,
) -> str:
    """Store a new logo or banner and point the branding at it; the old object is removed."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "branding", "manage")
    image_format, content_type = check_image(kind, data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    # A fresh name each time: a failed upload of the image in use must not delete it.
    key = ObjectKey.for_tenant(
        tenant.id,
        "branding",
        f"{kind.value}-{digest}-{uuid.uuid4().hex[:8]}.{image_format.lower()}",
    )
    await storage.put(key, data, content_type)
    try:
        async with write_transaction():
            data_json = await _locked_branding(tenant.id)
            images = msgspec.to_builtins(images_of(data_json))
            previous = images.get(kind.value)
            images[kind.value] = key.value
            data_json["images"] = images
            await _save(tenant.id, data_json)
            await record(
                actor=principal.actor,
                action=f"branding.{kind.value}",
                object=f"tenant:{tenant.id}",
                tenant_id=tenant.id,
                context=context,
            )
    except BaseException:
        await discard(storage, key)
        raise
    if previous and previous != key.value:
        await discard(storage, ObjectKey(previous))
    await PORTAL_CACHE.invalidate(tenant.id)
    return key.value


async def image_of(tenant_id: int, kind: ImageKind) -> ObjectKey:
    row = await Tenant.select(Tenant.branding).where(Tenant.id == tenant_id).first()
    key = getattr(images_of(json_column(row["branding"], dict)), kind.value) if row else None
    if key is None:
        raise NotFound("未设置图片 / no such image")
    return ObjectKey(key)


async def request_change(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    body: ChangeRequestBody,
    context: RequestContext | None = None,
) -> int:
    """Ask head office for menu items, page blocks or a layout; block text is sanitised now."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "theme", "request")
    blocks = tuple(PageBlock(b.title, sanitise(b.body_html)) for b in body.custom.blocks)
    custom = msgspec.structs.replace(body.custom, blocks=blocks)
    async with write_transaction():
        return await approvals.submit(
            type=CHANGE_REQUEST_TYPE,
            subject=f"change_request:t{tenant.id}",
            submitter=principal,
            tenant_id=tenant.id,
            payload={"custom": msgspec.to_builtins(custom), "reason": body.reason},
            context=context,
        )


async def _apply_change(request: dict[str, object], _decider: Principal) -> None:
    payload = json_column(request["payload"], dict)
    tenant_id = int(request["tenant_id"])  # type: ignore[call-overload]
    data = await _locked_branding(tenant_id)
    data["custom"] = payload["custom"]
    await _save(tenant_id, data)


async def _invalidate(request: dict[str, object]) -> None:
    await PORTAL_CACHE.invalidate(int(request["tenant_id"]))  # type: ignore[call-overload]


approvals.register(
    approvals.ApprovalType(
        name=CHANGE_REQUEST_TYPE, on_approved=_apply_change, after_approved=_invalidate
    )
)
