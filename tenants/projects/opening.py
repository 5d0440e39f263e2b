"""Opening (开标): once per lot, at or after the bid deadline. With fewer current bids than the
method needs (招标投标法 28: three for a tender) nothing is decrypted and the lot fails (流标,
to be tendered again); otherwise every bid is opened, its file checked against its receipt's
digest, and the opening record (bidders, prices, digests) is written and told to the bidders."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.crypto import DecryptionError
from core.data.engine import write_transaction
from core.data.errors import is_unique_violation
from core.errors import DomainError
from core.identity.principal import Principal
from core.identity.tables import Account
from core.libraries.subjects.tables import Subject
from core.notifications.service import notify
from core.storage import ObjectKey, ObjectStorage
from core.tenancy.registry import TenantRef
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.projects import objections
from tenants.projects.bids import lock_lot
from tenants.projects.methods import METHODS
from tenants.projects.registration import locked_project, lot_in, project_in, refuse_terminated
from tenants.projects.sealing import binding, open_bid
from tenants.projects.tables import (
    Bid,
    BidState,
    Lot,
    ObjectionTarget,
    Opening,
    OpeningEntry,
    OpeningState,
)
from tenants.risk import service as risk
from themes.i18n import local

DECRYPTING = 8  # bids decrypted at once


class EntryView(msgspec.Struct):
    bid: int
    bidder: str
    price_fen: int
    digest: str
    verified: bool
    decrypted: bool


class OpeningView(msgspec.Struct):
    lot_number: int
    state: str
    bids: int
    min_bids: int
    opened_at: dt.datetime
    entries: list[EntryView]


async def open_lot(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    context: RequestContext | None = None,
) -> OpeningView:
    """Open the lot; opening it again answers with the first opening."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "bid", "open")
    project = await project_in(tenant, project_id)
    lot = await lot_in(tenant, project_id, lot_number)
    if (done := await _view(lot, project)) is not None:
        return done
    refuse_terminated(project)
    deadline = project["bid_deadline"]
    if not isinstance(deadline, dt.datetime):
        raise DomainError("本项目尚未发布招标（采购）公告 / the project has no notice yet")
    await objections.hold(tenant, project_id, ObjectionTarget.documents)
    if dt.datetime.now(dt.UTC) < deadline:
        raise DomainError(
            f"开标时间（{local(deadline)}）未到，投标文件不能解密 / not before the opening "
            "time: no bid is decrypted",
            detail={"field": "deadline"},
        )
    async with write_transaction():
        # A bid that passed its deadline check holds the section's lock until it commits: past
        # the deadline, once we hold the lock, no bid is on its way in.
        await lock_lot(lot["id"])  # type: ignore[arg-type]
        bids = await Bid.select().where(
            (Bid.lot == lot["id"])
            & (Bid.state == BidState.current.value)
            & (Bid.tenant == tenant.id)
        )
    minimum = METHODS[Method(project["method"])].min_bids
    gate = asyncio.Semaphore(DECRYPTING)
    entries = (
        []
        if len(bids) < minimum
        else await asyncio.gather(*(_opened(storage, bid, gate) for bid in bids))
    )
    state = OpeningState.failed if len(bids) < minimum else OpeningState.opened
    try:
        async with write_transaction():
            # A termination published while the bids were decrypting wins: nothing is opened.
            refuse_terminated(await locked_project(tenant, project_id))
            rows = await Opening.insert(
                Opening(
                    tenant=tenant.id,
                    project=project_id,
                    lot=lot["id"],
                    state=state.value,
                    bids=len(bids),
                    opened_by=principal.account_id,
                )
            ).returning(Opening.id)
            if entries:
                await OpeningEntry.insert(
                    *[OpeningEntry(tenant=tenant.id, opening=rows[0]["id"], **e) for e in entries]
                )
            await record(
                actor=principal.actor,
                action="bid.open" if state is OpeningState.opened else "bid.open_failed",
                object=f"project:{project_id}:lot:{lot_number}",
                tenant_id=tenant.id,
                context=context,
            )
            await _tell_bidders(tenant, project, lot_number, bids, state)
            # 围标串标预警: bidding is closed and the files are open, so every rule can run;
            # with the opening, so a section is never opened without its checks.
            await risk.check_section(tenant.id, project_id, lot, principal.actor, context)
    except Exception as exc:
        if not is_unique_violation(exc):
            raise  # else another opening of the lot won the race: answer with it
    view = await _view(lot, project)
    assert view is not None
    return view


