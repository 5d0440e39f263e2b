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
"""

from __future__ import annotations

import datetime as dt
import json

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.principal import Principal
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.registry import TenantRef
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


async def pushes_of(tenant: TenantRef, limit: int = 50) -> list[PushView]:
    rows = await (
        Push.select()
        .where(Push.tenant == tenant.id)
        .order_by(Push.id, ascending=False)
        .limit(limit)
    )
    return [
        PushView(
            r["id"],
            PushState(r["state"]),
            r["records"],
            msgspec.convert(json.loads(r["report"])["rejected"], list[Rejected]),
            r["created_at"],
        )
        for r in rows
    ]
