"""Demo data: the head office and three tenants — two cities and one provincial enterprise.

Idempotent: what exists is left as it is. Later features add their sample data here.
"""

from __future__ import annotations

import os
import secrets

from core.identity.accounts import create_account
from core.identity.tables import Account, AccountKind
from core.settings import get_settings
from core.tenancy.registry import find_tenant_by_slug, register_tenant
from core.tenancy.tables import TenantKind
from core.tenancy.urls import main_portal_url, tenant_url

DEMO_TENANTS = (
    ("jinan", "济南市阳光采购服务分平台", TenantKind.city),
    ("qingdao", "青岛市阳光采购服务分平台", TenantKind.city),
    ("sdenergy", "山东能源集团阳光采购服务分平台", TenantKind.enterprise),
)
DEMO_ADMIN = "admin"


async def seed_demo() -> list[str]:
    """Seed what is missing and return lines telling where to look."""
    settings = get_settings()
    lines = [f"main portal: {main_portal_url(settings)}"]
    for slug, name, kind in DEMO_TENANTS:
        tenant = await find_tenant_by_slug(slug) or await register_tenant(
            slug=slug, name=name, kind=kind
        )
        lines.append(f"{tenant.name}: {tenant_url(settings, tenant)}")
    if not await Account.exists().where(Account.username == DEMO_ADMIN):
        password = os.environ.get("SUNSHINE_DEMO_PASSWORD") or "Demo-" + secrets.token_urlsafe(9)
        await create_account(
            username=DEMO_ADMIN,
            display_name="服务平台管理员",
            kind=AccountKind.hq_staff,
            password=password,
        )
        lines.append(f"head-office administrator: {DEMO_ADMIN} / {password}")
    return lines
