from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.libraries.subjects.tables import Subject


class Commodity(Table, tablename="commodity"):
    """商品: one item of the catalogue, by category, name, specification and unit."""

    code = Varchar(length=40, unique=True)  # head office's catalogue number
    category = Varchar(length=100, index=True)  # e.g. 办公设备/计算机/台式计算机
    name = Varchar(length=200, index=True)
    specification = Text(default="")
    unit = Varchar(length=20)  # 台, 件, 吨, 平方米 …
    created_at = Timestamptz(default=TimestamptzNow())


class ReferencePrice(Table, tablename="commodity_reference_price"):
    """参考价格: one observation; the history is the list, newest first."""

    commodity = ForeignKey(references=Commodity, on_delete=OnDelete.cascade, index=True)
    price = Numeric(digits=(14, 2))  # yuan, tax included
    observed_on = Date()
    source = Varchar(length=200)  # 成交结果, 市场调查, 电商平台 …
    tenant_id = Integer(null=True, default=None)  # the sub-platform that reported it, if any
    recorded_by = Integer()
    recorded_at = Timestamptz(default=TimestamptzNow())


class CommoditySupplier(Table, tablename="commodity_supplier"):
    """A library supplier that offers the commodity."""

    commodity = ForeignKey(references=Commodity, on_delete=OnDelete.cascade, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=40, unique=True)  # "<commodity>:<subject>"
