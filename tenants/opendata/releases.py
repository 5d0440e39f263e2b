"""OCDS 1.1 releases (开放合同数据标准 发布) of a sub-platform's projects: one per change, written
by the service that makes the change, in its transaction: the tender when the project's tender
or procurement notice is published, a tender amendment with each published correction (更正公告)
of the project, its cancellation with its termination notice (终止公告), the award of a section
(定标), its contract (合同备案).

Parties are identified by scheme CN-SAIC and the unified social credit code. The release holds
only what the notices publish: no bid prices but the winner's, no experts, no persons.
"""

from __future__ import annotations

import datetime as dt
import json

from piccolo.query.functions.aggregate import Max

from core.audit.chain import CHAIN_LOCK_KEY
from core.data.engine import on_postgres
from core.libraries.subjects.tables import Subject
from core.libraries.transactions.service import TransactionEntry
from core.libraries.transactions.tables import TransactionRecord
from core.richtext import plain_text
from tenants.announcements.tables import METHOD_LABELS
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.opendata.tables import Release, ReleaseTag
from tenants.projects.reading import lot_code
from tenants.projects.tables import Lot, Purchaser
from themes.i18n import BEIJING

# The OCDS prefix of this platform's ocids. Prefixes are registered with the Open Contracting
# Partnership ("ocds-" and six characters); none is registered yet, so this one stands in and
# is kept in one place to be replaced.
OCID_PREFIX = "ocds-sunshn"
SCHEME = "CN-SAIC"
# OCDS procurementMethod codelist (open / selective / limited / direct); the Chinese method
# always goes in procurementMethodDetails. Framework agreements and "other" have no match.
PROCUREMENT_METHOD = {
    Method.open_tender: "open",
    Method.reverse_auction: "open",
    Method.invited_tender: "selective",
    Method.competitive_negotiation: "selective",
    Method.competitive_consultation: "selective",
    Method.request_for_quotation: "selective",
    Method.single_source: "limited",
}


def ocid_of(tenant_id: int, project_code: str) -> str:
    return f"{OCID_PREFIX}-{tenant_id}-{project_code}"


def _when(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).isoformat(timespec="seconds")


def _day(on: dt.date) -> str:
    return dt.datetime.combine(on, dt.time(), BEIJING).isoformat()


def _value(fen: int) -> dict[str, object]:
    return {"amount": fen / 100, "currency": "CNY"}


def party_id(credit_code: str) -> str:
    return f"{SCHEME}-{credit_code}"


def _party(name: str, credit_code: str, roles: list[str]) -> dict[str, object]:
    return {
        "id": party_id(credit_code),
        "name": name,
        "identifier": {"scheme": SCHEME, "id": credit_code, "legalName": name},
        "roles": roles,
    }


def _frame(ocid: str, kind: ReleaseTag, key: str, at: dt.datetime) -> dict[str, object]:
    return {
        "ocid": ocid,
        "id": f"{ocid}-{kind.value}-{key}",
        "date": _when(at),
        "tag": [kind.value],
        "initiationType": "tender",
        "language": "zh",
    }


async def _store(
    tenant_id: int, kind: ReleaseTag, project_code: str, section: str, release: dict
) -> None:
    """Write the release with the next feed stamp; one written before is left as it is.

    The stamp is taken under the audit chain's lock: every release is written in an audited
    transaction, which holds that lock to its commit anyway, so this adds no wait and no
    second lock to order, and stamps and ids grow in commit order (on SQLite the write lock
    taken at BEGIN does the same)."""
    if await Release.exists().where(Release.release_id == release["id"]):
        return
    if on_postgres():
        await Release.raw("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK_KEY)
    last = await Release.select(Max(Release.public_modified, alias="last")).first()
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)
    stamp = max(now, int((last or {}).get("last") or 0))
    await Release.insert(
        Release(
            tenant=tenant_id,
            release_id=release["id"],
            ocid=release["ocid"],
            tag=kind.value,
            project_code=project_code,
            section_code=section,
            payload=json.dumps(release, ensure_ascii=False),
            public_modified=stamp,
        )
    )


