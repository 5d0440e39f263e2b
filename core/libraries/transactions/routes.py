"""交易信息库 as head office and the regulators read it: a page of the console with its filters,
and the same search as JSON. A regulator sees the sub-platforms of its regions only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from core.authz.authorizer import Authorizer
from core.authz.guards import main_portal_only, requires_active, signed_in
from core.authz.model import HQ
from core.errors import DomainError
from core.identity.principal import Principal
from core.libraries.transactions.service import (
    BAD_PERIOD,
    Reach,
    TransactionPage,
    TransactionQuery,
    search,
)
from core.navigation import NavEntry, register_nav
from core.openapi import refusals
from core.tenancy.registry import tenant_names
from core.tenancy.site import Site
from tenants.announcements.tables import ProcurementMethod
from tenants.supervision import may_see_tenants, tenant_reach

UNKNOWN_METHOD = "请从列表中选择采购方式 / choose a procurement method from the list"
Before = Annotated[int | None, QueryParameter(ge=1)]


class FilterForm(msgspec.Struct, frozen=True):
    """The filter as the page's form sends it: text fields, checked into a query."""

    q: str = ""
    method: str = ""
    since: str = ""
    until: str = ""

    def checked(self, before: int | None) -> TransactionQuery:
        def day(text: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise DomainError(BAD_PERIOD, detail={"field": "since"}) from None

        return _query(self.q.strip()[:100], self.method, day(self.since), day(self.until), before)


def _query(
    q: str, method: str, since: dt.date | None, until: dt.date | None, before: int | None
) -> TransactionQuery:
    if method and method not in ProcurementMethod.__members__:
        raise DomainError(UNKNOWN_METHOD, detail={"field": "method"})
    return TransactionQuery(q=q, method=method, since=since, until=until, before=before)


async def _reach(request: Request[Any, Any, Any]) -> Reach:
    """Head office's library readers see every sub-platform's records, as do those who see
    every tenant; a regulator those of its regions; anyone else is refused."""
    authorizer, principal = request.app.state.authorizer, signed_in(request)
    if await authorizer.allowed(principal.casbin_subject, HQ, "library", "read"):
        return Reach()
    return Reach(tenant_ids=await tenant_reach(authorizer, principal))


class TransactionPages(Controller):
    path = "/admin/transactions"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        q: FromQuery[str] = "",
        method: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
        before: Before = None,
    ) -> Template:
        form = FilterForm(q, method, since, until)
        reach = await _reach(request)
        try:
            found, error = await search(reach, form.checked(before)), None
        except DomainError as exc:  # the form again, with the reason and no rows
            found, error = None, exc.message
        return Template(
            "admin/transactions.html",
            status_code=400 if error else 200,
            context={
                "site": site,
                "form": form,
                "found": found,
                "error": error,
                "methods": list(ProcurementMethod),
                "tenant_names": await tenant_names(),
            },
        )


class TransactionApi(Controller):
    path = "/api/library/transactions"
    tags = ["library"]  # noqa: RUF012
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/", operation_id="searchTransactions", responses=refusals(400, 401, 403, 404))
    async def search_transactions(
        self,
        request: Request[Any, Any, Any],
        q: Annotated[str, QueryParameter(max_length=100)] = "",
        method: Annotated[str, QueryParameter(max_length=40)] = "",
        since: FromQuery[dt.date | None] = None,
        until: FromQuery[dt.date | None] = None,
        before: Before = None,
    ) -> TransactionPage:
        """Awards and contracts of the sub-platforms within the reader's reach, newest first,
        50 a page (``before`` = the last id shown); count and total cover the whole filter."""
        return await search(await _reach(request), _query(q.strip(), method, since, until, before))


async def _may_read(authorizer: Authorizer, principal: Principal, _: Site) -> bool:
    """The entry shows for head office's readers and the regulators with a region grant."""
    return await authorizer.allowed(
        principal.casbin_subject, HQ, "library", "read"
    ) or await may_see_tenants(authorizer, principal)


register_nav(
    NavEntry("nav.admin.transactions", "/admin/transactions", "tenant", "read", "hq", 35, _may_read)
)