async def _opened(
    storage: ObjectStorage, bid: dict[str, object], gate: asyncio.Semaphore
) -> dict[str, object]:
    """One bid decrypted (off the event loop: SM4 over a large file takes a while), a few at a
    time so that 200 large files are not all in memory at once. One whose sealed values do
    not open is recorded as such, and the others are opened all the same."""
    subject = await Subject.select(Subject.name).where(Subject.id == bid["subject"]).first()
    entry = {
        "bid": bid["id"],
        "bidder": subject["name"] if subject else "",
        "price_fen": 0,
        "digest": bid["digest"],
        "verified": False,
        "decrypted": False,
    }
    bound = binding(
        int(str(bid["tenant"])), int(str(bid["lot"])), int(str(bid["subject"])), str(bid["ref"])
    )
    async with gate:
        ciphertext = await storage.get(ObjectKey(str(bid["object_key"])))
        try:
            data, price = await asyncio.to_thread(
                open_bid, bound, ciphertext, str(bid["sealed_key"]), str(bid["sealed_price"])
            )
        except DecryptionError:
            return entry
    digest = hashlib.sha256(data).hexdigest()
    return {**entry, "price_fen": price, "verified": digest == bid["digest"], "decrypted": True}


async def _tell_bidders(
    tenant: TenantRef,
    project: dict[str, object],
    lot_number: int,
    bids: list[dict[str, object]],
    state: OpeningState,
) -> None:
    if not bids:
        return
    accounts = await Account.select(Account.id, Account.email).where(
        Account.id.is_in([int(str(b["submitted_by"])) for b in bids])
    )
    outcome = (
        "已开标，开标记录可在投标页面查看"
        if state is OpeningState.opened
        else ("投标人不足，本标段流标，将重新招标")
    )
    await notify(
        recipients=[(a["id"], a["email"]) for a in accounts],
        subject=f"开标：{project['title']} 第 {lot_number} 标段",
        body=f"项目「{project['title']}」（{project['code']}）第 {lot_number} 标段{outcome}。",
        tenant_id=tenant.id,
    )


async def _view(lot: dict[str, object], project: dict[str, object]) -> OpeningView | None:
    opening = await Opening.select().where(Opening.lot == lot["id"]).first()
    if opening is None:
        return None
    entries = await OpeningEntry.select().where(OpeningEntry.opening == opening["id"])
    return OpeningView(
        lot_number=lot["number"],  # type: ignore[arg-type]
        state=opening["state"],
        bids=opening["bids"],
        min_bids=METHODS[Method(project["method"])].min_bids,
        opened_at=opening["opened_at"],
        entries=[
            EntryView(
                e["bid"], e["bidder"], e["price_fen"], e["digest"], e["verified"], e["decrypted"]
            )
            for e in sorted(entries, key=lambda e: e["id"])
        ],
    )


async def openings_of(
    authorizer: Authorizer, principal: Principal, tenant: TenantRef, project_id: int
) -> list[OpeningView]:
    """The project's opening records: for its staff, and for a supplier that bid on it."""
    project = await project_in(tenant, project_id)
    dom = tenant_domain(tenant.id)
    if not await authorizer.allowed(principal.casbin_subject, dom, "project", "read"):
        bid = (
            await Bid.select(Bid.id)
            .where(
                (Bid.project == project_id)
                & (Bid.submitted_by == principal.account_id)
                & (Bid.tenant == tenant.id)
            )
            .first()
        )
        if bid is None:
            raise Forbidden("开标记录仅向本项目投标人公开 / for the project's bidders only")
    return await records(tenant, project)


async def records(tenant: TenantRef, project: dict[str, object]) -> list[OpeningView]:
    """The opening records of the project's lots opened so far (the caller checked access)."""
    project_id = project["id"]
    lots = (
        await Lot.select()
        .where((Lot.project == project_id) & (Lot.tenant == tenant.id))
        .order_by(Lot.number)
    )
    views = [await _view(lot, project) for lot in lots]
    return [v for v in views if v is not None]
