"""Bids (投标): a reviewed supplier, with no blacklist in force, submits one sealed bid per lot
before the deadline, gets a receipt with its file's digest at once, and may replace or
withdraw it until the deadline; a late bid is refused. One current bid per supplier and lot,
however many submissions race (a unique slot, under the lot's lock)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Annotated

import anyio
import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import get_engine, write_transaction
from core.errors import DomainError
from core.identity.principal import Principal
from core.libraries.subjects.credit import blacklisted
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import SubjectState
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.registry import TenantRef
from tenants.materials import check_file
from tenants.projects.registration import locked_project, lot_in, project_in, refuse_terminated
from tenants.projects.sealing import binding, seal_bid, seal_features
from tenants.projects.tables import Bid, BidState, Lot, Opening, ProjectState
from tenants.risk.documents import features_of
from tenants.risk.evidence import BidContact
from tenants.risk.tables import BidEvidence
from themes.i18n import local

MAX_PRICE_FEN = 10**15
Price = Annotated[int, msgspec.Meta(gt=0, le=MAX_PRICE_FEN)]  # fen, for the edges
Section = Annotated[int, msgspec.Meta(ge=1, le=999)]  # a section's number


class Receipt(msgspec.Struct):
    """回执: what the supplier keeps of its bid, given at once."""

    bid_id: int
    lot_number: int
    filename: str
    size: int
    digest: str  # SHA-256 of the file as submitted
    state: str
    submitted_at: dt.datetime


async def _open_for_bids(tenant: TenantRef, project_id: int) -> dict[str, object]:
    """The project while it takes bids: registered, its notice out, before its deadline, and
    no section of it opened."""
    project = await project_in(tenant, project_id)
    refuse_terminated(project)
    deadline = project["bid_deadline"]
    if project["state"] != ProjectState.registered.value or not isinstance(deadline, dt.datetime):
        raise DomainError("本项目尚未发布招标（采购）公告 / the project takes no bids yet")
    opened = await Opening.exists().where(
        (Opening.project == project_id) & (Opening.tenant == tenant.id)
    )
    if opened or dt.datetime.now(dt.UTC) >= deadline:
        raise DomainError(
            f"投标截止时间（{local(deadline)}）已过，不再接收投标文件 / the bid deadline has "
            "passed: no bid is taken",
            detail={"field": "deadline"},
        )
    return project


async def _bidder(principal: Principal) -> dict[str, object]:
    """The supplier's library entry, reviewed and with no blacklist in force (checked now)."""
    subject = await own_subject(principal)
    if subject["state"] != SubjectState.approved.value:
        raise Forbidden("主体信息尚未通过审核 / the library entry has not passed review yet")
    if (listed := await blacklisted(subject["id"])) is not None:  # type: ignore[arg-type]
        raise Forbidden(
            f"已被列入黑名单（{listed.authority}，{listed.legal_basis}），不得投标 / "
            "blacklisted: no bid is taken",
            detail={"credit_record": listed.id},
        )
    return subject


async def lock_lot(lot_id: int) -> None:
    """Serialise the lot's bids until the transaction ends (SQLite: the write lock does)."""
    if isinstance(get_engine(), PostgresEngine):
        await Lot.raw("SELECT id FROM lot WHERE id = {} FOR UPDATE", lot_id)


