"""Commodities: head office keeps the catalogue; prices are reported by head office and by
sub-platforms (from their deals), each with its source; suppliers are linked to what they offer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.data.errors import unique_violation_as
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.libraries.commodities.tables import Commodity, CommoditySupplier, ReferencePrice
from core.libraries.subjects.tables import Subject, SubjectKind
from core.tenancy.site import Site

PER_PAGE = 20
MAX_PRICE = Decimal("1000000000000")  # Numeric(14, 2)
CENT = Decimal("0.01")


class CommodityForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9\-.]{2,40}$")]
    category: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    specification: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class PriceForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    price: Decimal  # yuan; checked in add_price (msgspec has no bounds for Decimal)
    observed_on: dt.date
    source: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]


class PriceView(msgspec.Struct, frozen=True):
    price: Decimal
    observed_on: dt.date
    source: str
    tenant_id: int | None


class CommoditySummary(msgspec.Struct, frozen=True):
    id: int
    code: str
    category: str
    name: str
    unit: str


class SupplierLink(msgspec.Struct, frozen=True):
    subject_id: int
    name: str
    credit_code: str


class CommodityView(msgspec.Struct, frozen=True):
    commodity: CommoditySummary
    specification: str
    prices: list[PriceView]  # newest first
    suppliers: list[SupplierLink]


def _domain(site: Site) -> str:
    return HQ if site.tenant is None else tenant_domain(site.tenant.id)


async def add_commodity(
    authorizer: Authorizer,
    principal: Principal,
    form: CommodityForm,
    context: RequestContext | None = None,
) -> int:
    await authorize(authorizer, principal, HQ, "library", "manage")
    taken = unique_violation_as("商品编码已存在 / the code is taken", field="code")
    async with taken, write_transaction():
        rows = await Commodity.insert(Commodity(**msgspec.structs.asdict(form))).returning(
            Commodity.id
        )
        commodity_id = int(rows[0]["id"])
        await record(
            actor=principal.actor,
            action="library.commodity.add",
            object=f"commodity:{commodity_id}",
            context=context,
        )
    return commodity_id


async def add_price(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    commodity_id: int,
    form: PriceForm,
    context: RequestContext | None = None,
) -> None:
    """Head office, or a sub-platform's staff from its own deals (the source says which)."""
    action = "manage" if site.tenant is None else "annotate"
    await authorize(authorizer, principal, _domain(site), "library", action)
    price = form.price
    if (
        not price.is_finite()
        or not Decimal(0) < price < MAX_PRICE
        or price.as_tuple().exponent < -2
    ):
        raise DomainError(
            "价格应为正数，最多两位小数 / the price is positive, with at most two decimals",
            detail={"field": "price"},
        )
    if form.observed_on > dt.date.today():
        raise DomainError(
            "观测日期不能晚于今天 / observed in the future", detail={"field": "observed_on"}
        )
    tenant_id = None if site.tenant is None else site.tenant.id
    async with write_transaction():
        if not await Commodity.exists().where(Commodity.id == commodity_id):
            raise NotFound("商品不存在 / no such commodity")
        await ReferencePrice.insert(
            ReferencePrice(
                commodity=commodity_id,
                recorded_by=principal.account_id,
                tenant_id=tenant_id,
                **msgspec.structs.asdict(form),
            )
        )
        await record(
            actor=principal.actor,
            action="library.commodity.price",
            object=f"commodity:{commodity_id}",
            tenant_id=tenant_id,
            context=context,
        )


async def link_supplier(
    authorizer: Authorizer,
    principal: Principal,
    commodity_id: int,
    subject_id: int,
    context: RequestContext | None = None,
) -> None:
    await authorize(authorizer, principal, HQ, "library", "manage")
    async with write_transaction():
        if not await Commodity.exists().where(Commodity.id == commodity_id):
            raise NotFound("商品不存在 / no such commodity")
        supplier = await Subject.exists().where(
            (Subject.id == subject_id) & (Subject.kind == SubjectKind.supplier.value)
        )
        if not supplier:
            raise NotFound("供应商不存在 / no such supplier")
        key = f"{commodity_id}:{subject_id}"
        if await CommoditySupplier.exists().where(CommoditySupplier.key == key):
            return  # linked already
        await CommoditySupplier.insert(
            CommoditySupplier(commodity=commodity_id, subject=subject_id, key=key)
        )
        await record(
            actor=principal.actor,
            action="library.commodity.supplier",
            object=f"commodity:{commodity_id}",
            context=context,
        )


async def search(q: str, category: str, page: int) -> tuple[list[CommoditySummary], bool]:
    query = Commodity.select(
        Commodity.id, Commodity.code, Commodity.category, Commodity.name, Commodity.unit
    )
    if text := q.strip().replace("%", "").replace("_", ""):
        query = query.where(Commodity.name.like(f"{text}%") | (Commodity.code == text))
    if category:
        query = query.where(Commodity.category.like(f"{category.replace('%', '')}%"))
    rows = await query.order_by(Commodity.name).limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    return [msgspec.convert(r, CommoditySummary) for r in rows[:PER_PAGE]], len(rows) > PER_PAGE


async def view(commodity_id: int) -> CommodityView:
    row = await Commodity.select().where(Commodity.id == commodity_id).first()
    if row is None:
        raise NotFound("商品不存在 / no such commodity")
    prices = (
        await ReferencePrice.select(
            ReferencePrice.price,
            ReferencePrice.observed_on,
            ReferencePrice.source,
            ReferencePrice.tenant_id,
        )
        .where(ReferencePrice.commodity == commodity_id)
        .order_by(ReferencePrice.observed_on, ascending=False)
        .limit(200)
    )
    suppliers = await CommoditySupplier.select(
        CommoditySupplier.subject.id.as_alias("subject_id"),
        CommoditySupplier.subject.name.as_alias("name"),
        CommoditySupplier.subject.credit_code.as_alias("credit_code"),
    ).where(CommoditySupplier.commodity == commodity_id)
    return CommodityView(
        msgspec.convert(row, CommoditySummary),
        row["specification"],
        [
            # SQLite's NUMERIC drops trailing zeros; prices are yuan and fen on both engines.
            PriceView(
                Decimal(p["price"]).quantize(CENT), p["observed_on"], p["source"], p["tenant_id"]
            )
            for p in prices
        ],
        [msgspec.convert(s, SupplierLink) for s in suppliers],
    )
