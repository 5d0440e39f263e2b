"""Experts, their specialties, and the specialty classification (专业分类)."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Title(StrEnum):
    """职称, the professional title grade."""

    senior = "senior"  # 正高级
    associate_senior = "associate_senior"  # 副高级
    intermediate = "intermediate"  # 中级
    junior = "junior"  # 初级


TITLE_LABELS: dict[Title, tuple[str, str]] = {
    Title.senior: ("正高级", "Senior"),
    Title.associate_senior: ("副高级", "Associate senior"),
    Title.intermediate: ("中级", "Intermediate"),
    Title.junior: ("初级", "Junior"),
}


class Availability(StrEnum):
    available = "available"  # 可抽取
    unavailable = "unavailable"  # 暂停抽取 (leave, illness, recusal period…)


class Specialty(Table, tablename="specialty"):
    """A node of the classification. Codes nest by prefix (A → A01 → A0101), so a subtree is
    every code that starts with its root's code."""

    code = Varchar(length=12, unique=True)
    name = Varchar(length=50)
    parent_code = Varchar(length=12, null=True, default=None)
    level = Integer()  # 1 category, 2 class, 3 sub-class


class Expert(Table, tablename="expert"):
    """An evaluation expert. Identity and contacts are SM4-encrypted (core.crypto), bound to
    their column; ``secret=True`` keeps them out of ``select(exclude_secrets=True)``."""

    code = Varchar(length=16, unique=True)  # public anonymous code, ZJ000123
    name_enc = Text(secret=True)
    id_number_enc = Text(secret=True)
    phone_enc = Text(secret=True)
    email_enc = Text(secret=True)
    id_number_index = Varchar(length=64, unique=True, secret=True)  # blind index: duplicates
    title = Varchar(length=20, choices=Title)
    years_of_experience = Integer()
    employer_credit_code = Varchar(length=18)
    region_code = Varchar(length=6, index=True)
    availability = Varchar(length=20, choices=Availability, default=Availability.available.value)
    created_at = Timestamptz(default=TimestamptzNow())


class ExpertSpecialty(Table, tablename="expert_specialty"):
    """One specialty of an expert; searched by code prefix, so a class finds its sub-classes."""

    expert = ForeignKey(references=Expert, on_delete=OnDelete.cascade, index=True)
    specialty_code = Varchar(length=12, index=True)