async def on_tender(
    tenant_id: int, project: dict, announcement: dict[str, object], at: dt.datetime
) -> None:
    """The project's tender, as its published tender or procurement notice opens it."""
    code = str(project["code"])
    ocid = ocid_of(tenant_id, code)
    buyer = (
        await Purchaser.select(Purchaser.name, Purchaser.credit_code)
        .where((Purchaser.id == project["purchaser"]) & (Purchaser.tenant == tenant_id))
        .first()
    )
    parties = [_party(buyer["name"], buyer["credit_code"], ["buyer"])]
    if project["agency"]:
        agency = (
            await Subject.select(Subject.name, Subject.credit_code)
            .where(Subject.id == project["agency"])
            .first()
        )
        parties.append(_party(agency["name"], agency["credit_code"], ["procuringEntity"]))
    lots = await (
        Lot.select(Lot.number, Lot.title, Lot.budget_fen)
        .where((Lot.project == project["id"]) & (Lot.tenant == tenant_id))
        .order_by(Lot.number)
    )
    method = Method(project["method"])
    tender: dict[str, object] = {
        "id": f"{code}001",  # the tender project (招标项目) of the national specification
        "title": project["title"],
        "status": "active",
        "value": _value(int(project["budget_fen"])),
        "procurementMethodDetails": METHOD_LABELS[method][0],
        "mainProcurementCategory": project["category"],  # goods / works / services, as OCDS
        "datePublished": _when(at),
        "lots": [
            {
                "id": lot_code(code, lot["number"]),
                "title": lot["title"],
                "status": "active",
                **({"value": _value(lot["budget_fen"])} if lot["budget_fen"] is not None else {}),
            }
            for lot in lots
        ],
    }
    if method in PROCUREMENT_METHOD:
        tender["procurementMethod"] = PROCUREMENT_METHOD[method]
    if isinstance(deadline := announcement.get("deadline_at"), dt.datetime):
        tender["tenderPeriod"] = {"startDate": _when(at), "endDate": _when(deadline)}
    if len(parties) > 1:
        tender["procuringEntity"] = {"id": parties[1]["id"], "name": parties[1]["name"]}
    release = _frame(ocid, ReleaseTag.tender, str(announcement["id"]), at)
    release |= {
        "parties": parties,
        "buyer": {"id": parties[0]["id"], "name": buyer["name"]},
        "tender": tender,
    }
    await _store(tenant_id, ReleaseTag.tender, code, "", release)


async def _latest(tenant_id: int, ocid: str) -> dict | None:
    """The project's latest release: the one a change amends."""
    return await (
        Release.select(Release.release_id)
        .where((Release.tenant == tenant_id) & (Release.ocid == ocid))
        .order_by(Release.public_modified, ascending=False)
        .order_by(Release.id, ascending=False)
        .first()
    )


async def _buyer(tenant_id: int, project: dict) -> dict[str, object]:
    buyer = (
        await Purchaser.select(Purchaser.name, Purchaser.credit_code)
        .where((Purchaser.id == project["purchaser"]) & (Purchaser.tenant == tenant_id))
        .first()
    )
    return _party(buyer["name"], buyer["credit_code"], ["buyer"])


async def on_amendment(
    tenant_id: int, project: dict, correction: dict[str, object], at: dt.datetime
) -> None:
    """A published correction of the project as a tender amendment: the amendment says when
    and why (the correction's title) and what (its text), names the release it amends (the
    latest before it) and, when the correction moves the bid deadline, the new end of the
    tender period. Nothing is written for a project whose tender has no release."""
    code = str(project["code"])
    ocid = ocid_of(tenant_id, code)
    if (latest := await _latest(tenant_id, ocid)) is None:
        return
    party = await _buyer(tenant_id, project)
    release = _frame(ocid, ReleaseTag.tenderAmendment, str(correction["id"]), at)
    tender: dict[str, object] = {
        "id": f"{code}001",
        "amendments": [
            {
                "id": str(correction["id"]),
                "date": _when(at),
                "rationale": correction["title"],
                "description": plain_text(str(correction["body_html"])),
                "amendsReleaseID": latest["release_id"],
                "releaseID": release["id"],
            }
        ],
    }
    if isinstance(deadline := correction.get("deadline_at"), dt.datetime):
        tender["tenderPeriod"] = {"endDate": _when(deadline)}
    release |= {
        "parties": [party],
        "buyer": {"id": party["id"], "name": party["name"]},
        "tender": tender,
    }
    await _store(tenant_id, ReleaseTag.tenderAmendment, code, "", release)


