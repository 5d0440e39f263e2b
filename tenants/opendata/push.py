"""The push of a sub-platform's open data upward (数据上报, 001 Art 16): every pending release
in the national shape, each checked first; one failing record stops the whole push and the
report names each rejected record with its reasons; a clean push sends them all at once.

No national endpoint is reachable from here, so the package goes to the tenant's outbox in
object storage, where the exchange picks it up. A retry finds nothing pending and sends
nothing twice; two pushes racing cannot both take a release (the update only takes releases
still pending and must take all of them), and the loser writes nothing. The package is
written last, inside the transaction, and removed again if the transaction fails; since that
removal can fail too, the exchange takes a package only when a committed push row names it
(``Push.object_key``), never by listing the outbox.

Head office pushes every sub-platform at once (``push_every_tenant``): each tenant's push is
the same push, in its own transaction, all or nothing for that tenant; one tenant's rejected
record or lost race stops only that tenant's push, the others go (their duties to report are
their own, and holding back clean data for another's bad record would only delay it).
"""

from __future__ import annotations

import datetime as dt
import json

import msgspec
from piccolo.query.functions.aggregate import Count, Max

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.principal import Principal
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.registry import TenantRef, list_tenants
from tenants.opendata import national
from tenants.opendata.tables import Push, PushState, Release
from themes.i18n import BEIJING

RACED = "另一次上报正在进行，请稍后重试 / another push is under way: try again"


class Rejected(msgspec.Struct, frozen=True):
    release_id: str
    reasons: list[str]


class PushReport(msgspec.Struct, frozen=True):
    """``push_id`` None: nothing was pending, nothing was sent."""

    push_id: int | None
    state: PushState | None
    records: int
    rejected: list[Rejected]


class TenantPush(msgspec.Struct, frozen=True):
    """One tenant's part of head office's push: its report, or why it did not run."""

    tenant_id: int
    tenant_name: str
    report: PushReport | None
    error: str | None = None


class PushView(msgspec.Struct, frozen=True):
    id: int
    state: PushState
    records: int
    rejected: list[Rejected]
    created_at: dt.datetime


