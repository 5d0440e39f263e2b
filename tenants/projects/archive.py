"""一项一档: one archive per project, every document, decision, record and audit entry of it
in order (service standard 6.9), exported as a ZIP whose ``manifest.json`` lists each file
with its SHA-256. Opening the archive is itself an audit entry. The sub-platform's staff and
regulators whose region covers the tenant read it (``archive:read``); nobody edits it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import msgspec

from core.approvals import service as approvals
from core.audit.chain import RequestContext, record
from core.audit.tables import AuditEntry
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.crypto import DecryptionError
from core.data.engine import write_transaction
from core.identity.principal import Principal
from core.storage import ObjectKey, ObjectStorage
from core.tenancy.registry import TenantRef
from tenants.announcements.tables import Announcement, Attachment
from tenants.projects import evaluation
from tenants.projects.draw import seeded_order
from tenants.projects.opening import records
from tenants.projects.registration import project_in
from tenants.projects.sealing import binding, open_bid
from tenants.projects.tables import (
    Bid,
    DrawMember,
    ExpertDraw,
    Lot,
    Opening,
    OpeningState,
    ProjectMaterial,
)

UNSAFE = re.compile(r"[^\w.\-（）()]+")  # what a file name in the archive keeps


def _name(text: str) -> str:
    return UNSAFE.sub("_", text)[:80] or "_"


def _json(value: object) -> bytes:
    return json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=2).encode()


class _Archive:
    """The ZIP being written, and its manifest."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)
        self.entries: list[dict[str, object]] = []

    def add(self, path: str, data: bytes, what: str) -> None:
        self.zip.writestr(path, data)
        self.entries.append(
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
             "what": what}
        )  # fmt: skip

    def close(self, header: dict[str, object]) -> bytes:
        self.zip.writestr("manifest.json", _json({**header, "files": self.entries}))
        self.zip.close()
        return self.buffer.getvalue()


async def export(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    project_id: int,
    context: RequestContext | None = None,
) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of the project's archive."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "archive", "read")
    project = await project_in(tenant, project_id)
    archive = _Archive()
    where = {"tenant": tenant.id, "project": project_id}

    archive.add("01-登记/项目.json", _json(project), "项目登记信息")
    lots = await Lot.select().where((Lot.project == project_id) & (Lot.tenant == tenant.id))
    archive.add("01-登记/标段.json", _json(lots), "标段")
    materials = await ProjectMaterial.select().where(
        (ProjectMaterial.project == project_id) & (ProjectMaterial.tenant == tenant.id)
    )
    for m in materials:
        data = await storage.get(ObjectKey(m["object_key"]))
        archive.add(f"01-登记/材料/{m['item']}-{_name(m['filename'])}", data, "登记材料")
    if project["request_id"]:
        events = await approvals.history(project["request_id"])  # type: ignore[arg-type]
        archive.add("01-登记/审核记录.json", _json(events), "登记审核记录")

    notices = (
        await Announcement.select()
        .where((Announcement.project == project_id) & (Announcement.tenant == tenant.id))
        .order_by(Announcement.id)
    )
    for n, notice in enumerate(notices, start=1):
        folder = f"02-公告/{n:02d}-{_name(notice['title'])}"
        archive.add(f"{folder}/公告.json", _json(notice), "公告")
        files = await Attachment.select().where(
            (Attachment.announcement == notice["id"]) & (Attachment.tenant == tenant.id)
        )
        for f in files:
            data = await storage.get(ObjectKey(f["object_key"]))
            archive.add(f"{folder}/附件/{_name(f['filename'])}", data, "公告附件")

    bids = (
        await Bid.select(
            *Bid.all_columns(exclude=[Bid.sealed_key, Bid.sealed_price, Bid.sealed_features])
        )
        .where((Bid.project == project_id) & (Bid.tenant == tenant.id))
        .order_by(Bid.id)
    )
    archive.add("03-投标/递交记录.json", _json([_receipt(b) for b in bids]), "投标递交与回执")
    opened_lots = set(
        await Opening.select(Opening.lot)
        .where(
            (Opening.project == project_id)
            & (Opening.tenant == tenant.id)
            & (Opening.state == OpeningState.opened.value)
        )
        .output(as_list=True)
    )
    for bid in await Bid.select().where(
        (Bid.project == project_id) & (Bid.tenant == tenant.id) & (Bid.state == "current")
    ):
        if bid["lot"] not in opened_lots:
            continue  # still sealed, or its section failed: it is never decrypted
        bound = binding(tenant.id, bid["lot"], bid["subject"], bid["ref"])
        try:
            data, _ = open_bid(
                bound,
                await storage.get(ObjectKey(bid["object_key"])),
                bid["sealed_key"],
                bid["sealed_price"],
            )
        except DecryptionError:
            continue  # recorded in the opening record as not decrypted
        archive.add(
            f"03-投标/文件/{bid['id']}-{_name(bid['filename'])}", data, "投标文件（开标后）"
        )

    archive.add("04-开标/开标记录.json", _json(await records(tenant, project)), "开标记录")
    for d in (
        await ExpertDraw.select()
        .where((ExpertDraw.project == project_id) & (ExpertDraw.tenant == tenant.id))
        .order_by(ExpertDraw.id)
    ):
        members = (
            await DrawMember.select(
                DrawMember.position, DrawMember.expert, DrawMember.state, DrawMember.answered_at
            )
            .where(DrawMember.draw == d["id"])
            .order_by(DrawMember.position)
        )
        pool = json.loads(d["pool"])
        replay = {
            "seed": d["seed"],
            "pool": pool,
            "order": seeded_order(d["seed"], pool),
            "members": members,
            "rule": "order = experts of the pool sorted by HMAC-SHA256(seed, str(expert id))",
        }
        archive.add(
            f"05-专家抽取/抽取-{d['id']}.json", _json({**d, **replay}), "专家抽取（可复现）"
        )
    archive.add(
        "06-评标定标/结果.json",
        _json(list((await evaluation.results_of(tenant, project_id)).values())),
        "评标结果、定标与合同",
    )

    objects = [f"project:{project_id}", f"approval:{project['request_id']}"]
    objects += [f"announcement:{n['id']}" for n in notices]
    trail = (
        await AuditEntry.select()
        .where(
            (AuditEntry.tenant_id == tenant.id)
            & (AuditEntry.object.is_in(objects) | AuditEntry.object.like(f"project:{project_id}:%"))
        )
        .order_by(AuditEntry.seq)
    )
    archive.add("07-审计/审计记录.json", _json(trail), "审计日志（含链摘要）")

    stamp = dt.datetime.now(dt.UTC)
    data = archive.close(
        {"project": project["code"], "title": project["title"], "tenant": tenant.slug,
         "exported_at": stamp.isoformat(), "exported_by": principal.username, **where}
    )  # fmt: skip
    async with write_transaction():
        await record(
            actor=principal.actor,
            action="archive.export",
            object=f"project:{project_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return f"{project['code']}-一项一档.zip", data


def _receipt(bid: dict[str, object]) -> dict[str, object]:
    """A bid's row as the archive keeps it: what the receipt said, never its sealed values."""
    return {k: v for k, v in bid.items() if k not in ("object_key", "current_slot", "ref")}


def verify(data: bytes) -> list[str]:
    """The files whose digest differs from the manifest's, or that it does not list."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        manifest = json.loads(package.read("manifest.json"))
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        wrong = [
            name
            for name in package.namelist()
            if name != "manifest.json"
            and hashlib.sha256(package.read(name)).hexdigest() != listed.get(name)
        ]
        return wrong + [p for p in listed if p not in package.namelist()]
