"""统计分析 as head office and the regulators read it, on the main portal only: the page with
its period and tenant filter, its CSV/XLSX files, the printable quarterly report, and the same
figures as JSON. Head office (``tenant:read`` in its domain) sees every sub-platform, a
regulator those of its regions; anyone else is refused, and a sub-platform outside the reach is
"not found", as one that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from core.authz.guards import main_portal_only, requires_active, signed_in
from core.errors import DomainError, NotFound
from core.navigation import NavEntry, register_nav
from core.openapi import refusals
from core.statistics import layout
from core.statistics.export import to_csv, to_xlsx
from core.statistics.service import (
    PERIODS,
    Figures,
    Period,
    Reach,
    figures,
    period_of,
    quarter_of,
)
from core.tenancy.registry import TenantRef, tenant_names
from core.tenancy.site import Site
from tenants.supervision import may_see_tenants, tenant_reach, visible_tenants
from themes.i18n import BEIJING, locale_of, translate

BAD_TENANT = "请从列表中选择分平台 / choose a sub-platform from the list"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BAD_FORMAT = "导出格式应为 csv 或 xlsx / the format is csv or xlsx"


def _this_year() -> int:
    return dt.datetime.now(BEIJING).year


def _tenant_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise DomainError(BAD_TENANT, detail={"field": "tenant_id"})
    return int(text)


async def _reach(request: Request[Any, Any, Any]) -> Reach:
    return await tenant_reach(request.app.state.authorizer, signed_in(request))


def period_label(period: Period, locale: str) -> str:
    return translate(f"statistics.period_of.{period.period}", locale, year=period.year)


def _tables(found: Figures, names: dict[int, str], locale: str) -> list[layout.Table]:
    tables = [layout.summary_table(found, locale), *layout.breakdowns(found, locale)]
    tables.append(layout.monthly(found, locale))
    if found.tenant_id is None:
        tables.append(layout.per_tenant(found, names, locale))
    return tables


def _watermark(request: Request[Any, Any, Any], period: Period, locale: str) -> str:
    principal = signed_in(request)
    return translate(
        "statistics.watermark",
        locale,
        period=period_label(period, locale),
        who=principal.display_name or principal.username,
        at=dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"),
    )


class StatisticsPages(Controller):
    path = "/admin/statistics"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    async def _context(
        self,
        request: Request[Any, Any, Any],
        period: Period,
        tenant_id: int | None,
        names: dict[int, str] | None = None,
    ) -> dict[str, Any]:
        locale = locale_of(request)
        found = await figures(await _reach(request), period, tenant_id)
        names = await tenant_names() if names is None else names
        return {
            "figures": found,
            "period_label": period_label(period, locale),
            "tables": _tables(found, names, locale),
            "charts": layout.chart_svgs(found, locale),
            "tenant_name": names.get(tenant_id, "") if tenant_id else "",
        }

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        year: FromQuery[str] = "",
        period: FromQuery[str] = "year",
        tenant_id: FromQuery[str] = "",
    ) -> Template:
        principal = signed_in(request)
        tenants: list[TenantRef] = await visible_tenants(request.app.state.authorizer, principal)
        form = {"year": year or str(_this_year()), "period": period, "tenant_id": tenant_id}
        context: dict[str, Any] = {"site": site, "form": form, "periods": PERIODS}
        context["tenants"] = sorted(tenants, key=lambda t: t.name)
        try:
            chosen = period_of(form["year"], period)
            names = {t.id: t.name for t in tenants}  # every one within reach
            context |= await self._context(request, chosen, _tenant_id(tenant_id), names)
            error = None
        except NotFound:
            raise
        except DomainError as exc:  # the form again, with the reason and no figures
            error = exc.message
        return Template(
            "admin/statistics.html",
            status_code=400 if error else 200,
            context={**context, "error": error},
        )

    @get("/report")
    async def report(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        year: FromQuery[str] = "",
        quarter: FromQuery[str] = "",
        tenant_id: FromQuery[str] = "",
    ) -> Template:
        """The quarter's figures on one printable page (季度统计报告)."""
        chosen = quarter_of(
            year or _this_year(), quarter or 1 + (dt.datetime.now(BEIJING).month - 1) // 3
        )
        chosen_tenant = _tenant_id(tenant_id)
        context = await self._context(request, chosen, chosen_tenant)
        return Template(
            "admin/statistics_report.html",
            context={
                **context,
                "site": site,
                "printed_at": dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"),
            },
        )

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        year: FromQuery[str] = "",
        period: FromQuery[str] = "year",
        tenant_id: FromQuery[str] = "",
        format: FromQuery[str] = "xlsx",
    ) -> Response[bytes]:
        """The page's tables as a file."""
        if format not in FORMATS:
            raise DomainError(BAD_FORMAT, detail={"field": "format"})
        locale = locale_of(request)
        chosen = period_of(year or _this_year(), period)
        found = await figures(await _reach(request), chosen, _tenant_id(tenant_id))
        tables = _tables(found, await tenant_names(), locale)
        mark = _watermark(request, chosen, locale)
        content = to_csv(tables, mark) if format == "csv" else to_xlsx(tables, mark)
        filename = f"statistics-{chosen.year}-{chosen.period}.{format}"
        return Response(
            content,
            media_type=FORMATS[format],
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )


class StatisticsApi(Controller):
    path = "/api/statistics"
    tags = ["statistics"]  # noqa: RUF012
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/", operation_id="getStatistics", responses=refusals(400, 401, 403, 404))
    async def get_statistics(
        self,
        request: Request[Any, Any, Any],
        year: Annotated[int, QueryParameter(ge=2000, le=2100)],
        period: Annotated[str, QueryParameter(max_length=4)] = "year",
        tenant_id: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> Figures:
        """The period's figures (year, h1–h2, q1–q4, m1–m12) of the sub-platforms within the
        reader's reach, or of one of them: by dimension, by month and by sub-platform."""
        return await figures(await _reach(request), period_of(year, period), tenant_id)


async def _may_read(authorizer: Any, principal: Any, _: Site) -> bool:
    return await may_see_tenants(authorizer, principal)


register_nav(
    NavEntry("nav.admin.statistics", "/admin/statistics", "tenant", "read", "hq", 36, _may_read)
)
