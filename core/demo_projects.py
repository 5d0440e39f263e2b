"""Demo purchasers and project registrations: on each sub-platform a purchaser unit with its
staff account, and one registration waiting for the sub-platform's staff (项目登记), made
through the services so the rules, the clock and the audit chain apply. On 济南 three more
were left undecided past their due time, which the tenant rules warn of (风险预警)."""

from __future__ import annotations

import datetime as dt

from core.approvals import service as approvals
from core.authz.authorizer import Authorizer
from core.demo_people import DEMO_PDF, SEEDING
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.storage import ObjectStorage
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.announcements import service as announcements
from tenants.announcements.service import AnnouncementDraft
from tenants.announcements.tables import AnnouncementType, Category
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.projects import purchasers, registration
from tenants.projects.methods import checklist
from tenants.projects.tables import Project, Track
from themes.i18n import in_locale

# Per sub-platform: the unit's name and credit code.
UNITS = {
    "jinan": ("济南市第一中学", "123701004955700102"),
    "qingdao": ("青岛市市立医院", "123702004274000387"),
}

# 济南's registrations left undecided past their due time: (what is bought, budget in fen).
OVERDUE = (("图书馆书架", 42_000_000), ("食堂厨具", 58_000_000), ("校服", 31_500_000))


async def seed_purchaser(
    authorizer: Authorizer,
    tenant_admin: Principal,
    tenant: TenantRef,
    password: str,
    storage: ObjectStorage,
) -> list[str]:
    if tenant.slug not in UNITS:
        return []
    username = f"{tenant.slug}-buyer"
    if await Account.exists().where(Account.username == username):
        return []
    name, code = UNITS[tenant.slug]
    unit_id = await purchasers.create_purchaser(
        authorizer,
        tenant_admin,
        tenant,
        purchasers.PurchaserDraft(code, name, tenant.region_code or "370000"),
        SEEDING,
    )
    draft = purchasers.MemberDraft(username, f"{name}采购经办人", password)
    account_id = await purchasers.add_member(
        authorizer, tenant_admin, Site(tenant), tenant, unit_id, draft, SEEDING
    )
    # Demo passwords are printed to be used: not a first password to replace.
    await Account.update({Account.password_changed_at: dt.datetime.now(dt.UTC)}).where(
        Account.id == account_id
    )
    buyer = Principal(account_id, username, AccountKind.tenant_staff, tenant.id)
    waiting = registration.ProjectDraft(
        title=f"{name}教学楼空调设备采购",
        track=Track.tender,
        method=Method.open_tender,
        category=Category.goods,
        budget_fen=186_000_000,
        lots=["空调主机", "安装调试"],
    )
    await _submitted(authorizer, buyer, tenant, storage, waiting)
    if tenant.slug == "jinan":
        await _overdue(authorizer, buyer, tenant, storage, name)
    # A second one registered, its tender notice out: suppliers may bid on it.
    tendering = registration.ProjectDraft(
        title=f"{name}智慧教室设备采购",
        track=Track.tender,
        method=Method.open_tender,
        category=Category.goods,
        budget_fen=96_500_000,
    )
    project_id = await _submitted(authorizer, buyer, tenant, storage, tendering)
    await registration.decide(
        authorizer,
        tenant_admin,
        tenant,
        project_id,
        approvals.Decision.approve,
        deficiencies=[],
        note="材料齐全，予以登记",
        context=SEEDING,
    )
    notice = AnnouncementDraft(
        type=AnnouncementType.tender_notice,
        title=f"{tendering.title}招标公告",
        project_code=(await Project.select(Project.code).where(Project.id == project_id))[0][
            "code"
        ],
        category=tendering.category,
        method=tendering.method,
        region_code=tenant.region_code or "370000",
        body_html=f"<p>{name}智慧教室设备采购，欢迎符合条件的供应商投标。</p>",
        deadline_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=25),
        project=project_id,
    )
    notice_id = await announcements.create(authorizer, tenant_admin, tenant, notice, SEEDING)
    await announcements.publish(authorizer, tenant_admin, tenant, notice_id, SEEDING)
    return [f"采购人经办人（{name}）: {username} / {password}"]


async def _overdue(
    authorizer: Authorizer,
    buyer: Principal,
    tenant: TenantRef,
    storage: ObjectStorage,
    name: str,
) -> None:
    """Three registrations complete a week ago and still undecided: dated back, since the
    services date everything now."""
    ids = [
        await _submitted(
            authorizer,
            buyer,
            tenant,
            storage,
            registration.ProjectDraft(
                title=f"{name}{what}采购",
                track=Track.tender,
                method=Method.open_tender,
                category=Category.goods,
                budget_fen=budget,
            ),
        )
        for what, budget in OVERDUE
    ]
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    await Project.update(
        {Project.complete_at: week_ago, Project.due_at: week_ago + dt.timedelta(days=2)}
    ).where(Project.id.is_in(ids) & (Project.tenant == tenant.id))


async def _submitted(
    authorizer: Authorizer,
    buyer: Principal,
    tenant: TenantRef,
    storage: ObjectStorage,
    draft: registration.ProjectDraft,
) -> int:
    project_id = await registration.create_project(authorizer, buyer, tenant, draft, SEEDING)
    for item in checklist(draft.track, draft.method):
        if item.required:
            await registration.upload_material(
                authorizer,
                buyer,
                storage,
                tenant,
                project_id,
                item.code,
                f"{in_locale(item.title, 'zh-CN')}.pdf",
                DEMO_PDF,
                SEEDING,
            )
    await registration.submit_project(authorizer, buyer, tenant, project_id, SEEDING)
    return project_id
