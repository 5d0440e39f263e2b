"""Fresh sub-sites with signed-in admins, and announcement drafts, for the portal tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import httpx
from litestar import Litestar
from PIL import Image

from core.authz.policies import grant_first_admin, grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef, register_tenant
from core.tenancy.tables import TenantKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, unique_slug, with_csrf


@dataclass
class Site:
    tenant: TenantRef
    admin: Principal
    client: httpx.AsyncClient  # signed in as the admin
    public: httpx.AsyncClient  # nobody signed in


async def new_site(
    app: Litestar, name: str, hq: Principal | None = None, region_code: str = "370100"
) -> Site:
    authorizer = app.state.authorizer
    if hq is None:
        hq = await new_account(AccountKind.hq_staff)
        await grant_first_admin(authorizer, hq.account_id, command="portal-test")
    tenant = await register_tenant(
        slug=unique_slug("site"), name=name, kind=TenantKind.city, region_code=region_code
    )
    admin = await new_account(AccountKind.tenant_staff, tenant)
    await grant_role(
        authorizer, hq, account_id=admin.account_id, role="tenant_admin", tenant_id=tenant.id
    )
    host = f"{tenant.slug}.{BASE_DOMAIN}"
    client = client_for(app, host)
    assert (await sign_in(client, admin.username)).status_code == 200
    public = await with_csrf(client_for(app, host))  # may post, as a visitor's browser does
    return Site(tenant, admin, client, public)


async def close(*sites: Site) -> None:
    for site in sites:
        await site.client.aclose()
        await site.public.aclose()


def draft(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "type": "tender_notice",
        "title": "办公设备采购项目招标公告",
        "project_code": "SD-2026-001",
        "category": "goods",
        "method": "open_tender",
        "region_code": "370100",
        "body_html": "<p>欢迎符合条件的供应商参加。</p>",
        "deadline_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).isoformat(),
    }
    body.update(changes)
    return body


async def published(site: Site, **changes: object) -> int:
    created = await site.client.post("/api/console/announcements", json=draft(**changes))
    assert created.status_code == 201, created.text
    announcement_id = created.json()["id"]
    done = await site.client.post(f"/api/console/announcements/{announcement_id}/publish")
    assert done.status_code == 200, done.text
    return announcement_id


def image(fmt: str = "PNG", size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()
