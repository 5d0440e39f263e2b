"""The national data specification's shape (公共资源交易平台系统数据规范 V2.0) and the checks a
record passes before it goes upward (上传前核对检查, 001 Art 16).

Every record carries PLATFORM_CODE (the trading system: the operator's unified social credit
code), PUB_SERVICE_PLAT_CODE (the public service platform it reports to, a setting) and
DATA_TIMESTAMP, and its project codes nest: project → tender project (+3 digits) → section
(+3 digits). The official field list could not be retrieved, so the other field names follow
the specification's naming as far as it is known; they are built from the published release,
so the export says exactly what the open data says.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from core.errors import DomainError
from core.identifiers import validate_uscc
from tenants.tables import Application
from themes.i18n import BEIJING

THREE_DIGITS = re.compile(r"^\d{3}$")
REQUIRED = {
    "tender": ("TENDER_PROJECT_NAME", "TENDERER_NAME", "TENDERER_CODE", "NOTICE_SEND_TIME"),
    "tenderAmendment": (
        "TENDERER_NAME",
        "TENDERER_CODE",
        "AMENDMENT_ID",
        "AMENDMENT_REASON",
        "NOTICE_SEND_TIME",
    ),
    "tenderCancellation": (
        "TENDERER_NAME",
        "TENDERER_CODE",
        "TERMINATION_ID",
        "TERMINATION_REASON",
        "NOTICE_SEND_TIME",
    ),
    "award": (
        "BID_SECTION_CODE",
        "TENDERER_CODE",
        "WIN_BIDDER_NAME",
        "WIN_BIDDER_CODE",
        "BID_AMOUNT",
        "WIN_BID_TIME",
    ),
    "contract": ("BID_SECTION_CODE", "WIN_BIDDER_CODE", "CONTRACT_AMOUNT", "CONTRACT_SIGN_TIME"),
}
COMMON = (
    "PLATFORM_CODE",
    "PUB_SERVICE_PLAT_CODE",
    "DATA_TIMESTAMP",
    "PROJECT_CODE",
    "TENDER_PROJECT_CODE",
)
CODES = ("PLATFORM_CODE", "TENDERER_CODE", "WIN_BIDDER_CODE")


async def platform_code(tenant_id: int) -> str:
    """The operator's unified social credit code, from the application that established the
    sub-platform; "" when there is none (the check then refuses every record)."""
    row = (
        await Application.select(Application.credit_code)
        .where(Application.tenant_id == tenant_id)
        .first()
    )
    return row["credit_code"] if row else ""


def _stamp(text: object) -> str:
    """yyyymmddHHMMSS in Beijing time; "" for a missing or malformed time (then refused)."""
    try:
        return dt.datetime.fromisoformat(str(text)).astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    except ValueError:
        return ""


def _first(items: object) -> dict:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def _code_of(party: dict) -> str:
    return str(party.get("identifier", {}).get("id", ""))


def _parent(code: object) -> str:
    return code[:-3] if isinstance(code, str) else ""


def shape(release: dict, platform: str, service_platform: str, at: dt.datetime) -> dict:
    """One record of the national shape from one release. A field the release lacks is left
    empty, for the check to name, rather than failing the whole export."""
    tags = release.get("tag")
    tag = str(tags[0]) if isinstance(tags, list) and tags else ""
    parties = {p.get("id"): p for p in release.get("parties", []) if isinstance(p, dict)}
    buyer = parties.get(release.get("buyer", {}).get("id"), {})
    row: dict[str, object] = {
        "PLATFORM_CODE": platform,
        "PUB_SERVICE_PLAT_CODE": service_platform,
        "DATA_TIMESTAMP": at.astimezone(BEIJING).strftime("%Y%m%d%H%M%S"),
        "DATA_TYPE": tag,
        "RELEASE_ID": release.get("id", ""),
        "PROJECT_CODE": str(release.get("ocid", "")).rsplit("-", 1)[-1],
        "TENDERER_NAME": buyer.get("name", ""),
        "TENDERER_CODE": _code_of(buyer),
    }
    if tag == "tender":
        tender = release.get("tender", {})
        row |= {
            "TENDER_PROJECT_CODE": tender.get("id", ""),
            "TENDER_PROJECT_NAME": tender.get("title", ""),
            "NOTICE_SEND_TIME": _stamp(tender.get("datePublished")),
            "BID_SECTIONS": [
                {"BID_SECTION_CODE": lot.get("id", ""), "BID_SECTION_NAME": lot.get("title", "")}
                for lot in tender.get("lots", [])
            ],
        }
    elif tag == "tenderAmendment":  # a correction notice (更正公告) of the tender project
        tender = release.get("tender", {})
        amendment = _first(tender.get("amendments"))
        row |= {
            "TENDER_PROJECT_CODE": tender.get("id", ""),
            "AMENDMENT_ID": amendment.get("id", ""),
            "AMENDMENT_REASON": amendment.get("rationale", ""),
            "AMENDMENT_CONTENT": amendment.get("description", ""),
            "NOTICE_SEND_TIME": _stamp(amendment.get("date")),
        }
    elif tag == "tenderCancellation":  # a termination notice (终止公告) of the tender project
        tender = release.get("tender", {})
        termination = _first(tender.get("amendments"))
        row |= {
            "TENDER_PROJECT_CODE": tender.get("id", ""),
            "TERMINATION_ID": termination.get("id", ""),
            "TERMINATION_REASON": termination.get("rationale", ""),
            "NOTICE_SEND_TIME": _stamp(termination.get("date")),
        }
    elif tag == "award":
        award = _first(release.get("awards"))
        winner = _first(award.get("suppliers"))
        row |= {
            "BID_SECTION_CODE": award.get("id", ""),
            "TENDER_PROJECT_CODE": _parent(award.get("id")),
            "WIN_BIDDER_NAME": winner.get("name", ""),
            "WIN_BIDDER_CODE": _code_of(parties.get(winner.get("id"), {})),
            "BID_AMOUNT": award.get("value", {}).get("amount"),
            "WIN_BID_TIME": _stamp(award.get("date")),
        }
    elif tag == "contract":
        contract = _first(release.get("contracts"))
        supplier = next((p for p in parties.values() if "supplier" in p.get("roles", [])), {})
        row |= {
            "BID_SECTION_CODE": contract.get("awardID", ""),
            "TENDER_PROJECT_CODE": _parent(contract.get("awardID")),
            "WIN_BIDDER_CODE": _code_of(supplier),
            "CONTRACT_AMOUNT": contract.get("value", {}).get("amount"),
            "CONTRACT_SIGN_TIME": _stamp(contract.get("dateSigned")),
        }
    return row


def duplicate_key(row: dict) -> str:
    """What may go upward once: a tender project's notice, each of its corrections, its
    termination, a section's award or contract."""
    key = f"{row['DATA_TYPE']}:{row.get('BID_SECTION_CODE') or row.get('TENDER_PROJECT_CODE')}"
    return f"{key}:{row['AMENDMENT_ID']}" if "AMENDMENT_ID" in row else key


