"""Every role × action × (own tenant, other tenant, head office), with its expected decision,
including the deny override of a suspended tenant."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.chain import Actor
from core.authz.adapter import PiccoloAdapter
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, subject, tenant_domain
from core.authz.policies import grant_first_admin, grant_role, set_tenant_deny
from core.data.engine import write_transaction
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef, register_tenant
from core.tenancy.tables import TenantKind
from tests.conftest import new_account, unique_slug


@dataclass(frozen=True)
class People:
    own: TenantRef  # Jinan
    other: TenantRef  # Qingdao
    suspended: TenantRef  # Jinan, under the suspension deny
    by_role: dict[str, Principal]


@pytest_asyncio.fixture(scope="module")
async def people(app: Litestar) -> People:
    authorizer: Authorizer = app.state.authorizer
    own, other, suspended = [
        await register_tenant(
            slug=unique_slug(prefix), name=prefix, kind=TenantKind.city, region_code=region
        )
        for prefix, region in (("own", "370100"), ("other", "370200"), ("susp", "370102"))
    ]
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, admin.account_id, command="test")
    by_role = {"hq_admin": admin}
    for role in ("hq_reviewer", "hq_ops", "hq_auditor", "hq_library"):
        by_role[role] = await new_account(AccountKind.hq_staff)
        await grant_role(authorizer, admin, account_id=by_role[role].account_id, role=role)
    by_role["hq_supervisor"] = await new_account(AccountKind.hq_staff)
    by_role["regulator"] = await new_account(AccountKind.regulator)
    for role in ("hq_supervisor", "regulator"):  # the city of Jinan and below
        await grant_role(
            authorizer,
            admin,
            account_id=by_role[role].account_id,
            role=role,
            region_code="370100",
        )
    for role in ("tenant_admin", "tenant_staff", "purchaser"):
        for tenant in (own, suspended):
            person = await new_account(AccountKind.tenant_staff, tenant)
            await grant_role(
                authorizer,
                admin if role == "tenant_admin" else by_role[f"tenant_admin@{tenant.slug}"],
                account_id=person.account_id,
                role=role,
                tenant_id=tenant.id,
            )
            by_role[f"{role}@{tenant.slug}"] = person
    by_role["supplier"] = await new_account(AccountKind.supplier)
    by_role["applicant"] = await new_account(AccountKind.applicant)
    operator = await new_account(AccountKind.tenant_staff, own)
    await PiccoloAdapter().add_policy(  # provisioning's grant (tenants.provisioning)
        "g", "g", [subject(operator.account_id), "tenant_operator", tenant_domain(own.id)]
    )
    await authorizer.changed(tenant_domain(own.id))
    by_role["tenant_operator"] = operator
    async with write_transaction():
        await set_tenant_deny(authorizer, Actor.system("test"), suspended.id, deny=True)
    await authorizer.changed(tenant_domain(suspended.id))
    return People(own, other, suspended, by_role)


# (role, object, action) → allowed in (own tenant, other tenant, head office)
TABLE: dict[tuple[str, str, str], tuple[bool, bool, bool]] = {
    ("hq_admin", "role", "assign"): (False, False, True),
    ("hq_admin", "hq.account", "manage"): (False, False, True),
    ("hq_admin", "tenant", "reinstate"): (False, False, True),
    ("hq_admin", "audit", "read"): (False, False, False),
    ("hq_reviewer", "approval:application", "decide"): (False, False, True),
    ("hq_reviewer", "approval", "read"): (False, False, True),
    ("hq_reviewer", "role", "assign"): (False, False, False),
    ("hq_reviewer", "tenant", "penalize"): (False, False, False),
    ("hq_supervisor", "tenant", "penalize"): (True, False, False),
    ("hq_supervisor", "tenant", "read"): (True, False, False),
    ("hq_supervisor", "approval:application", "decide"): (False, False, False),
    ("hq_ops", "account", "unlock"): (False, False, True),
    ("hq_ops", "audit", "read"): (False, False, False),
    # ops access widens nothing in Casbin: a grant is checked by core.ops_access at each use
    ("hq_ops", "ops_access", "use"): (False, False, True),
    ("hq_ops", "staff", "manage"): (False, False, False),
    ("hq_ops", "approval:ops_access", "decide"): (False, False, False),
    ("hq_admin", "approval:ops_access", "decide"): (False, False, True),
    ("hq_admin", "ops_access", "use"): (False, False, False),
    ("hq_auditor", "audit", "verify"): (False, False, True),
    ("hq_auditor", "role", "assign"): (False, False, False),
    ("hq_library", "library", "read_secret"): (False, False, True),
    ("hq_library", "approval:subject_registration", "decide"): (False, False, True),
    ("hq_library", "approval:data_download", "decide"): (False, False, False),
    ("hq_library", "tenant", "penalize"): (False, False, False),
    ("hq_admin", "approval:data_download", "decide"): (False, False, True),
    ("hq_admin", "library", "read_secret"): (False, False, False),
    ("hq_admin", "calendar", "manage"): (False, False, True),
    ("hq_reviewer", "calendar", "manage"): (False, False, False),
    ("tenant_admin", "calendar", "manage"): (False, False, False),
    ("regulator", "tenant", "read"): (True, False, False),
    ("regulator", "announcement", "read"): (True, False, False),
    ("regulator", "announcement", "manage"): (False, False, False),
    ("regulator", "staff", "manage"): (False, False, False),
    ("tenant_admin", "staff", "manage"): (True, False, False),
    ("tenant_admin", "role", "assign"): (True, False, False),
    ("tenant_admin", "announcement", "publish"): (True, False, False),
    ("tenant_admin", "tenant", "penalize"): (False, False, False),
    ("tenant_admin", "branding", "manage"): (True, False, False),
    ("tenant_admin", "plugin", "request"): (True, False, False),
    ("tenant_admin", "library", "read_secret"): (False, False, False),
    ("tenant_staff", "branding", "manage"): (False, False, False),
    ("tenant_staff", "library", "annotate"): (True, False, False),
    ("tenant_staff", "announcement", "manage"): (True, False, False),
    ("tenant_staff", "announcement", "publish"): (False, False, False),
    ("tenant_staff", "staff", "manage"): (False, False, False),
    ("supplier", "participation", "create"): (True, True, True),
    ("supplier", "staff", "manage"): (False, False, False),
    ("applicant", "application", "manage"): (True, True, True),
    ("applicant", "tenant", "read"): (False, False, False),
    ("tenant_operator", "operating_unit", "confirm"): (True, False, False),
    ("tenant_operator", "staff", "manage"): (False, False, False),
    ("tenant_admin", "purchaser", "manage"): (True, False, False),
    ("tenant_staff", "purchaser", "manage"): (False, False, False),
    ("tenant_staff", "approval:project_registration", "decide"): (True, False, False),
    ("tenant_staff", "project", "register"): (False, False, False),
    ("hq_reviewer", "approval:project_registration", "decide"): (False, False, False),
    ("purchaser", "project", "register"): (True, False, False),
    ("purchaser", "project", "read"): (False, False, False),
    ("purchaser", "approval:project_registration", "decide"): (False, False, False),
    ("purchaser", "bid", "open"): (False, False, False),
    ("tenant_staff", "bid", "open"): (True, False, False),
    ("supplier", "bid", "open"): (False, False, False),
    ("hq_admin", "bid", "open"): (False, False, False),
    ("tenant_staff", "expert_draw", "conduct"): (True, False, False),
    ("purchaser", "expert_draw", "conduct"): (False, False, False),
    ("supplier", "expert_draw", "conduct"): (False, False, False),
    ("regulator", "archive", "read"): (True, False, False),
    ("tenant_staff", "archive", "read"): (True, False, False),
    ("purchaser", "archive", "read"): (False, False, False),
    ("hq_admin", "archive", "read"): (False, False, False),
    ("supplier", "project", "act_as_agent"): (False, False, False),
    ("purchaser", "project", "act_as_agent"): (False, False, False),
}

# Under suspension the tenant's staff and new supplier actions are denied; reading is not.
SUSPENDED: dict[tuple[str, str, str], bool] = {
    ("tenant_admin", "staff", "manage"): False,
    ("tenant_admin", "announcement", "publish"): False,
    ("tenant_staff", "announcement", "manage"): False,
    ("purchaser", "project", "register"): False,
    ("tenant_staff", "bid", "open"): False,
    ("tenant_staff", "approval:project_registration", "decide"): False,
    ("tenant_admin", "branding", "manage"): False,
    ("supplier", "participation", "create"): False,
    ("regulator", "tenant", "read"): True,
    ("hq_supervisor", "tenant", "penalize"): True,
}

CASES = [
    (role, obj, act, where, expected)
    for (role, obj, act), row in TABLE.items()
    for where, expected in zip(("own", "other", "hq"), row, strict=True)
]


def who(people: People, role: str, tenant: TenantRef) -> Principal:
    return people.by_role.get(f"{role}@{tenant.slug}") or people.by_role[role]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("role", "obj", "act", "where", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}:{c[2]}-{c[3]}" for c in CASES],
)
async def test_policy_table(
    app: Litestar, people: People, role: str, obj: str, act: str, where: str, expected: bool
) -> None:
    authorizer: Authorizer = app.state.authorizer
    dom = {
        "own": tenant_domain(people.own.id),
        "other": tenant_domain(people.other.id),
        "hq": HQ,
    }[where]
    principal = who(people, role, people.own)
    assert await authorizer.allowed(principal.casbin_subject, dom, obj, act) is expected


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("role", "obj", "act"), list(SUSPENDED), ids=[":".join(k) for k in SUSPENDED]
)
async def test_suspension_denies_staff_and_new_supplier_actions(
    app: Litestar, people: People, role: str, obj: str, act: str
) -> None:
    authorizer: Authorizer = app.state.authorizer
    principal = who(people, role, people.suspended)
    dom = tenant_domain(people.suspended.id)
    assert (
        await authorizer.allowed(principal.casbin_subject, dom, obj, act)
        is SUSPENDED[(role, obj, act)]
    )


def test_the_table_covers_every_role() -> None:
    from core.authz.model import ROLE_PERMISSIONS

    covered = {role for role, _, _ in TABLE}
    assert covered >= set(ROLE_PERMISSIONS) - {"agency", "expert"}
