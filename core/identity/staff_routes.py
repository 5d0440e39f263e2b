"""Staff management API: list, add, disable, enable (人员管理)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.authz.guards import requires_active, signed_in
from core.identity import staff
from core.identity.accounts import EMAIL
from core.identity.routes import context_of
from core.identity.tables import AccountKind
from core.openapi import PathId, refusals
from core.tenancy.site import Site


class NewStaff(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    kind: AccountKind | None = None  # by default the site's own: hq_staff or tenant_staff
    email: Annotated[str, msgspec.Meta(pattern=EMAIL, max_length=254)] | None = None


class PasswordReset(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class Created(msgspec.Struct):
    account_id: int


class StaffApi(Controller):
    path = "/api/staff"
    tags = ["staff"]  # noqa: RUF012 - Litestar reads it as a class attribute
    guards = [requires_active]  # noqa: RUF012

    @get("/", operation_id="listStaff", responses=refusals(401, 403))
    async def list(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> list[staff.StaffMember]:
        """This site's staff: the tenant's, or head office's staff and regulators."""
        return await staff.list_staff(request.app.state.authorizer, signed_in(request), site)

    @post("/", operation_id="addStaff", status_code=201, responses=refusals(400, 401, 403, 409))
    async def add(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[NewStaff],
    ) -> Created:
        """Create a staff account; its holder replaces the first password at first sign-in."""
        account_id = await staff.add_staff(
            request.app.state.authorizer,
            signed_in(request),
            site,
            username=data.username,
            display_name=data.display_name,
            password=data.password,
            kind=data.kind,
            context=context_of(request),
            email=data.email,
        )
        return Created(account_id)

    @post(
        "/{account_id:int}/disable",
        operation_id="disableStaff",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def disable(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        account_id: PathId,
    ) -> None:
        """Disable an account: its sessions end at their next request."""
        await staff.set_active(
            request.app.state.authorizer,
            signed_in(request),
            site,
            account_id=account_id,
            active=False,
            context=context_of(request),
        )

    @post(
        "/{account_id:int}/enable",
        operation_id="enableStaff",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def enable(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        account_id: PathId,
    ) -> None:
        await staff.set_active(
            request.app.state.authorizer,
            signed_in(request),
            site,
            account_id=account_id,
            active=True,
            context=context_of(request),
        )

    @post(
        "/{account_id:int}/password-reset",
        operation_id="resetStaffPassword",
        status_code=204,
        responses=refusals(400, 401, 403, 404),
    )
    async def reset(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        account_id: PathId,
        data: JSONBody[PasswordReset],
    ) -> None:
        """A new first password, to be replaced at the next sign-in; the account's sessions end."""
        await staff.reset_password(
            request.app.state.authorizer,
            signed_in(request),
            site,
            account_id=account_id,
            password=data.password,
            context=context_of(request),
        )
