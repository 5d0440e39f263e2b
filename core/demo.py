"""Demo data: the head office and three tenants — two cities and one provincial enterprise.

Idempotent: what exists is left as it is. Later features add their sample data here.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from core.authz.authorizer import Authorizer
from core.authz.policies import grant_first_admin, grant_role
from core.demo_libraries import seed_libraries
from core.demo_people import (
    seed_hq_people,
    seed_pending_registration,
    seed_tenant_staff,
)
from core.demo_projects import seed_purchaser
from core.identity.accounts import create_account
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.settings import get_settings
from core.statistics.rollups import rebuild as rebuild_statistics
from core.storage import ObjectStorage
from core.tenancy.registry import TenantRef, find_tenant_by_slug, register_tenant
from core.tenancy.site import MAIN_PORTAL_NAME
from core.tenancy.tables import TenantKind
from core.tenancy.urls import main_portal_url, tenant_url
from plugins.registry import plugin_key
from plugins.tables import TenantPlugin
from tenants import branding
from tenants.announcements import service as announcements
from tenants.announcements.service import AnnouncementDraft
from tenants.announcements.tables import AnnouncementType, Category, ProcurementMethod
from tenants.risk.tenant_checks import check_every_tenant
from themes.tokens import Branding, Contact

DEMO_TENANTS = (
    ("jinan", "济南市阳光采购服务分平台", TenantKind.city, "370100"),
    ("qingdao", "青岛市阳光采购服务分平台", TenantKind.city, "370200"),
    ("sdenergy", "山东能源集团阳光采购服务分平台", TenantKind.enterprise, "370000"),
)
# slug → (accent, address, phone, filing number, granted plugins)
DEMO_BRANDING = {
    "jinan": (
        "government-blue",
        "济南市历下区龙奥北路 8 号",
        "0531-12345678",
        "鲁ICP备00000001号",
        ("notices_board", "procurement_calendar"),
    ),
    "qingdao": ("jade", "青岛市市南区香港中路 1 号", "0532-87654321", "鲁ICP备00000002号", ()),
    "sdenergy": ("ochre", "济南市经十路 10777 号", "0531-66668888", "", ("procurement_calendar",)),
}
DEMO_ADMIN = "admin"


async def seed_demo(authorizer: Authorizer, storage: ObjectStorage) -> list[str]:
    """Seed what is missing and return lines telling where to look, grouped by site.
    Passwords are shown once, when their account is created."""
    settings = get_settings()
    password = os.environ.get("SUNSHINE_DEMO_PASSWORD") or "Demo-" + secrets.token_urlsafe(9)
    hq_lines: list[str] = []
    admin = await Account.select(Account.id).where(Account.username == DEMO_ADMIN).first()
    if admin is None:
        admin_id = await create_account(
            username=DEMO_ADMIN,
            display_name="服务平台管理员",
            kind=AccountKind.hq_staff,
            password=password,
        )
        await grant_first_admin(authorizer, admin_id, command="seed-demo")
        hq_lines.append(f"服务平台管理员: {DEMO_ADMIN} / {password}")
    else:
        admin_id = admin["id"]
    hq_admin = Principal(admin_id, DEMO_ADMIN, AccountKind.hq_staff)
    tenant_groups = []
    for slug, name, kind, region in DEMO_TENANTS:
        tenant = await find_tenant_by_slug(slug) or await register_tenant(
            slug=slug, name=name, kind=kind, region_code=region
        )
        tenant_groups.append(
            (
                f"{tenant.name}: {tenant_url(settings, tenant)}",
                await _seed_tenant(authorizer, hq_admin, tenant, password, storage),
            )
        )
    librarian, suppliers = await seed_libraries(authorizer, hq_admin, password)
    hq_lines += librarian + await seed_hq_people(authorizer, hq_admin, password, storage)
    suppliers += await seed_pending_registration(password)
    await rebuild_statistics()  # some demo rows are written straight to the tables, dated back
    await check_every_tenant()  # the tenant rules, as the periodic job would (风险预警)
    groups = [
        (f"{MAIN_PORTAL_NAME}（服务平台）: {main_portal_url(settings)}", hq_lines),
        *tenant_groups,
        ("供应商（在任一站点登录，也可用统一社会信用代码登录）:", suppliers),
    ]
    return [line for title, people in groups for line in (title, *(f"  {p}" for p in people))]


async def _seed_tenant(
    authorizer: Authorizer,
    hq_admin: Principal,
    tenant: TenantRef,
    password: str,
    storage: ObjectStorage,
) -> list[str]:
    """The tenant's administrator, its portal, its staff and a purchaser, once."""
    username = f"{tenant.slug}-admin"
    if await Account.exists().where(Account.username == username):
        return []
    account_id = await create_account(
        username=username,
        display_name=f"{tenant.name}管理员",
        kind=AccountKind.tenant_staff,
        password=password,
        tenant_id=tenant.id,
    )
    await grant_role(
        authorizer, hq_admin, account_id=account_id, role="tenant_admin", tenant_id=tenant.id
    )
    admin_principal = Principal(account_id, username, AccountKind.tenant_staff, tenant.id)
    await seed_portal(authorizer, admin_principal, tenant)
    staff = await seed_tenant_staff(authorizer, admin_principal, tenant, password)
    buyer = await seed_purchaser(authorizer, admin_principal, tenant, password, storage)
    return [f"分平台管理员: {username} / {password}", *staff, *buyer]


