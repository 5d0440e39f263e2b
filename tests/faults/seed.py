"""Seed the fault-injection server's database: ``python -m tests.faults.seed <applications>``.

Runs in a process of its own, with the server's environment (the test process's database
engine is bound to the suite's services). Prints what it made as one JSON line. Only what the
tests use, so it stays cheap: each account costs an argon2 hash.
"""

from __future__ import annotations

import asyncio
import sys

import msgspec

from core.audit.chain import RequestContext
from core.authz.authorizer import Authorizer
from core.authz.policies import grant_first_admin, grant_role
from core.data.engine import close_database, open_database
from core.data.migrations import migrate
from core.identifiers import uscc_check_character
from core.identity.accounts import create_account
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.libraries.subjects import registration
from core.libraries.subjects.registration import Profile, Registration
from core.libraries.subjects.tables import SubjectKind
from core.settings import get_settings
from core.storage import build_object_storage
from core.stores import Stores
from core.tenancy.registry import register_tenant
from core.tenancy.tables import TenantKind
from tenants import applications, provisioning  # noqa: F401  - registers the approval type
from tenants.applications import ApplicationForm
from tenants.materials import CHECKLISTS
from tests.faults.rig import PASSWORD

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SUPPLIER_CODE = "91370100MA3F7QWE2"
SEEDING = RequestContext()


class Seeded(msgspec.Struct):
    tenant_slug: str
    tenant_id: int
    supplier: str
    applicant: str
    requests: list[int]  # submitted applications, ready for a decision


async def seed(n_applications: int) -> Seeded:
    settings = get_settings()
    await migrate()
    stores, storage = Stores(settings), build_object_storage(settings)
    await storage.start()
    authorizer = Authorizer(stores.redis)
    try:
        admin_id = await create_account(
            username="admin", display_name="admin", kind=AccountKind.hq_staff, password=PASSWORD
        )
        await grant_first_admin(authorizer, admin_id, command="faults")
        admin = Principal(admin_id, "admin", AccountKind.hq_staff)
        reviewer_id = await create_account(
            username="reviewer", display_name="reviewer", kind=AccountKind.hq_staff,
            password=PASSWORD,
        )  # fmt: skip
        await grant_role(authorizer, admin, account_id=reviewer_id, role="hq_reviewer")
        tenant = await register_tenant(
            slug="jinan", name="济南市阳光采购服务分平台", kind=TenantKind.city,
            region_code="370100",
        )  # fmt: skip
        staff_id = await create_account(
            username="jinan-admin", display_name="jinan-admin", kind=AccountKind.tenant_staff,
            password=PASSWORD, tenant_id=tenant.id,
        )  # fmt: skip
        await grant_role(
            authorizer, admin, account_id=staff_id, role="tenant_admin", tenant_id=tenant.id
        )
        code = SUPPLIER_CODE + uscc_check_character(SUPPLIER_CODE)
        profile = Profile(
            credit_code=code, name="济南明远办公设备有限公司", legal_representative="张明",
            address="济南市高新区创新路 88 号", region_code="370102", contact_name="刘经理",
            contact_phone="0531-66661234", contact_email="sales@example.cn",
            business_scope="货物销售",
        )  # fmt: skip
        await registration.register(
            SubjectKind.supplier,
            Registration(username="supplier", password=PASSWORD, profile=profile),
            origin_tenant=None,
        )
        applicant_id = await create_account(
            username="applicant", display_name="applicant", kind=AccountKind.applicant,
            password=PASSWORD,
        )  # fmt: skip
        applicant = Principal(applicant_id, "applicant", AccountKind.applicant)
        requests = []
        for n in range(n_applications):
            form = ApplicationForm(
                org_name=f"临沂市公共资源交易服务中心{n}", kind=TenantKind.city,
                region_code="370100", credit_code="91330100716105852F", contact_name="王主任",
                contact_phone="0531-88889999", contact_email="ops@example.cn",
                requested_slug=f"linyi{n}",
            )  # fmt: skip
            application_id = await applications.create_application(
                authorizer, applicant, form, SEEDING
            )
            for item in CHECKLISTS[TenantKind.city]:
                if item.required:
                    await applications.upload_material(
                        authorizer, applicant, storage, application_id, item.code, "a.pdf", PDF,
                        SEEDING,
                    )  # fmt: skip
            submitted = applications.submit_application(
                authorizer, applicant, application_id, SEEDING
            )
            requests.append(await submitted)
        return Seeded("jinan", tenant.id, "supplier", "applicant", requests)
    finally:
        await storage.close()
        await stores.close()


async def main(n_applications: int) -> None:
    await open_database(get_settings().database)
    try:
        print(msgspec.json.encode(await seed(n_applications)).decode())
    finally:
        await close_database()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
