"""Tenant lookups and registration. Rows leave this module as immutable :class:`TenantRef`."""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from core.data.columns import json_column
from core.data.errors import unique_violation_as
from core.errors import DomainError
from core.tenancy.regions import region_exists
from core.tenancy.tables import Tenant, TenantKind, TenantState

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Labels that name parts of the head office's own site, never a tenant (DNS, mail, console, API).
RESERVED_SLUGS = frozenset(
    {
        "www",
        "admin",
        "api",
        "app",
        "hq",
        "static",
        "assets",
        "mail",
        "smtp",
        "ftp",
        "portal",
        "files",
        "status",
        "t",
        "localhost",
        "test",
        "dev",
        "staging",
        "cdn",
        "ns1",
        "ns2",
    }
)


class TenantRef(msgspec.Struct, frozen=True):
    """What a request knows about its tenant: an immutable snapshot of the registry row."""

    id: int
    slug: str
    name: str
    kind: TenantKind
    state: TenantState
    custom_domain: str | None
    region_code: str | None
    sessions_valid_after: dt.datetime | None = None
    # What its pages call it: the branding's display name (the registered name until set).
    display_name: str = ""

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name


_COLUMNS = (
    Tenant.id,
    Tenant.slug,
    Tenant.name,
    Tenant.kind,
    Tenant.state,
    Tenant.custom_domain,
    Tenant.region_code,
    Tenant.sessions_valid_after,
    Tenant.branding,
)


def _ref(row: dict[str, object]) -> TenantRef:
    branding = json_column(row.pop("branding"), dict)
    tokens = branding.get("tokens") or {}
    shown = tokens.get("display_name") if isinstance(tokens, dict) else None
    return msgspec.convert({**row, "display_name": shown or ""}, TenantRef)


async def find_tenant_by_slug(slug: str) -> TenantRef | None:
    row = await Tenant.select(*_COLUMNS).where(Tenant.slug == slug).first()
    return _ref(row) if row else None


async def find_tenant_by_id(tenant_id: int) -> TenantRef | None:
    row = await Tenant.select(*_COLUMNS).where(Tenant.id == tenant_id).first()
    return _ref(row) if row else None


async def find_tenant_by_domain(domain: str) -> TenantRef | None:
    row = await Tenant.select(*_COLUMNS).where(Tenant.custom_domain == domain).first()
    return _ref(row) if row else None


async def list_tenants(*, states: tuple[TenantState, ...] | None = None) -> list[TenantRef]:
    query = Tenant.select(*_COLUMNS).order_by(Tenant.id)
    if states:
        query = query.where(Tenant.state.is_in([s.value for s in states]))
    return [_ref(row) for row in await query]


async def tenant_names() -> dict[int, str]:
    """Every tenant's name by id, for pages that list rows of many tenants."""
    return {r["id"]: r["name"] for r in await Tenant.select(Tenant.id, Tenant.name)}


def validate_slug(slug: str) -> str:
    if not SLUG_RE.fullmatch(slug):
        raise DomainError(
            "子域名只能包含小写字母、数字和连字符，且不能以连字符开头或结尾 / "
            "the sub-domain may hold lower-case letters, digits and inner hyphens only",
            detail={"field": "slug", "value": slug},
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(
            f"子域名 {slug} 为保留名称 / the sub-domain {slug} is reserved",
            detail={"field": "slug", "value": slug},
        )
    return slug


def validate_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    if not DOMAIN_RE.fullmatch(domain):
        raise DomainError(
            f"自定义域名 {domain} 格式不正确 / {domain} is not a valid domain name",
            detail={"field": "custom_domain", "value": domain},
        )
    return domain


async def register_tenant(
    *,
    slug: str,
    name: str,
    kind: TenantKind,
    custom_domain: str | None = None,
    region_code: str | None = None,
) -> TenantRef:
    """Insert a tenant row. Callers own the surrounding transaction (provisioning, seeding)."""
    slug = validate_slug(slug.strip().lower())
    domain = validate_domain(custom_domain) if custom_domain else None
    if not name.strip():
        raise DomainError("名称不能为空 / the name is required", detail={"field": "name"})
    if region_code is not None and not await region_exists(region_code):
        raise DomainError(
            f"未知地区 / unknown region: {region_code}", detail={"field": "region_code"}
        )
    async with unique_violation_as(
        f"子域名或域名已被使用 / the sub-domain {slug} or domain is already taken",
        field="slug",
    ):
        rows = await Tenant.insert(
            Tenant(
                slug=slug,
                name=name.strip(),
                kind=kind.value,
                custom_domain=domain,
                region_code=region_code,
            )
        ).returning(*_COLUMNS)
    return _ref(rows[0])
