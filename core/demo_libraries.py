"""Demo data of the shared libraries: a library manager, suppliers, experts and commodities.

Seeded through the services (so the rules and the audit chain apply); what exists already
is skipped item by item, so a run that stopped half-way is completed by the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest
from core.authz.authorizer import Authorizer
from core.authz.policies import grant_role
from core.errors import AlreadyExists
from core.identifiers import resident_id_check_character, uscc_check_character
from core.identity.accounts import create_account
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.commodities import service as commodities
from core.libraries.commodities.service import CommodityForm, PriceForm
from core.libraries.commodities.tables import Commodity
from core.libraries.experts import service as experts
from core.libraries.experts.service import ExpertForm
from core.libraries.experts.tables import Title
from core.libraries.subjects import registration
from core.libraries.subjects.registration import Profile, Registration
from core.libraries.subjects.tables import Subject, SubjectKind
from core.tenancy.site import Site

LIBRARIAN = "library"
SUPPLIERS = (  # the credit code's first 17 characters, name, region
    ("91370100MA3C4LTD0", "济南明远办公设备有限公司", "370102"),
    ("91370200MA3D5XYW4", "青岛海澄信息技术有限公司", "370202"),
    ("91370100MA3E6ABC3", "山东鲁建工程建设有限公司", "370103"),
)
EXPERTS = (  # name, the resident ID number's first 17 digits, specialty codes, region
    ("王建国", "37010219680512123", ["A0101"], "370102"),
    ("李雪梅", "37020219750308284", ["C0101", "B01"], "370202"),
)
COMMODITIES = (
    ("CG-B01-0001", "办公设备/计算机/台式计算机", "台式计算机", "台", "4999.00"),
    ("CG-B01-0002", "办公设备/打印设备/激光打印机", "A4 黑白激光打印机", "台", "1580.00"),
    ("CG-C02-0001", "服务/物业管理", "办公楼物业管理服务", "平方米·月", "3.20"),
)


async def seed_libraries(
    authorizer: Authorizer, hq_admin: Principal, password: str
) -> tuple[list[str], list[str]]:
    """Seed what is missing; return the new accounts: the library manager's, the suppliers'."""
    librarian_lines, lines = [], []
    row = await Account.select(Account.id).where(Account.username == LIBRARIAN).first()
    if row is None:
        librarian_id = await create_account(
            username=LIBRARIAN,
            display_name="库管理员",
            kind=AccountKind.hq_staff,
            password=password,
        )
        await grant_role(authorizer, hq_admin, account_id=librarian_id, role="hq_library")
        librarian_lines.append(f"库管理员: {LIBRARIAN} / {password}")
    else:
        librarian_id = row["id"]
    librarian = Principal(librarian_id, LIBRARIAN, AccountKind.hq_staff)
    for first17, name, region in SUPPLIERS:
        code = first17 + uscc_check_character(first17)
        if await Subject.exists().where(Subject.credit_code == code):
            continue
        profile = Profile(
            credit_code=code,
            name=name,
            legal_representative="张明",
            address=f"{name[:3]}高新区创新路 88 号",
            region_code=region,
            contact_name="刘经理",
            contact_phone="0531-66661234",
            contact_email="sales@example.cn",
            business_scope="货物销售、技术服务",
        )
        username = f"supplier-{code[-6:].lower()}"
        subject_id = await registration.register(
            SubjectKind.supplier,
            Registration(username=username, password=password, profile=profile),
            origin_tenant=None,
        )
        request = (
            await ApprovalRequest.select(ApprovalRequest.id)
            .where(ApprovalRequest.subject == f"subject:{subject_id}")
            .first()
        )
        await approvals.decide(authorizer, librarian, request["id"], approvals.Decision.approve)
        lines.append(f"{name}: {username}（或 {code}）/ {password}")
    for name, first17, specialties, region in EXPERTS:
        id_number = first17 + resident_id_check_character(first17)
        form = ExpertForm(
            name=name,
            id_number=id_number,
            phone="13900000000",
            email=f"expert{id_number[-4:]}@example.cn",
            title=Title.senior,
            years_of_experience=20,
            employer_credit_code="91330100716105852F",
            specialties=specialties,
            region_code=region,
        )
        with contextlib.suppress(AlreadyExists):  # seeded before
            await experts.register_expert(authorizer, librarian, form)
    for code, category, name, unit, price in COMMODITIES:
        if await Commodity.exists().where(Commodity.code == code):
            continue
        commodity_id = await commodities.add_commodity(
            authorizer,
            librarian,
            CommodityForm(code=code, category=category, name=name, unit=unit),
        )
        await commodities.add_price(
            authorizer,
            librarian,
            Site(None),
            commodity_id,
            PriceForm(Decimal(price), dt.date.today() - dt.timedelta(days=30), "市场调查"),
        )
    return librarian_lines, lines