async def submit_bid(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    filename: str,
    data: bytes,
    price_fen: int,
    context: RequestContext | None = None,
    contact: BidContact | None = None,
    device_id: str = "",
) -> Receipt:
    """Seal and store the bid; it replaces the supplier's current bid for the lot, if any.
    What the submission shows of its sender (IP, device, contact, deposit account) is kept
    with it for the collusion rules (:mod:`tenants.risk`)."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "participation", "create")
    await _open_for_bids(tenant, project_id)
    lot = await lot_in(tenant, project_id, lot_number)
    subject = await _bidder(principal)
    checked_at = dt.datetime.now(dt.UTC)
    if not 0 < price_fen <= MAX_PRICE_FEN:
        raise DomainError("投标报价不正确 / the price is not valid", detail={"field": "price"})
    check_file(filename, data)
    # Read now, while the file is in plain, and sealed with it; reading a 5 MB PDF or OFD
    # takes some 0.3–0.4 s (tenants.risk.documents), so off the event loop.
    features = await anyio.to_thread.run_sync(features_of, data)
    ref = uuid.uuid4().hex
    bound = binding(tenant.id, lot["id"], subject["id"], ref)  # type: ignore[arg-type]
    sealed = seal_bid(bound, data, price_fen)
    key = ObjectKey.for_tenant(tenant.id, "bids", str(project_id), f"{ref}.sealed")
    await storage.put(key, sealed.ciphertext, "application/octet-stream")
    slot = f"{lot['id']}:{subject['id']}"
    try:
        async with write_transaction():
            await lock_lot(lot["id"])  # type: ignore[arg-type]
            # under the project's lock: a correction may have moved the deadline, and a
            # termination, which takes the same lock, may have ended the project
            await locked_project(tenant, project_id)
            await _open_for_bids(tenant, project_id)
            replaced = (
                await Bid.update({Bid.state: BidState.replaced.value, Bid.current_slot: None})
                .where(Bid.current_slot == slot)
                .returning(Bid.id)
            )
            rows = await Bid.insert(
                Bid(
                    tenant=tenant.id,
                    project=project_id,
                    lot=lot["id"],
                    subject=subject["id"],
                    submitted_by=principal.account_id,
                    ref=ref,
                    current_slot=slot,
                    filename=filename[:200],
                    size=len(data),
                    digest=hashlib.sha256(data).hexdigest(),
                    object_key=key.value,
                    sealed_key=sealed.sealed_key,
                    sealed_price=sealed.sealed_price,
                    sealed_features=seal_features(bound, msgspec.msgpack.encode(features)),
                    credit_checked_at=checked_at,
                )
            ).returning(*Bid.all_columns())
            await BidEvidence.insert(
                BidEvidence(
                    tenant=tenant.id,
                    bid=rows[0]["id"],
                    project=project_id,
                    lot=lot["id"],
                    client_ip=((context.client_ip if context else None) or "")[:45],
                    device_id=device_id,
                    **(msgspec.structs.asdict(contact) if contact else {}),
                )
            )
            await record(
                actor=principal.actor,
                action="bid.replace" if replaced else "bid.submit",
                object=f"project:{project_id}:lot:{lot_number}",
                tenant_id=tenant.id,
                context=context,
            )
    except BaseException:
        await discard(storage, key)
        raise
    return _receipt(rows[0], lot_number)


async def withdraw_bid(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    lot_number: int,
    context: RequestContext | None = None,
) -> None:
    """Withdraw the supplier's current bid for the lot, before the deadline. Withdrawing what
    is already withdrawn changes nothing."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "participation", "create")
    await _open_for_bids(tenant, project_id)
    lot = await lot_in(tenant, project_id, lot_number)
    subject = await own_subject(principal)
    async with write_transaction():
        await lock_lot(lot["id"])  # type: ignore[arg-type]
        await _open_for_bids(tenant, project_id)
        withdrawn = (
            await Bid.update(
                {
                    Bid.state: BidState.withdrawn.value,
                    Bid.current_slot: None,
                    Bid.withdrawn_at: dt.datetime.now(dt.UTC),
                }
            )
            .where(Bid.current_slot == f"{lot['id']}:{subject['id']}")
            .returning(Bid.id)
        )
        if withdrawn:
            await record(
                actor=principal.actor,
                action="bid.withdraw",
                object=f"project:{project_id}:lot:{lot_number}",
                tenant_id=tenant.id,
                context=context,
            )


async def my_bids(principal: Principal, tenant: TenantRef, project_id: int) -> list[Receipt]:
    """The supplier's bids of the project, newest first (replaced and withdrawn ones too)."""
    await project_in(tenant, project_id)
    subject = await own_subject(principal)
    rows = (
        await Bid.select(*Bid.all_columns(), Bid.lot.number.as_alias("lot_number"))
        .where(
            (Bid.project == project_id) & (Bid.tenant == tenant.id) & (Bid.subject == subject["id"])
        )
        .order_by(Bid.id, ascending=False)
    )
    return [_receipt(r, r["lot_number"]) for r in rows]


def _receipt(row: dict[str, object], lot_number: int) -> Receipt:
    return Receipt(
        bid_id=row["id"],  # type: ignore[arg-type]
        lot_number=lot_number,
        filename=row["filename"],  # type: ignore[arg-type]
        size=row["size"],  # type: ignore[arg-type]
        digest=row["digest"],  # type: ignore[arg-type]
        state=row["state"],  # type: ignore[arg-type]
        submitted_at=row["submitted_at"],  # type: ignore[arg-type]
    )