async def on_termination(
    tenant_id: int, project: dict, termination: dict[str, object], at: dt.datetime
) -> None:
    """A published termination notice as the tender's cancellation: the tender and every
    lot cancelled, and an amendment saying when and why (rationale: the notice's text, its
    reason), under what title, and which release it amends. Nothing is written for a project
    whose tender has no release."""
    code = str(project["code"])
    ocid = ocid_of(tenant_id, code)
    if (latest := await _latest(tenant_id, ocid)) is None:
        return
    party = await _buyer(tenant_id, project)
    lots = await (
        Lot.select(Lot.number)
        .where((Lot.project == project["id"]) & (Lot.tenant == tenant_id))
        .order_by(Lot.number)
    )
    release = _frame(ocid, ReleaseTag.tenderCancellation, str(termination["id"]), at)
    tender: dict[str, object] = {
        "id": f"{code}001",
        "status": "cancelled",
        "amendments": [
            {
                "id": str(termination["id"]),
                "date": _when(at),
                "rationale": plain_text(str(termination["body_html"])),
                "description": termination["title"],
                "amendsReleaseID": latest["release_id"],
                "releaseID": release["id"],
            }
        ],
    }
    if lots:  # merged by id into the tender's lots (an empty list would replace them)
        tender["lots"] = [
            {"id": lot_code(code, lot["number"]), "status": "cancelled"} for lot in lots
        ]
    release |= {
        "parties": [party],
        "buyer": {"id": party["id"], "name": party["name"]},
        "tender": tender,
    }
    await _store(tenant_id, ReleaseTag.tenderCancellation, code, "", release)


async def on_award(entry: TransactionEntry) -> None:
    """The award of a section, from what the transaction library keeps of it."""
    ocid = ocid_of(entry.tenant_id, entry.project_code)
    buyer = _party(entry.purchaser_name, entry.purchaser_credit_code, ["buyer"])
    supplier = _party(entry.supplier_name, entry.supplier_credit_code, ["supplier"])
    release = _frame(ocid, ReleaseTag.award, entry.section_code, entry.awarded_at)
    release |= {
        "parties": [buyer, supplier],
        "buyer": {"id": buyer["id"], "name": entry.purchaser_name},
        "awards": [
            {
                "id": entry.section_code,
                "title": entry.section_title,
                "status": "active",
                "date": _when(entry.awarded_at),
                "value": _value(entry.award_fen),
                "suppliers": [{"id": supplier["id"], "name": entry.supplier_name}],
                "relatedLots": [entry.section_code],
            }
        ],
    }
    await _store(entry.tenant_id, ReleaseTag.award, entry.project_code, entry.section_code, release)


async def on_contract(tenant_id: int, section_code: str, at: dt.datetime) -> None:
    """The contract of a section's award, from the transaction library's completed record."""
    kept = (
        await TransactionRecord.select()
        .where(
            (TransactionRecord.tenant == tenant_id)
            & (TransactionRecord.section_code == section_code)
        )
        .first()
    )
    if kept is None:  # an award from before the library kept awards: nothing to complete
        return
    ocid = ocid_of(tenant_id, kept["project_code"])
    buyer = _party(kept["purchaser_name"], kept["purchaser_credit_code"], ["buyer"])
    supplier = _party(kept["supplier_name"], kept["supplier_credit_code"], ["supplier"])
    release = _frame(ocid, ReleaseTag.contract, section_code, at)
    release |= {
        "parties": [buyer, supplier],
        "buyer": {"id": buyer["id"], "name": kept["purchaser_name"]},
        "contracts": [
            {
                "id": f"{section_code}-contract",
                "awardID": section_code,
                "title": kept["section_title"],
                "status": "active",
                "value": _value(kept["contract_fen"]),
                "dateSigned": _day(kept["signed_on"]),
            }
        ],
    }
    await _store(tenant_id, ReleaseTag.contract, kept["project_code"], section_code, release)