async def seed_portal(authorizer: Authorizer, staff: Principal, tenant: TenantRef) -> None:
    """Branding, granted plugins and a few published announcements, one a correction."""
    accent, address, phone, filing, plugins = DEMO_BRANDING[tenant.slug]
    contact = Contact(address=address, phone=phone, hours="工作日 8:30–17:00")
    tokens = Branding(
        display_name=tenant.name, accent=accent, contact=contact, filing_number=filing
    )
    await branding.set_tokens(authorizer, staff, tenant, tokens)
    for name in plugins:  # demo data: granted as if head office had approved a request
        await TenantPlugin.insert(
            TenantPlugin(
                tenant=tenant.id,
                plugin=name,
                key=plugin_key(tenant.id, name),
                settings=DEMO_NOTICES if name == "notices_board" else {},
                approval_request=0,
            )
        )
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=6)
    published = []
    for n, (kind, title, category, method) in enumerate(DEMO_ANNOUNCEMENTS, start=1):
        draft = AnnouncementDraft(
            type=AnnouncementType(kind),
            title=f"{tenant.name.removesuffix('阳光采购服务分平台')}{title}",
            project_code=f"{tenant.slug.upper()}-2026-{n:03d}",
            category=category,
            method=method,
            region_code=tenant.region_code or "370000",
            body_html=f"<p>{title}，欢迎符合条件的供应商参加。</p><p>联系电话：{phone}</p>",
            deadline_at=deadline,
        )
        announcement_id = await announcements.create(authorizer, staff, tenant, draft)
        await announcements.publish(authorizer, staff, tenant, announcement_id)
        published.append(announcement_id)
    correction = AnnouncementDraft(
        type=AnnouncementType.correction,
        title=f"关于{tenant.slug.upper()}-2026-001 项目的更正公告",
        project_code=f"{tenant.slug.upper()}-2026-001",
        category=Category.goods,
        method=ProcurementMethod.open_tender,
        region_code=tenant.region_code or "370000",
        body_html="<p>投标截止时间顺延五日，其余内容不变。</p>",
        corrects=published[0],
    )
    correction_id = await announcements.create(authorizer, staff, tenant, correction)
    await announcements.publish(authorizer, staff, tenant, correction_id)


DEMO_ANNOUNCEMENTS = (
    ("tender_notice", "办公设备采购项目招标公告", Category.goods, ProcurementMethod.open_tender),
    (
        "procurement_notice",
        "物业管理服务采购公告",
        Category.services,
        ProcurementMethod.competitive_consultation,
    ),
    ("transfer_notice", "闲置车辆转让公告", Category.goods, ProcurementMethod.other),
    (
        "candidate_publicity",
        "道路维修工程中标候选人公示",
        Category.works,
        ProcurementMethod.open_tender,
    ),
    (
        "award_notice",
        "信息化平台运维服务中标结果公告",
        Category.services,
        ProcurementMethod.open_tender,
    ),
)
DEMO_NOTICES = {
    "heading": "通知公告",
    "notices": [
        {"title": "关于系统升级维护的通知", "text": "本周六 22:00 至 24:00 系统升级，暂停服务。"},
        {
            "title": "供应商注册指南",
            "text": "供应商在任一分平台注册一次，即可参与所有分平台的项目。",
        },
    ],
}
