"""Demo accounts for every role whose flows the demo shows, and the work waiting for them: a
head-office reviewer with a submitted application, a supervisor and a regulator with region
grants, an auditor, a security administrator, staff for each tenant and a supplier whose
registration waits in the library manager's queue.

Seeded through the services, so the rules and the audit chain apply; an account that exists is
left as it is (its password was shown when it was created).
"""

from __future__ import annotations

from core.audit.chain import RequestContext
from core.authz.authorizer import Authorizer
from core.authz.policies import grant_role
from core.identifiers import uscc_check_character
from core.identity.accounts import create_account
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.subjects import registration
from core.libraries.subjects.registration import Profile, Registration
from core.libraries.subjects.tables import SubjectKind
from core.storage import ObjectStorage
from core.tenancy.registry import TenantRef, find_tenant_by_slug
from core.tenancy.tables import TenantKind
from tenants import applications, penalties
from tenants.applications import ApplicationForm
from tenants.materials import CHECKLISTS
from tenants.tables import PenaltyKind
from themes.i18n import in_locale

SEEDING = RequestContext()
# username, name, role, region grant (GB/T 2260; None: the whole head office)
HQ_PEOPLE = (
    ("reviewer", "审核员 赵敏", "hq_reviewer", None),
    ("supervisor", "监督员 孙立", "hq_supervisor", "370000"),
    ("auditor", "审计员 周洁", "hq_auditor", None),
    ("ops", "安全管理员 吴刚", "hq_ops", None),
)
REGULATOR = ("regulator-jinan", "济南市财政局监督检查处", "370100")
APPLICANT = "yantai-applicant"  # not "applicant": an account kind's key, never shown as such
WARNED_TENANT = "qingdao"
PENDING_SUPPLIER = ("91370100MA3G8PND1", "supplier-pending", "济南新锐科技有限公司")
# A stand-in for each scanned document of the application's checklist.
DEMO_PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def _new_account(username: str, **fields: object) -> int | None:
    """The new account's id, or None when it exists already."""
    if await Account.exists().where(Account.username == username):
        return None
    return await create_account(username=username, **fields)  # type: ignore[arg-type]


async def seed_hq_people(
    authorizer: Authorizer, hq_admin: Principal, password: str, storage: ObjectStorage
) -> list[str]:
    lines = []
    for username, name, role, region in HQ_PEOPLE:
        account_id = await _new_account(
            username, display_name=name, kind=AccountKind.hq_staff, password=password
        )
        if account_id is not None:
            await grant_role(
                authorizer, hq_admin, account_id=account_id, role=role, region_code=region
            )
            lines.append(f"{name}: {username} / {password}")
            if role == "hq_supervisor":
                supervisor = Principal(account_id, username, AccountKind.hq_staff)
                await _warn_a_tenant(authorizer, supervisor, storage)
    username, name, region = REGULATOR
    account_id = await _new_account(
        username, display_name=name, kind=AccountKind.regulator, password=password
    )
    if account_id is not None:
        await grant_role(
            authorizer, hq_admin, account_id=account_id, role="regulator", region_code=region
        )
        lines.append(f"{name}（济南市）: {username} / {password}")
    account_id = await _new_account(
        APPLICANT,
        display_name="烟台市公共资源交易服务中心",
        kind=AccountKind.applicant,
        password=password,
        email="apply@example.cn",
    )
    if account_id is not None:
        applicant = Principal(account_id, APPLICANT, AccountKind.applicant)
        await _submitted_application(authorizer, applicant, storage)
        lines.append(f"设立申请人（申请已提交，待审核）: {APPLICANT} / {password}")
    return lines


async def _warn_a_tenant(
    authorizer: Authorizer, supervisor: Principal, storage: ObjectStorage
) -> None:
    """A warning on one demo sub-platform, so that supervision has something to show."""
    tenant = await find_tenant_by_slug(WARNED_TENANT)
    if tenant is None:
        return
    await penalties.impose(
        authorizer,
        supervisor,
        storage,
        tenant.id,
        penalties.PenaltyForm(
            kind=PenaltyKind.warning,
            grounds=[5],
            statement="质疑投诉处理超过规定期限，予以警告，请于 30 日内整改。",
        ),
        [penalties.Evidence("督查记录.pdf", DEMO_PDF)],
        SEEDING,
    )


async def _submitted_application(
    authorizer: Authorizer, applicant: Principal, storage: ObjectStorage
) -> None:
    first17 = "12370600MB2850Y0X"
    form = ApplicationForm(
        org_name="烟台市公共资源交易服务中心",
        kind=TenantKind.city,
        region_code="370600",
        credit_code=first17 + uscc_check_character(first17),
        contact_name="陈晓",
        contact_phone="0535-6688001",
        contact_email="apply@example.cn",
        requested_slug="yantai",
    )
    application_id = await applications.create_application(authorizer, applicant, form, SEEDING)
    for item in CHECKLISTS[TenantKind.city]:
        if item.required:
            await applications.upload_material(
                authorizer,
                applicant,
                storage,
                application_id,
                item.code,
                f"{in_locale(item.title, 'zh-CN')}.pdf",
                DEMO_PDF,
                SEEDING,
            )
    await applications.submit_application(authorizer, applicant, application_id, SEEDING)


async def seed_tenant_staff(
    authorizer: Authorizer, tenant_admin: Principal, tenant: TenantRef, password: str
) -> list[str]:
    username = f"{tenant.slug}-staff"
    account_id = await _new_account(
        username,
        display_name=f"{tenant.name.removesuffix('阳光采购服务分平台')}公告编辑",
        kind=AccountKind.tenant_staff,
        password=password,
        tenant_id=tenant.id,
    )
    if account_id is None:
        return []
    await grant_role(
        authorizer, tenant_admin, account_id=account_id, role="tenant_staff", tenant_id=tenant.id
    )
    return [f"分平台工作人员: {username} / {password}"]


async def seed_pending_registration(password: str) -> list[str]:
    """A supplier's registration waiting in the library manager's review queue."""
    first17, username, name = PENDING_SUPPLIER
    if await Account.exists().where(Account.username == username):
        return []
    profile = Profile(
        credit_code=first17 + uscc_check_character(first17),
        name=name,
        legal_representative="李强",
        address="济南市高新区舜华路 1 号",
        region_code="370102",
        contact_name="王经理",
        contact_phone="0531-88886666",
        contact_email="pending@example.cn",
        business_scope="软件开发、信息技术服务",
    )
    await registration.register(
        SubjectKind.supplier,
        Registration(username=username, password=password, profile=profile),
        origin_tenant=None,
    )
    return [f"供应商 {name}（注册待审核）: {username} / {password}"]