def _nests(child: object, parent: object) -> bool:
    return (
        isinstance(child, str)
        and isinstance(parent, str)
        and child.startswith(parent)
        and THREE_DIGITS.match(child[len(parent) :]) is not None
    )


def problems(
    row: dict, sent: set[str], tenders: dict[str, str], awards: dict[str, str], now: str
) -> list[str]:
    """Every reason ``row`` may not go upward, Chinese first; empty when it may.

    ``sent``: the duplicate keys already pushed or earlier in this push; ``tenders`` and
    ``awards``: the notice time of each tender project and the award time of each section
    (yyyymmddHHMMSS, Beijing), for the dates' order; ``now``: the push's time, the same way."""
    reasons = []
    if row["DATA_TYPE"] not in REQUIRED:
        return ["数据类别无效 / not a tender, amendment, termination, award or contract"]
    missing = [f for f in (*COMMON, *REQUIRED[str(row["DATA_TYPE"])]) if row.get(f) in ("", None)]
    if missing:
        reasons.append(f"缺少必填项 {'、'.join(missing)} / required fields missing")
    if duplicate_key(row) in sent:
        reasons.append("重复上报 / a duplicate of a record already pushed")
    for field in CODES:
        if row.get(field):
            try:
                validate_uscc(str(row[field]), field=field)
            except DomainError as exc:
                reasons.append(f"{field}：{exc.message}")
    if not _nests(row.get("TENDER_PROJECT_CODE"), row.get("PROJECT_CODE")):
        reasons.append("招标项目编号未嵌套项目编号 / the tender project code does not nest")
    if "BID_SECTION_CODE" in row and not _nests(
        row["BID_SECTION_CODE"], row.get("TENDER_PROJECT_CODE")
    ):
        reasons.append("标段编号未嵌套招标项目编号 / the section code does not nest")
    reasons += _date_problems(row, tenders, awards, now)
    return reasons


def _date_problems(row: dict, tenders: dict[str, str], awards: dict[str, str], now: str) -> list:
    reasons = []
    times = [str(row[f]) for f in ("NOTICE_SEND_TIME", "WIN_BID_TIME") if row.get(f)]
    if any(t > now for t in times):
        reasons.append("时间晚于上报时间 / a time in the future")
    if row["DATA_TYPE"] == "tenderAmendment":
        notice = tenders.get(str(row["TENDER_PROJECT_CODE"]))
        if notice is None:
            reasons.append("没有对应的招标公告 / no tender notice before the correction")
        elif row.get("NOTICE_SEND_TIME") and str(row["NOTICE_SEND_TIME"]) < notice:
            reasons.append("更正时间早于公告时间 / corrected before the notice")
    if row["DATA_TYPE"] == "tenderCancellation":
        notice = tenders.get(str(row["TENDER_PROJECT_CODE"]))
        if notice is None:
            reasons.append("没有对应的招标公告 / no tender notice before the termination")
        elif row.get("NOTICE_SEND_TIME") and str(row["NOTICE_SEND_TIME"]) < notice:
            reasons.append("终止时间早于公告时间 / terminated before the notice")
    if row["DATA_TYPE"] == "award":
        notice = tenders.get(str(row["TENDER_PROJECT_CODE"]))
        if notice is None:
            reasons.append("没有对应的招标公告 / no tender notice before the award")
        elif row.get("WIN_BID_TIME") and str(row["WIN_BID_TIME"]) < notice:
            reasons.append("定标时间早于公告时间 / awarded before the notice")
    if row["DATA_TYPE"] == "contract":
        awarded = awards.get(str(row["BID_SECTION_CODE"]))
        signed = str(row.get("CONTRACT_SIGN_TIME") or "")
        if awarded is None:
            reasons.append("没有对应的定标 / no award before the contract")
        elif signed and signed[:8] < awarded[:8]:  # signed on a day: compared by day
            reasons.append("合同签订日期早于定标日期 / signed before the award")
        if signed[:8] > now[:8]:
            reasons.append("签订日期晚于上报日期 / signed in the future")
    return reasons


def rows_of(payloads: list[str], platform: str, service_platform: str, at: dt.datetime) -> list:
    return [shape(json.loads(p), platform, service_platform, at) for p in payloads]
