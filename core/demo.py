"""Demo data: the head office and three tenants — two cities and one provincial enterprise.

Idempotent: what exists is left as it is. Later features add their sample data here.
"""

from __future__ import annotations

import os
import secrets

from core.authz.authorizer import Authorizer
from core.authz.policies import grant_first_admin, grant_role
from core.identity.accounts import create_account
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.settings import get_settings
from core.tenancy.registry import find_tenant_by_slug, register_tenant
from core.tenancy.tables import TenantKind
from core.tenancy.urls import main_portal_url, tenant_url

DEMO_TENANTS = (
    ("jinan", "济南市阳光采购服务分平台", TenantKind.city, "370100"),
    ("qingdao", "青岛市阳光采购服务分平台", TenantKind.city, "370200"),
    ("sdenergy", "山东能源集团阳光采购服务分平台", TenantKind.enterprise, "370000"),
)
DEMO_ADMIN = "admin"


async def seed_demo(authorizer: Authorizer) -> list[str]:
    """Seed what is missing and return lines telling where to look. Passwords are shown
    once, when their account is created."""
    settings = get_settings()
    password = os.environ.get("SUNSHINE_DEMO_PASSWORD") or "Demo-" + secrets.token_urlsafe(9)
    lines = [f"main portal: {main_portal_url(settings)}"]
    admin = await Account.select(Account.id).where(Account.username == DEMO_ADMIN).first()
    if admin is None:
        admin_id = await create_account(
            username=DEMO_ADMIN,
            display_name="服务平台管理员",
            kind=AccountKind.hq_staff,
            password=password,
        )
        await grant_first_admin(authorizer, admin_id, command="seed-demo")
        lines.append(f"  head-office administrator: {DEMO_ADMIN} / {password}")
    else:
        admin_id = admin["id"]
    hq_admin = Principal(admin_id, DEMO_ADMIN, AccountKind.hq_staff)
    for slug, name, kind, region in DEMO_TENANTS:
        tenant = await find_tenant_by_slug(slug) or await register_tenant(
            slug=slug, name=name, kind=kind, region_code=region
        )
        lines.append(f"{tenant.name}: {tenant_url(settings, tenant)}")
        username = f"{slug}-admin"
        if not await Account.exists().where(Account.username == username):
            account_id = await create_account(
                username=username,
                display_name=f"{name}管理员",
                kind=AccountKind.tenant_staff,
                password=password,
                tenant_id=tenant.id,
            )
            await grant_role(
                authorizer,
                hq_admin,
                account_id=account_id,
                role="tenant_admin",
                tenant_id=tenant.id,
            )
            lines.append(f"  management account: {username} / {password}")
    return lines
