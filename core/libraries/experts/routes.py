"""The expert library over HTTP: the public classification, the search that tenant staff and
head office use on every site, and the library managers' API and page on the main portal."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Template

from core.authz.guards import main_portal_only, requires, requires_active, signed_in
from core.identity.routes import context_of
from core.libraries.access import library_reader
from core.libraries.experts import service
from core.libraries.experts.service import (
    ExpertForm,
    ExpertPage,
    ExpertSecretView,
    ExpertView,
)
from core.libraries.experts.specialties import SpecialtyNode, specialty_names, specialty_tree
from core.libraries.experts.tables import Availability
from core.navigation import NavEntry, register_nav
from core.openapi import refusals
from core.tenancy.site import Site

# Decrypted identities are never kept by a browser or a proxy.
NO_STORE = CacheControlHeader(no_store=True)
Code = Annotated[str, QueryParameter(max_length=12)]
SpecialtyFilter = Annotated[str | None, QueryParameter(max_length=12)]
RegionFilter = Annotated[str | None, QueryParameter(pattern=r"^\d{6}$")]
Page = Annotated[int, QueryParameter(ge=1, le=500)]


class Registered(msgspec.Struct):
    code: str


class AvailabilityBody(msgspec.Struct, forbid_unknown_fields=True):
    availability: Availability


def _blank_is_none(value: str | None) -> str | None:
    return value or None


class ExpertLibraryApi(Controller):
    """评标评审专家库: anonymous codes and qualifications for everyone who may consult it;
    identities and contacts for the head office's library managers only."""

    path = "/api/library"
    tags = ["library"]  # noqa: RUF012

    @get("/specialties", operation_id="listSpecialties")
    async def specialties(self) -> list[SpecialtyNode]:
        """The specialty classification as a tree (public reference data)."""
        return await specialty_tree()

    @get(
        "/experts",
        operation_id="searchExperts",
        guards=[library_reader],
        responses=refusals(400, 401, 403),
    )
    async def search(
        self,
        specialty: SpecialtyFilter = None,
        region: RegionFilter = None,
        page: Page = 1,
    ) -> ExpertPage:
        """By specialty (its sub-classes included) and region (its sub-regions included) only."""
        return await service.search(_blank_is_none(specialty), _blank_is_none(region), page)

    @get(
        "/experts/{code:str}",
        operation_id="getExpert",
        guards=[library_reader],
        responses=refusals(400, 401, 403, 404),
    )
    async def detail(self, code: FromPath[str]) -> ExpertView:
        return await service.expert_view(code)

    @post(
        "/experts",
        operation_id="registerExpert",
        status_code=201,
        guards=[main_portal_only, requires("library", "manage")],
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[ExpertForm]
    ) -> Registered:
        """Register an expert; a resident ID number already in the library is refused (409)."""
        code = await service.register_expert(
            request.app.state.authorizer, signed_in(request), data, context_of(request)
        )
        return Registered(code)

    # Guarded by the service rather than ``requires``: a refused attempt is audited there.
    @get(
        "/experts/{code:str}/secret",
        operation_id="getExpertSecret",
        guards=[main_portal_only, requires_active],
        cache_control=NO_STORE,
        responses=refusals(400, 401, 403, 404),
    )
    async def secret(
        self, request: Request[Any, Any, Any], code: FromPath[str]
    ) -> ExpertSecretView:
        """Identity and contacts, for library managers; every reading is audited."""
        return await service.secret_view(
            request.app.state.authorizer, signed_in(request), code, context_of(request)
        )

    @patch(
        "/experts/{code:str}/availability",
        operation_id="setExpertAvailability",
        status_code=204,
        guards=[main_portal_only, requires("library", "manage")],
        responses=refusals(400, 401, 403, 404),
    )
    async def availability(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[AvailabilityBody]
    ) -> None:
        await service.update_availability(
            request.app.state.authorizer,
            signed_in(request),
            code,
            data.availability,
            context_of(request),
        )


class ExpertPages(Controller):
    """The library managers' page of the head-office console (专家库管理)."""

    path = "/admin/experts"
    include_in_schema = False
    guards = [main_portal_only, requires_active]  # noqa: RUF012

    @get("/", cache_control=NO_STORE)
    async def experts(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        specialty: Code = "",
        region: Annotated[str, QueryParameter(max_length=6)] = "",
        page: Page = 1,
    ) -> Template:
        result = await service.secret_page(
            request.app.state.authorizer,
            signed_in(request),
            specialty or None,
            region or None,
            page,
            context_of(request),
        )
        return Template(
            "admin/experts.html",
            context={
                "site": site,
                "result": result,
                "specialty": specialty,
                "region": region,
                "specialties": await specialty_names(),
            },
        )


register_nav(NavEntry("nav.admin.experts", "/admin/experts", "library", "read_secret", "hq", 50))
