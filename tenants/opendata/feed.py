"""The public feed of releases and the records compiled from them (公开数据接口).

Ordered as Prozorro's feed is: by the public-modified stamp, ties broken by id. The cursor is
the last row's (stamp, id), so a page starts strictly after it: equal stamps page the same way
every run, nothing is skipped or repeated, and a release written meanwhile has a stamp no
lower than any committed before it, so it comes after the cursor. On a sub-site the feed is
that tenant's; on the main portal every tenant's.
"""

from __future__ import annotations

import json
import re

import msgspec

from core.errors import DomainError, NotFound
from tenants.opendata.tables import Release

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,18})$")
BAD_CURSOR = "游标无效 / the cursor is not valid"
NO_SUCH_RECORD = "没有该开放数据记录 / no such record"


class FeedPage(msgspec.Struct, frozen=True):
    releases: list[dict]
    next_cursor: str  # the same cursor again when nothing is newer: poll with it later


def cursor_of(row: dict) -> str:
    return f"{row['public_modified']}.{row['id']}"


def _after(cursor: str):
    found = CURSOR.match(cursor)
    if found is None:
        raise DomainError(BAD_CURSOR, detail={"field": "cursor"})
    stamp, row_id = int(found[1]), int(found[2])
    return (Release.public_modified > stamp) | (
        (Release.public_modified == stamp) & (Release.id > row_id)
    )


async def page(tenant_id: int | None, cursor: str = "", limit: int = DEFAULT_LIMIT) -> FeedPage:
    """Up to ``limit`` releases after ``cursor`` (from the start when it is empty)."""
    where = Release.id > 0
    if tenant_id is not None:
        where &= Release.tenant == tenant_id
    if cursor:
        where &= _after(cursor)
    rows = await (
        Release.select(Release.id, Release.public_modified, Release.payload)
        .where(where)
        .order_by(Release.public_modified, Release.id)
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    return FeedPage(
        [json.loads(r["payload"]) for r in rows], cursor_of(rows[-1]) if rows else cursor
    )


def merge(old: object, new: object) -> object:
    """OCDS 1.1 merge of one value into the compiled one: objects field by field, arrays of
    objects with ids by id (a tender's lots, its amendments), anything else replaced."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **{k: merge(old[k], v) if k in old else v for k, v in new.items()}}
    if isinstance(old, list) and isinstance(new, list) and _identified(old) and _identified(new):
        by_id = {item["id"]: item for item in old}
        for item in new:
            by_id[item["id"]] = merge(by_id[item["id"]], item) if item["id"] in by_id else item
        return list(by_id.values())
    return new


def _identified(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and "id" in i for i in items)


def compile_release(releases: list[dict]) -> dict:
    """The compiled release of a record (OCDS 1.1 merge, for the few fields we publish): the
    tender and buyer merged release by release (an amendment adds to the tender's amendments
    and may move its period); parties, awards and contracts by id, the later one winning; a
    party's roles gathered from every release."""
    first, last = releases[0], releases[-1]
    parties: dict[str, dict] = {}
    awards: dict[str, dict] = {}
    contracts: dict[str, dict] = {}
    compiled: dict[str, object] = {
        "ocid": first["ocid"],
        "id": f"{first['ocid']}-compiled",
        "date": last["date"],
        "tag": ["compiled"],
        "initiationType": first["initiationType"],
        "language": first["language"],
    }
    for release in releases:
        for party in release.get("parties", []):
            roles = parties.get(party["id"], {}).get("roles", [])
            parties[party["id"]] = {
                **party,
                "roles": list(dict.fromkeys([*roles, *party["roles"]])),
            }
        awards |= {a["id"]: a for a in release.get("awards", [])}
        contracts |= {c["id"]: c for c in release.get("contracts", [])}
        for key in ("buyer", "tender"):
            if key in release:
                compiled[key] = merge(compiled.get(key), release[key])
    compiled["parties"] = list(parties.values())
    if awards:
        compiled["awards"] = list(awards.values())
    if contracts:
        compiled["contracts"] = list(contracts.values())
    return compiled


async def record(tenant_id: int | None, ocid: str) -> dict:
    """The record of one contracting process: its releases in feed order and their compiled
    release; another tenant's ocid on a sub-site is as absent as an unknown one."""
    where = Release.ocid == ocid
    if tenant_id is not None:
        where &= Release.tenant == tenant_id
    rows = await (
        Release.select(Release.payload)
        .where(where)
        .order_by(Release.public_modified)
        .order_by(Release.id)
    )
    if not rows:
        raise NotFound(NO_SUCH_RECORD)
    releases = [json.loads(r["payload"]) for r in rows]
    return {"ocid": ocid, "releases": releases, "compiledRelease": compile_release(releases)}
