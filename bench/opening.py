"""P8: opening (开标) a lot of 200 sealed bids, against the floor of the same work, in one run.

    .venv/bin/python -m bench.opening [--bids 200] [--size 262144] [--rounds 5]

Ours is the service the staff's "开标" button calls (``tenants.projects.opening.open_lot``):
load the lot's current bids, fetch each ciphertext from object storage, unseal its key and
price, decrypt the file (SM4-GCM, off the event loop), check it against its receipt's
SHA-256, write the opening record and its audit entry, and tell the bidders. The reference is
the floor of that work: the same ciphertexts fetched and decrypted and hashed one after the
other in this process, no database. Target: ours ≤ 2 s (issue 13).

The bids are sealed exactly as ``submit_bid`` seals them but written straight to the tables
(200 supplier accounts would cost 200 argon2 hashes, and submission is not what is measured);
each round opens a fresh lot. Runs on the embedded default (SQLite, local directory) in a
scratch directory, or on PostgreSQL/Redis/S3 when their settings (``DATABASE_URL``, …) are
given, as ``python -m bench`` does; the database is migrated, not emptied.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_S = 2.0


async def main(args: argparse.Namespace) -> int:
    from core.audit.chain import RequestContext
    from core.authz.authorizer import Authorizer
    from core.authz.policies import grant_first_admin, grant_role, sync_role_catalogue
    from core.data.engine import close_database, open_database
    from core.data.migrations import migrate
    from core.identity.accounts import create_account
    from core.identity.principal import Principal
    from core.identity.tables import AccountKind
    from core.libraries.subjects.tables import Subject
    from core.settings import get_settings
    from core.storage import ObjectKey, build_object_storage
    from core.stores import Stores
    from core.tenancy.registry import register_tenant
    from core.tenancy.tables import TenantKind
    from tenants.projects import opening
    from tenants.projects.sealing import binding, open_bid, seal_bid
    from tenants.projects.tables import Bid, Lot, Project, Purchaser

    settings = get_settings()
    await open_database(settings.database)
    stores = Stores(settings)
    try:
        await migrate()
        authorizer = Authorizer(stores.redis)
        await sync_role_catalogue(authorizer)  # what the application does at start-up
        storage = build_object_storage(settings)
        run = uuid.uuid4().hex[:8]
        tenant = await register_tenant(
            slug=f"bench-open-{run}",
            name="开标基准分平台",
            kind=TenantKind.city,
            region_code="370100",
        )
        names = ("hq", "staff")
        ids = {
            n: await create_account(
                username=f"bench-{n}-{run}",
                display_name=n,
                kind=AccountKind.hq_staff if n == "hq" else AccountKind.tenant_staff,
                password=f"Bench-{uuid.uuid4().hex}",
                tenant_id=None if n == "hq" else tenant.id,
            )
            for n in names
        }
        hq = Principal(ids["hq"], f"bench-hq-{run}", AccountKind.hq_staff)
        await grant_first_admin(authorizer, hq.account_id, command="bench")
        staff = Principal(ids["staff"], f"bench-staff-{run}", AccountKind.tenant_staff, tenant.id)
        await grant_role(
            authorizer, hq, account_id=staff.account_id, role="tenant_admin", tenant_id=tenant.id
        )
        unit = (
            await Purchaser.insert(
                Purchaser(
                    tenant=tenant.id,
                    tenant_code=f"{tenant.id}:bench",
                    credit_code="x" * 18,
                    name="基准采购人",
                    region_code="370100",
                )
            ).returning(Purchaser.id)
        )[0]["id"]
        subjects = [
            (
                await Subject.insert(
                    Subject(
                        kind="supplier",
                        credit_code=f"B{run}{n:09d}",
                        name=f"基准供应商{n:03d}",
                        legal_representative="张三",
                        address="济南",
                        region_code="370102",
                        contact_name="李四",
                        contact_phone="0531-1",
                        contact_email="b@x.cn",
                        state="approved",
                    )
                ).returning(Subject.id)
            )[0]["id"]
            for n in range(args.bids)
        ]
        document = os.urandom(args.size)
        ours: list[float] = []
        floor: list[float] = []
        for round_ in range(args.rounds):
            project_id = (
                await Project.insert(
                    Project(
                        tenant=tenant.id,
                        purchaser=unit,
                        title=f"基准项目 {round_}",
                        track="tender",
                        method="open_tender",
                        category="goods",
                        budget_fen=1,
                        state="registered",
                        created_by=staff.account_id,
                        code=f"B{run}{round_:04d}",
                        bid_deadline=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
                    )
                ).returning(Project.id)
            )[0]["id"]
            lot_id = (
                await Lot.insert(
                    Lot(tenant=tenant.id, project=project_id, number=1, title="标段")
                ).returning(Lot.id)
            )[0]["id"]
            sealed_bids = []
            for subject_id in subjects:
                ref = uuid.uuid4().hex
                bound = binding(tenant.id, lot_id, subject_id, ref)
                sealed = seal_bid(bound, document, 100_000 + subject_id)
                key = ObjectKey.for_tenant(tenant.id, "bids", str(project_id), f"{ref}.sealed")
                await storage.put(key, sealed.ciphertext, "application/octet-stream")
                sealed_bids.append((bound, key, sealed))
                await Bid.insert(
                    Bid(
                        tenant=tenant.id,
                        project=project_id,
                        lot=lot_id,
                        subject=subject_id,
                        submitted_by=staff.account_id,
                        ref=ref,
                        current_slot=f"{lot_id}:{subject_id}",
                        filename="标书.pdf",
                        size=len(document),
                        digest=hashlib.sha256(document).hexdigest(),
                        object_key=key.value,
                        sealed_key=sealed.sealed_key,
                        sealed_price=sealed.sealed_price,
                        credit_checked_at=dt.datetime.now(dt.UTC),
                    )
                )
            started = time.perf_counter()
            for bound, key, sealed in sealed_bids:
                data, _ = open_bid(
                    bound, await storage.get(key), sealed.sealed_key, sealed.sealed_price
                )
                hashlib.sha256(data).hexdigest()
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            view = await opening.open_lot(
                authorizer, staff, storage, tenant, project_id, 1, RequestContext()
            )
            ours.append(time.perf_counter() - started)
            if view.state != "opened" or len(view.entries) != args.bids:
                raise SystemExit(f"the opening went wrong: {view.state}, {len(view.entries)}")
            if not all(e.verified for e in view.entries):
                raise SystemExit("a decrypted bid does not match its receipt")
    finally:
        await stores.close()
        await close_database()
    best, median = min(ours), statistics.median(ours)
    ref_median = statistics.median(floor)
    where = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {where}; "
        f"{args.bids} bids of {args.size // 1024} KiB, {args.rounds} rounds"
    )
    print(
        f"P8 opening {args.bids} bids: ours median {median:.3f} s (best {best:.3f} s), "
        f"reference {ref_median:.3f} s, ratio {median / ref_median:.2f}, target ≤ {TARGET_S} s "
        f"{'met' if median <= TARGET_S else 'missed'}"
    )
    return 0 if median <= TARGET_S else 1


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--size", type=int, default=256 * 1024, help="bytes a bid file")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sunshine-bench-opening-") as tmp:
        if not os.environ.get("SUNSHINE_DATA_DIR"):
            os.environ["SUNSHINE_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.setdefault("SUNSHINE_ENV", "development")
        return asyncio.run(main(args))


if __name__ == "__main__":
    sys.exit(cli())