def _beijing(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


async def pending_rows(
    tenant: TenantRef, service_platform: str, at: dt.datetime
) -> tuple[list[int], list[dict]]:
    """The ids and national records of the tenant's releases not yet pushed, in feed order."""
    rows = await (
        Release.select(Release.id, Release.payload)
        .where((Release.tenant == tenant.id) & Release.pushed_in.is_null())
        .order_by(Release.public_modified)
        .order_by(Release.id)
    )
    platform = await national.platform_code(tenant.id)
    shaped = national.rows_of([r["payload"] for r in rows], platform, service_platform, at)
    return [r["id"] for r in rows], shaped


async def _context_of_pushed(tenant: TenantRef) -> tuple[set[str], dict, dict]:
    """Duplicate keys already pushed, and the notice and award times of every release."""
    rows = await Release.select(Release.payload, Release.pushed_in).where(
        Release.tenant == tenant.id
    )
    sent, tenders, awards = set(), {}, {}
    for row in rows:
        shaped = national.shape(json.loads(row["payload"]), "", "", dt.datetime.now(dt.UTC))
        if row["pushed_in"] is not None:
            sent.add(national.duplicate_key(shaped))
        if shaped["DATA_TYPE"] == "tender" and shaped["NOTICE_SEND_TIME"]:
            tenders[shaped["TENDER_PROJECT_CODE"]] = shaped["NOTICE_SEND_TIME"]
        if shaped["DATA_TYPE"] == "award" and shaped["WIN_BID_TIME"]:
            awards[shaped["BID_SECTION_CODE"]] = shaped["WIN_BID_TIME"]
    return sent, tenders, awards


def check(rows: list[dict], sent: set[str], tenders: dict, awards: dict, now: str) -> list:
    """Each failing record with its reasons; a record repeated within the push is a
    duplicate from its second time on."""
    rejected, seen = [], set(sent)
    for row in rows:
        if reasons := national.problems(row, seen, tenders, awards, now):
            rejected.append(Rejected(str(row["RELEASE_ID"]), reasons))
        seen.add(national.duplicate_key(row))
    return rejected


async def push(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    service_platform: str,
    context: RequestContext | None = None,
) -> PushReport:
    await authorize(authorizer, principal, tenant_domain(tenant.id), "opendata", "push")
    return await _push_checked(principal, storage, tenant, service_platform, context)


async def push_every_tenant(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    service_platform: str,
    context: RequestContext | None = None,
) -> list[TenantPush]:
    """Head office's push of every sub-platform, tenant by tenant in id order; a tenant with
    nothing pending reports so (a retry therefore sends nothing twice). An outage stops the
    run: what was pushed stays pushed, and the retry goes on with the rest."""
    await authorize(authorizer, principal, HQ, "opendata", "push")
    waiting = set((await pending_counts()).keys())
    done = []
    for tenant in await list_tenants():
        if tenant.id not in waiting:  # saves a write transaction per idle sub-platform
            done.append(TenantPush(tenant.id, tenant.name, PushReport(None, None, 0, [])))
            continue
        try:
            report = await _push_checked(principal, storage, tenant, service_platform, context)
        except DomainError as exc:  # e.g. a race with the tenant's own push: the others go on
            done.append(TenantPush(tenant.id, tenant.name, None, exc.message))
        else:
            done.append(TenantPush(tenant.id, tenant.name, report))
    return done


async def _push_checked(
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    service_platform: str,
    context: RequestContext | None,
) -> PushReport:
    """One tenant's push, once the principal may push it."""
    key: ObjectKey | None = None
    try:
        async with write_transaction():
            now = dt.datetime.now(dt.UTC)
            ids, rows = await pending_rows(tenant, service_platform, now)
            if not ids:
                return PushReport(None, None, 0, [])
            rejected = check(rows, *await _context_of_pushed(tenant), _beijing(now))
            state = PushState.rejected if rejected else PushState.pushed
            report = {"rejected": [msgspec.to_builtins(r) for r in rejected]}
            inserted = await Push.insert(
                Push(
                    tenant=tenant.id,
                    state=state.value,
                    records=len(rows),
                    report=json.dumps(report, ensure_ascii=False),
                    pushed_by=principal.account_id,
                )
            ).returning(Push.id)
            push_id = int(inserted[0]["id"])
            if state is PushState.pushed:
                # Claimed first: a push that lost the race writes nothing to the outbox.
                taken = await (
                    Release.update({Release.pushed_in: push_id})
                    .where(Release.id.is_in(ids) & Release.pushed_in.is_null())
                    .returning(Release.id)
                )
                if len(taken) != len(ids):
                    raise DomainError(RACED)
                key = await _send(storage, tenant, push_id, rows)
                await Push.update({Push.object_key: key.value}).where(Push.id == push_id)
            await record(
                actor=principal.actor,
                action="opendata.push",
                object=f"opendata_push:{push_id}",
                outcome="success" if state is PushState.pushed else "failure",
                tenant_id=tenant.id,
                context=context,
            )
    except BaseException:
        if key is not None:
            await discard(storage, key)
        raise
    return PushReport(push_id, state, len(rows), rejected)


async def _send(
    storage: ObjectStorage, tenant: TenantRef, push_id: int, rows: list[dict]
) -> ObjectKey:
    """The package to the tenant's outbox: every record of the push in one object."""
    key = ObjectKey.for_tenant(tenant.id, "opendata", "outbox", f"push-{push_id}.json")
    body = json.dumps({"records": rows}, ensure_ascii=False).encode()
    await storage.put(key, body, "application/json")
    return key


async def pending_counts() -> dict[int, int]:
    """How many releases wait to go upward, by tenant (tenants with none are absent)."""
    rows = await (
        Release.select(Release.tenant, Count(Release.id))
        .where(Release.pushed_in.is_null())
        .group_by(Release.tenant)
    )
    return {r["tenant"]: r["count"] for r in rows}


def _view(row: dict) -> PushView:
    rejected = msgspec.convert(json.loads(row["report"])["rejected"], list[Rejected])
    return PushView(row["id"], PushState(row["state"]), row["records"], rejected, row["created_at"])


async def pushes_of(tenant: TenantRef, limit: int = 50) -> list[PushView]:
    rows = await (
        Push.select()
        .where(Push.tenant == tenant.id)
        .order_by(Push.id, ascending=False)
        .limit(limit)
    )
    return [_view(r) for r in rows]


class Standing(msgspec.Struct, frozen=True):
    """Where a sub-platform stands for head office: what waits, and its latest push."""

    tenant_id: int
    tenant_name: str
    pending: int
    latest: PushView | None


async def standings() -> list[Standing]:
    """Every sub-platform with open data pending or pushed before, in tenant id order."""
    pending = await pending_counts()
    latest_ids = await Push.select(Max(Push.id, alias="latest")).group_by(Push.tenant)
    ids = [r["latest"] for r in latest_ids]
    latest = {r["tenant"]: _view(r) for r in await Push.select().where(Push.id.is_in(ids or [0]))}
    return [
        Standing(t.id, t.name, pending.get(t.id, 0), latest.get(t.id))
        for t in await list_tenants()
        if t.id in pending or t.id in latest
    ]
