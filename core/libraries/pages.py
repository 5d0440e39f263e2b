"""Public pages of the shared library: supplier and agency registration (供应商入口) on every
site, and credit notices (信用公示) on the main portal."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Template

from core.errors import DomainError
from core.forms import Form, invalid_input
from core.identity.routes import context_of
from core.libraries.subjects import credit, registration
from core.libraries.subjects.registration import PROFILE_FIELDS, Registration
from core.libraries.subjects.tables import SubjectKind
from core.tenancy.site import Site
from themes.i18n import in_locale, locale_of, translate
from themes.portal import Portal, load_portal, portal_page


class RegistrationForm(msgspec.Struct):
    kind: str = "supplier"
    username: str = ""
    password: str = ""
    credit_code: str = ""
    name: str = ""
    legal_representative: str = ""
    address: str = ""
    region_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    business_scope: str = ""


class SupplierPages(Controller):
    """Forms carry a CSRF token, so these pages are rendered per request, never cached."""

    path = "/suppliers"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        site: Site,
        form: RegistrationForm,
        *,
        error: str | None = None,
        done: bool = False,
        status_code: int = 200,
    ) -> Template:
        locale = locale_of(request)
        return Template(
            "suppliers/register.html",
            status_code=status_code,
            context={
                "site": site,
                "portal": await load_portal(site, locale),
                "locale": locale,
                "request_path": "/suppliers",
                "form": form,
                "error": error,
                "done": done,
                "fields": PROFILE_FIELDS,
            },
        )

    @get("/")
    async def show(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        return await self._page(request, site, RegistrationForm())

    @post("/")
    async def register(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[RegistrationForm, Form],
    ) -> Template:
        fields = msgspec.structs.asdict(data)
        account = {k: fields.pop(k) for k in ("kind", "username", "password")}
        try:
            kind = SubjectKind(account["kind"])
            body = msgspec.convert(
                {
                    "username": account["username"],
                    "password": account["password"],
                    "profile": fields,
                },
                Registration,
            )
            await registration.register(
                kind,
                body,
                origin_tenant=None if site.tenant is None else site.tenant.id,
                context=context_of(request),
            )
        except msgspec.ValidationError as exc:
            message = invalid_input(exc, PROFILE_FIELDS, locale_of(request))
            return await self._page(request, site, data, error=message, status_code=400)
        except ValueError:  # not one of the kinds
            message = translate(
                "form.invalid",
                locale_of(request),
                field=translate("library.kind", locale_of(request)),
            )
            return await self._page(request, site, data, error=message, status_code=400)
        except DomainError as exc:
            message = in_locale(exc.message, locale_of(request))
            return await self._page(request, site, data, error=message, status_code=exc.status_code)
        return await self._page(request, site, RegistrationForm(), done=True, status_code=201)


@get("/credit-notices", include_in_schema=False)
async def credit_notices(
    request: Request[Any, Any, Any],
    site: NamedDependency[Site],
    page: Annotated[int, QueryParameter(ge=1, le=500)] = 1,
) -> Response[bytes]:
    """信用公示: penalties and blacklists of library subjects (main portal)."""
    if not site.is_main_portal:
        raise NotFoundException()

    async def build(_: Portal) -> dict[str, object]:
        items, has_next = await credit.notices(page)
        return {"items": items, "page": page, "has_next": has_next}

    return await portal_page(request, site, "credit_notices.html", f"credit:{page}", build=build)
