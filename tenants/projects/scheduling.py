"""The projects' clocks on the scheduler (core.jobs): each section opens by itself at its bid
deadline (开标), once, on whichever worker claims it; a correction that moves the deadline
moves the job. The opening is done on behalf of the registration's service owner (受理人), the
person named responsible for the project's service, and its audit entries say it came from
the scheduler (their request id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.audit.chain import RequestContext
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.jobs.service import JobContext, register_job, schedule
from core.tenancy.registry import TenantRef, find_tenant_by_id
from tenants.projects import opening
from tenants.projects.registration import project_in
from tenants.projects.tables import Lot

OPEN = "lot.open"


async def schedule_openings(tenant: TenantRef, project_id: int, deadline: dt.datetime) -> None:
    """Every section of the project opens at ``deadline`` (in the caller's transaction)."""
    lots = await Lot.select(Lot.id, Lot.number).where(
        (Lot.project == project_id) & (Lot.tenant == tenant.id)
    )
    for lot in lots:
        await schedule(
            OPEN,
            f"lot:{lot['id']}",
            deadline,
            {"tenant": tenant.id, "project": project_id, "lot": lot["number"]},
            tenant.id,
        )


async def _open(payload: dict[str, Any], context: JobContext) -> None:
    tenant = await find_tenant_by_id(int(payload["tenant"]))
    if tenant is None:
        return  # the tenant is gone: nothing to open
    project = await project_in(tenant, int(payload["project"]))
    if project["terminated_at"] is not None:
        return  # terminated before its opening: nothing is opened
    deadline = project["bid_deadline"]
    if isinstance(deadline, dt.datetime) and dt.datetime.now(dt.UTC) < deadline:
        await schedule_openings(tenant, project["id"], deadline)  # moved later meanwhile
        return
    owner = await Account.select().where(Account.id == project["service_owner"]).first()
    if owner is None:
        raise LookupError(f"project {project['id']} has no service owner to open it")
    principal = Principal(
        owner["id"],
        owner["username"],
        AccountKind(owner["kind"]),
        owner["tenant"],
        owner["display_name"],
    )
    await opening.open_lot(
        context.authorizer,
        principal,
        context.storage,
        tenant,
        project["id"],
        int(payload["lot"]),
        RequestContext(request_id=f"scheduler:lot.open:{payload['project']}:{payload['lot']}"),
    )


register_job(OPEN, _open)
