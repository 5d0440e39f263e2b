"""The commodity library over HTTP: searchable by staff of every site."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from core.authz.guards import main_portal_only, signed_in
from core.identity.routes import context_of
from core.libraries.access import library_reader
from core.libraries.commodities import service
from core.libraries.commodities.service import (
    CommodityForm,
    CommoditySummary,
    CommodityView,
    PriceForm,
)
from core.openapi import PathId, RowId, refusals
from core.tenancy.site import Site


class Created(msgspec.Struct):
    id: int


class CommodityPage(msgspec.Struct):
    items: list[CommoditySummary]
    page: int
    has_next: bool


class SupplierBody(msgspec.Struct, forbid_unknown_fields=True):
    subject_id: RowId


class CommodityApi(Controller):
    path = "/api/library/commodities"
    tags = ["library"]  # noqa: RUF012
    guards = [library_reader]  # noqa: RUF012

    @get("/", operation_id="searchCommodities", responses=refusals(400, 401, 403))
    async def search(
        self,
        q: Annotated[str, QueryParameter(max_length=100)] = "",
        category: Annotated[str, QueryParameter(max_length=100)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=500)] = 1,
    ) -> CommodityPage:
        """By the start of the name or the exact code, and by category (and below)."""
        items, has_next = await service.search(q, category, page)
        return CommodityPage(items, page, has_next)

    @get("/{commodity_id:int}", operation_id="getCommodity", responses=refusals(400, 401, 403, 404))
    async def detail(self, commodity_id: PathId) -> CommodityView:
        """The item with its reference-price history and linked suppliers."""
        return await service.view(commodity_id)

    @post(
        "/",
        operation_id="addCommodity",
        status_code=201,
        guards=[main_portal_only],
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def add(self, request: Request[Any, Any, Any], data: JSONBody[CommodityForm]) -> Created:
        commodity_id = await service.add_commodity(
            request.app.state.authorizer, signed_in(request), data, context_of(request)
        )
        return Created(commodity_id)

    @post(
        "/{commodity_id:int}/prices",
        operation_id="addReferencePrice",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def add_price(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        commodity_id: PathId,
        data: JSONBody[PriceForm],
    ) -> None:
        """A price observed by head office, or by a sub-platform in its own deals."""
        await service.add_price(
            request.app.state.authorizer,
            signed_in(request),
            site,
            commodity_id,
            data,
            context_of(request),
        )

    @post(
        "/{commodity_id:int}/suppliers",
        operation_id="linkCommoditySupplier",
        status_code=204,
        guards=[main_portal_only],
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def link(
        self,
        request: Request[Any, Any, Any],
        commodity_id: PathId,
        data: JSONBody[SupplierBody],
    ) -> None:
        await service.link_supplier(
            request.app.state.authorizer,
            signed_in(request),
            commodity_id,
            data.subject_id,
            context_of(request),
        )
