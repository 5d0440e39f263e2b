from __future__ import annotations

from piccolo.columns import Varchar
from piccolo.table import Table


class CasbinRule(Table, tablename="casbin_rule"):
    """One Casbin policy line. ``domain`` repeats the rule's domain field so that one
    domain's rules load by an indexed query (the filtered load)."""

    ptype = Varchar(length=4)
    domain = Varchar(length=40, index=True)
    v0 = Varchar(length=100, default="")
    v1 = Varchar(length=100, default="")
    v2 = Varchar(length=100, default="")
    v3 = Varchar(length=100, default="")
    v4 = Varchar(length=100, default="")
    v5 = Varchar(length=100, default="")
