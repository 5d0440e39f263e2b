"""Releases (OCDS 发布) of a sub-platform's projects and the pushes (数据上报) that send them up."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import BigInt, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tenancy.tables import Tenant


class ReleaseTag(StrEnum):
    tender = "tender"  # 招标（采购）公告发布
    tenderAmendment = "tenderAmendment"  # 更正公告发布 (the OCDS code, camel case as it is)
    tenderCancellation = "tenderCancellation"  # 终止公告发布
    award = "award"  # 定标
    contract = "contract"  # 合同备案


class Release(Table, tablename="opendata_release"):
    """One OCDS release, written in the transaction of the change it reports and never
    changed afterwards (a later change is a later release)."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    release_id = Varchar(length=120, unique=True)  # OCDS release id: writing it twice fails
    ocid = Varchar(length=80, index=True)
    tag = Varchar(length=20, choices=ReleaseTag)
    project_code = Varchar(length=30)
    section_code = Varchar(length=40, default="")  # "" for the tender release
    payload = Text()  # the release as published, JSON
    # The feed's stamp (public modified), in microseconds since the epoch: assigned under the
    # feed lock as max(now, last stamp), so it never goes back in commit order; equal stamps
    # are ordered by id. An integer compares the same on SQLite and PostgreSQL.
    public_modified = BigInt(index=True)
    pushed_in = Integer(null=True, default=None, index=True)  # the Push that sent it up
    created_at = Timestamptz(default=TimestamptzNow())


class PushState(StrEnum):
    pushed = "pushed"  # 已上报: every record passed and was sent
    rejected = "rejected"  # 未上报: at least one record failed; nothing was sent


class Push(Table, tablename="opendata_push"):
    """A push of a sub-platform's pending records upward, with its quality report."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    state = Varchar(length=20, choices=PushState)
    records = Integer()  # how many were checked
    report = Text()  # JSON: {"rejected": [{"release_id", "reasons": [...]}]}
    object_key = Text(default="")  # the outbox package, when pushed
    pushed_by = Integer()
    created_at = Timestamptz(default=TimestamptzNow())
