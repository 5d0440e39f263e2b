"""Sign-in pages and the same as a JSON API (登录、退出、修改口令、动态口令)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromQuery, JSONBody
from litestar.response import Redirect, Template

from core.audit.chain import RequestContext
from core.authz.guards import requires_session, signed_in
from core.errors import DomainError
from core.flash import flash
from core.forms import Form
from core.identity import auth
from core.identity.principal import Principal
from core.identity.sessions import SessionRecord, Sessions, cookie_name, session_cookie
from core.openapi import refusals
from core.settings import get_settings
from core.tenancy.site import Site
from core.tenancy.urls import on_site


class LoginBody(msgspec.Struct, forbid_unknown_fields=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # user name or credit code
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    totp: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")] | None = None


class PasswordBody(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    new_password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TotpBody(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]


class Me(msgspec.Struct):
    account_id: int
    username: str
    kind: str
    tenant_id: int | None
    must_change_password: bool
    initial_password: bool  # the password to change is a first one an administrator set
    needs_totp_enrolment: bool


class TotpSetup(msgspec.Struct):
    otpauth_uri: str


def context_of(request: Request[Any, Any, Any]) -> RequestContext:
    return RequestContext(
        client_ip=request.client.host if request.client else None,
        request_id=(request.headers.get("x-request-id") or uuid.uuid4().hex)[:64],
    )


def _current(request: Request[Any, Any, Any], site: Site) -> auth.CurrentSession:
    principal = signed_in(request)
    session_id, record = request.scope["auth"]  # type: ignore[typeddict-item]
    return auth.CurrentSession(
        sessions=Sessions(request.app.state.stores, site, get_settings().security),
        session_id=session_id,
        record=record,
        principal=principal,
        site=site,
        context=context_of(request),
    )


def _me(principal: Principal, record: SessionRecord) -> Me:
    return Me(
        account_id=principal.account_id,
        username=principal.username,
        kind=principal.kind.value,
        tenant_id=principal.tenant_id,
        must_change_password=record.must_change_password,
        initial_password=record.initial_password,
        needs_totp_enrolment=record.needs_totp_enrolment,
    )


def _must_change(record: SessionRecord) -> str | None:
    """Why the password page asks for a new password (a message key's last part), if it does."""
    if record.initial_password:
        return "initial"
    return "expired" if record.must_change_password else None


async def _sign_in(
    request: Request[Any, Any, Any], site: Site, body: LoginBody
) -> auth.LoginResult:
    settings = get_settings()
    # A session the browser already had ends here: signing in always starts a new id.
    previous = request.cookies.get(cookie_name(settings.security))
    if previous:
        await Sessions(request.app.state.stores, site, settings.security).end(previous)
    return await auth.sign_in(
        request.app.state.stores,
        site,
        settings.security,
        login=body.login,
        password=body.password,
        totp=body.totp,
        host=request.headers.get("host", "").lower(),
        context=context_of(request),
    )


def _logged_out(response: Response[Any], site: Site) -> Response[Any]:
    response.set_cookie(session_cookie(get_settings().security, site, "", max_age=0))
    return response


class AuthApi(Controller):
    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @post("/login", operation_id="login", status_code=200, responses=refusals(400, 401, 403, 429))
    async def login(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[LoginBody],
    ) -> Response[Me]:
        """Sign in; a new session id each time. One message for every kind of failure."""
        result = await _sign_in(request, site, data)
        security = get_settings().security
        response = Response(_me(result.principal, result.record))
        response.set_cookie(session_cookie(security, site, result.session_id, max_age=None))
        return response

    @post(
        "/logout",
        operation_id="logout",
        status_code=204,
        guards=[requires_session],
        responses=refusals(400, 401, 403),
    )
    async def logout(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Response[None]:
        current = _current(request, site)
        await auth.sign_out(current)
        return _logged_out(Response(None, status_code=204), site)

    @get("/me", operation_id="me", guards=[requires_session], responses=refusals(401, 403))
    async def me(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Me:
        current = _current(request, site)
        return _me(current.principal, current.record)

    @post(
        "/password",
        operation_id="changePassword",
        status_code=204,
        guards=[requires_session],
        responses=refusals(400, 401, 403),
    )
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: JSONBody[PasswordBody],
    ) -> None:
        """Change the password (also when it has expired). Other sessions end."""
        current = _current(request, site)
        await auth.change_password(current, old=data.current_password, new=data.new_password)

    @post(
        "/totp/setup",
        operation_id="startTotp",
        status_code=200,
        guards=[requires_session],
        responses=refusals(400, 401, 403),
    )
    async def totp_setup(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> TotpSetup:
        """Start enrolling a one-time-code app (RFC 6238)."""
        current = _current(request, site)
        uri = await auth.start_totp_enrolment(current)
        return TotpSetup(otpauth_uri=uri)

    @post(
        "/totp/confirm",
        operation_id="confirmTotp",
        status_code=204,
        guards=[requires_session],
        responses=refusals(400, 401, 403),
    )
    async def totp_confirm(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site], data: JSONBody[TotpBody]
    ) -> None:
        current = _current(request, site)
        await auth.confirm_totp_enrolment(current, code=data.code.strip())


WORKBENCH = "/workbench"  # where sign-in leads when no page was asked for


class LoginForm(msgspec.Struct):
    login: str = ""
    password: str = ""
    totp: str = ""
    next: str = ""


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    new_password: str = ""


class AuthPages(Controller):
    """The same, as server-rendered pages that work without JavaScript."""

    include_in_schema = False

    @get("/login")
    async def login_page(self, site: NamedDependency[Site], next: FromQuery[str] = "") -> Template:
        return Template(
            "login.html", context={"site": site, "error": None, "next": on_site(next, WORKBENCH)}
        )

    @post("/login", status_code=200)
    async def login_submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[LoginForm, Form],
    ) -> Response[Any]:
        try:
            body = msgspec.convert(
                {"login": data.login, "password": data.password, "totp": data.totp or None},
                LoginBody,
            )
            result = await _sign_in(request, site, body)
        except (DomainError, msgspec.ValidationError) as exc:
            message = exc.message if isinstance(exc, DomainError) else auth.LOGIN_FAILED
            status = exc.status_code if isinstance(exc, DomainError) else 401
            return Template(
                "login.html",
                context={"site": site, "error": message, "next": on_site(data.next, WORKBENCH)},
                status_code=status,
            )
        first = result.record.must_change_password
        target = "/account/password" if first else on_site(data.next, WORKBENCH)
        redirect = flash(Redirect(site.root_path + target, status_code=303), "flash.signed_in")
        redirect.set_cookie(
            session_cookie(get_settings().security, site, result.session_id, max_age=None)
        )
        return redirect

    @post("/logout", status_code=303)
    async def logout_submit(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Response[Any]:
        if isinstance(request.scope.get("user"), Principal):
            await auth.sign_out(_current(request, site))
        page = Redirect(site.root_path + "/login", status_code=303)
        return _logged_out(flash(page, "flash.signed_out"), site)

    @get("/account/password", guards=[requires_session])
    async def password_page(
        self, request: Request[Any, Any, Any], site: NamedDependency[Site]
    ) -> Template:
        current = _current(request, site)
        return Template(
            "password.html",
            context={
                "site": site,
                "error": None,
                "done": False,
                "reason": _must_change(current.record),
            },
        )

    @post("/account/password", status_code=200, guards=[requires_session])
    async def password_submit(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[PasswordForm, Form],
    ) -> Template:
        current = _current(request, site)
        try:
            await auth.change_password(current, old=data.current_password, new=data.new_password)
        except DomainError as exc:
            return Template(
                "password.html",
                status_code=exc.status_code,
                context={
                    "site": site,
                    "error": exc.message,
                    "done": False,
                    "reason": _must_change(current.record),
                },
            )
        return Template(
            "password.html", context={"site": site, "error": None, "done": True, "reason": None}
        )


class TotpForm(msgspec.Struct):
    code: str = ""


class TotpPages(Controller):
    """Enrol a one-time-code app: start (a secret held in the session), then confirm."""

    path = "/account/totp"
    include_in_schema = False
    guards = [requires_session]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/")
    async def page(self, site: NamedDependency[Site]) -> Template:
        return Template(
            "totp.html", context={"site": site, "secret": None, "error": None, "done": False}
        )

    @post("/setup", status_code=200)
    async def setup(self, request: Request[Any, Any, Any], site: NamedDependency[Site]) -> Template:
        current = _current(request, site)
        uri = await auth.start_totp_enrolment(current)
        return Template(
            "totp.html",
            context={
                "site": site,
                "secret": current.record.totp_pending,
                "uri": uri,
                "error": None,
                "done": False,
            },
        )

    @post("/", status_code=200)
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        site: NamedDependency[Site],
        data: Annotated[TotpForm, Form],
    ) -> Template:
        current = _current(request, site)
        try:
            await auth.confirm_totp_enrolment(current, code=data.code.strip())
        except DomainError as exc:
            return Template(
                "totp.html",
                status_code=exc.status_code,
                context={
                    "site": site,
                    "secret": current.record.totp_pending,
                    "error": exc.message,
                    "done": False,
                },
            )
        return Template(
            "totp.html", context={"site": site, "secret": None, "error": None, "done": True}
        )


def not_signed_in(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    """Pages send people to the sign-in page; the API answers 401."""
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return Response({"error": exc.detail}, status_code=401)
    root = request.scope.get("root_path", "")
    asked = request.scope["path"] + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"{root}/login", query_params={"next": asked}, status_code=303)
