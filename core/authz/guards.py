"""Route guards. Async, so they run on the event loop rather than in the thread pool."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler

from core.authz.model import HQ, tenant_domain
from core.identity.principal import Principal
from core.tenancy.site import site_of
from core.tenancy.tables import TenantState

Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]


def signed_in(connection: ASGIConnection) -> Principal:
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("请先登录 / sign in first")
    return principal


async def requires_session(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Any signed-in account, even one that must first change its password."""
    signed_in(connection)


async def requires_active(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A signed-in account with nothing outstanding (a first or expired password to replace,
    TOTP enrolment).
    Routes guarded by this alone take their Casbin decision in the service behind them."""
    signed_in(connection)
    _, session = connection.scope["auth"]
    if session.initial_password:
        raise PermissionDeniedException(
            "首次登录请修改管理员设置的初始口令 / replace the first password an administrator "
            "set for you"
        )
    if session.must_change_password:
        raise PermissionDeniedException("口令已过期，请先修改 / change your expired password first")
    if session.needs_totp_enrolment:
        raise PermissionDeniedException("请先绑定动态口令 / enrol a one-time-code app first")


def requires(obj: str, act: str) -> Guard:
    """Allow when the principal may ``act`` on ``obj`` in this site's domain."""

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await requires_active(connection, handler)
        principal = signed_in(connection)
        site = site_of(connection.scope)
        dom = HQ if site.tenant is None else tenant_domain(site.tenant.id)
        authorizer = connection.app.state.authorizer
        if not await authorizer.allowed(principal.casbin_subject, dom, obj, act):
            if site.tenant is not None and site.tenant.state is TenantState.suspended:
                raise PermissionDeniedException(
                    "本分平台已被中止系统使用权限 / this sub-platform is suspended by head office"
                )
            raise PermissionDeniedException("无权执行此操作 / you may not do this")

    return guard


async def main_portal_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Head-office routes do not exist on a sub-site: 404, as for any unknown path."""
    if site_of(connection.scope).tenant is not None:
        raise NotFoundException()


async def sub_site_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if site_of(connection.scope).tenant is None:
        raise NotFoundException()
