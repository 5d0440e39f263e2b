"""What an active grant lets its ops person read of its tenant, and nothing else (read only):

* the tenant's staff accounts: display name, username, the roles they hold on the
  sub-platform and whether the account is active — no e-mail, no password state;
* the tenant's audit entries, newest first, a page at a time, as the auditor's page shows them.

Each read is checked at that moment (:func:`core.ops_access.service.active_grant`) and written
to the audit chain in its transaction, its object the grant (``ops_access:<id>``), its tenant
the tenant read; a refused read is written too, as denied.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from core.audit.chain import RequestContext, record
from core.audit.reading import PAGE_SIZE, AuditFilter, page
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, subject, tenant_domain
from core.authz.policies import Forbidden, authorize
from core.authz.tables import CasbinRule
from core.data.engine import write_transaction
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.ops_access.service import active_grant

NO_ACCESS = (
    "没有该分平台有效的运维访问授权（未批准、已过期或已撤销）/ "
    "no ops access to this sub-platform now (not approved, expired or revoked)"
)


class StaffMemberSeen(msgspec.Struct):
    username: str
    display_name: str
    roles: list[str]  # role keys; pages show them in words
    is_active: bool


class StaffUnderGrant(msgspec.Struct):
    grant_id: int
    tenant_id: int
    expires_at: dt.datetime
    members: list[StaffMemberSeen]


class AuditEntrySeen(msgspec.Struct):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object: str
    outcome: str
    client_ip: str | None


class AuditUnderGrant(msgspec.Struct):
    grant_id: int
    tenant_id: int
    expires_at: dt.datetime
    entries: list[AuditEntrySeen]
    older: int | None  # ``before`` of the next page, if there is one


async def _grant_for(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    context: RequestContext | None,
) -> dict[str, Any]:
    """The grant this read is made under; without one, the refusal is written and raised.
    A tenant that does not exist is refused the same way: there is no grant for it either."""
    await authorize(authorizer, principal, HQ, "ops_access", "use")
    grant = await active_grant(principal, tenant_id)
    if grant is None:
        async with write_transaction():
            await record(
                actor=principal.actor,
                action="ops_access.read",
                object=f"tenant:{tenant_id}",
                outcome="denied",
                tenant_id=tenant_id,
                context=context,
            )
        raise Forbidden(NO_ACCESS, detail={"tenant_id": tenant_id})
    return grant


async def read_staff(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    context: RequestContext | None = None,
) -> StaffUnderGrant:
    grant = await _grant_for(authorizer, principal, tenant_id, context)
    async with write_transaction():
        accounts = (
            await Account.select(
                Account.id, Account.username, Account.display_name, Account.is_active
            )
            .where((Account.kind == AccountKind.tenant_staff.value) & (Account.tenant == tenant_id))
            .order_by(Account.id)
        )
        roles: dict[str, list[str]] = {}
        for rule in await CasbinRule.select(CasbinRule.v0, CasbinRule.v1).where(
            (CasbinRule.ptype == "g") & (CasbinRule.domain == tenant_domain(tenant_id))
        ):
            roles.setdefault(rule["v0"], []).append(rule["v1"])
        await record(
            actor=principal.actor,
            action="ops_access.read.staff",
            object=f"ops_access:{grant['id']}",
            tenant_id=tenant_id,
            context=context,
        )
    members = [
        StaffMemberSeen(
            a["username"],
            a["display_name"],
            sorted(roles.get(subject(a["id"]), [])),
            a["is_active"],
        )
        for a in accounts
    ]
    return StaffUnderGrant(grant["id"], tenant_id, grant["expires_at"], members)


async def read_audit(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    before: int | None = None,
    context: RequestContext | None = None,
) -> AuditUnderGrant:
    grant = await _grant_for(authorizer, principal, tenant_id, context)
    async with write_transaction():
        rows = await page(AuditFilter(tenant_id=tenant_id), before)
        await record(
            actor=principal.actor,
            action="ops_access.read.audit",
            object=f"ops_access:{grant['id']}",
            tenant_id=tenant_id,
            context=context,
        )
    entries = [
        AuditEntrySeen(
            r["seq"], r["at"], r["actor"], r["action"], r["object"], r["outcome"], r["client_ip"]
        )
        for r in rows
    ]
    older = rows[-1]["seq"] if len(rows) == PAGE_SIZE else None
    return AuditUnderGrant(grant["id"], tenant_id, grant["expires_at"], entries, older)
