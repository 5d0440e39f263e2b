"""Application factory. All wiring lives in :class:`SunshinePlugin`; ``create_app`` stays thin."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from click import Group
from litestar import Litestar, Request, Response
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins import CLIPluginProtocol, InitPluginProtocol

from admin.requests import RequestPages
from admin.routes import ReviewPages, TenantPages
from core import (
    access_log,
    data,  # noqa: F401  - sets PICCOLO_CONF before any table is queried
    metrics,
    tracing,
)
from core.audit import anchor_job  # noqa: F401  - registers the periodic anchoring job
from core.audit.pages import AuditPages
from core.audit.routes import verify_audit_chain
from core.authz.authorizer import Authorizer
from core.authz.routes import RoleApi, RolePages
from core.chrome import FlashMiddleware, compute_chrome
from core.data.engine import close_database, open_database
from core.errors import ConfigError, DomainError
from core.health import HealthController
from core.identity.routes import AuthApi, AuthPages, TotpPages, not_signed_in
from core.identity.sessions import SessionMiddleware
from core.identity.staff_pages import StaffPages
from core.identity.staff_routes import StaffApi
from core.jobs.service import JobContext, Runner
from core.libraries.commodities.routes import CommodityApi
from core.libraries.download_pages import DownloadPages, DownloadReviewPages
from core.libraries.download_routes import DownloadApi
from core.libraries.experts.routes import ExpertLibraryApi, ExpertPages
from core.libraries.import_routes import ImportApi, ImportPages
from core.libraries.pages import SupplierPages, credit_notices
from core.libraries.profile_pages import ProfilePages
from core.libraries.review_pages import LibraryReviewPages
from core.libraries.subject_pages import SubjectPages
from core.libraries.subjects.routes import CreditApi, RegistrationApi, SubjectApi
from core.libraries.transactions.routes import TransactionApi, TransactionPages
from core.logs import app_formatters
from core.notifications.pages import NoticePages
from core.notifications.service import MailDelivery
from core.ops_access.pages import OpsAccessPages, OpsAccessReviewPages
from core.ops_access.routes import OpsAccessApi
from core.outages import DRIVER_ERRORS, OUTAGES, RETRY_AFTER_S, outage_message
from core.settings import get_settings
from core.statistics import job as statistics_job  # noqa: F401  - registers the rollup job
from core.statistics.routes import StatisticsApi, StatisticsPages
from core.storage import build_object_storage
from core.storage.routes import download_object
from core.stores import Stores
from core.tenancy.middleware import SiteResolutionMiddleware
from core.tenancy.resolver import TENANT_CACHE, SiteResolver
from core.tenancy.routes import get_site
from core.tenancy.site import SCOPE_KEY, provide_site, provide_tenant, site_of
from core.timing import server_timing
from core.workbench import workbench_page
from core.workdays.pages import CalendarPages
from plugins import catalogue  # noqa: F401  - registers the shipped plugins, before the theme
from plugins.registry import CATALOGUE
from plugins.routes import PluginApi
from tenants.announcements.routes import (
    AnnouncementApi,
    AnnouncementPages,
    ParticipationApi,
    PublicAnnouncementApi,
    list_participations,
)
from tenants.branding_routes import BrandingApi
from tenants.console import BrandingPages, ConsolePages
from tenants.domain_routes import CustomDomainApi, CustomDomainPages, tls_ask
from tenants.opendata.admin_routes import OpenDataAdminApi, OpenDataAdminPages
from tenants.opendata.routes import (
    OpenDataApi,
    OpenDataConsoleApi,
    OpenDataConsolePages,
    OpenDataPages,
)
from tenants.pages import ApplicantPages, OperatorPages
from tenants.projects.archive_routes import ArchivePages, RegulatorArchivePages
from tenants.projects.bid_pages import BidPages, OpeningPages
from tenants.projects.draw_pages import DrawPages, RecusalPages
from tenants.projects.evaluation_pages import EvaluationPages
from tenants.projects.objection_pages import AnswerPages, BidderObjectionPages
from tenants.projects.pages import OverduePages, ProjectPages, PurchaserPages
from tenants.projects.routes import ProjectApi, PurchaserApi
from tenants.risk import (
    credit_feed,  # noqa: F401  - registers the warnings' credit feed
    tenant_checks,  # noqa: F401  - registers the periodic tenant check
)
from tenants.risk.pages import RiskPages
from tenants.risk.routes import RiskApi
from tenants.routes import ApplicantApi, NoticeApi, OperatorApi, ReviewApi, SupervisionApi
from themes import release, template_config
from themes.cache import PORTAL_CACHE
from themes.i18n import locale_of, translate
from themes.portal import PortalErrorPage
from themes.replay import PageReplay
from themes.routes import (
    branding_image,
    choose_language,
    contact,
    home,
    static_files,
    sub_platforms,
)

log = logging.getLogger("sunshine")
# Answers given on purpose: domain refusals and Litestar's own (every DomainError and
# HTTPException carries its status code).
EXPECTED_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 413, 415, 422, 429})


def _wants_page(request: Request) -> bool:
    """A browser asking for a page of a resolved site gets an error page in the theme."""
    return (
        SCOPE_KEY in request.scope
        and not request.url.path.startswith("/api/")
        and "text/html" in request.headers.get("accept", "")
    )


def _error_page(request: Request, status_code: int, message: str) -> Response[Any]:
    return PortalErrorPage(request, site_of(request.scope), status_code, message)


def domain_error_response(request: Request, exc: DomainError) -> Response[Any]:
    if _wants_page(request):
        return _error_page(request, exc.status_code, exc.message)
    return Response({"error": exc.message, "detail": exc.detail}, status_code=exc.status_code)


def http_error_response(request: Request, exc: HTTPException) -> Response[Any]:
    """Litestar's own 403 and 404 (guards, unknown paths): a page for browsers, else its JSON."""
    if _wants_page(request):
        message = {404: "页面不存在 / page not found"}.get(exc.status_code, str(exc.detail))
        return _error_page(request, exc.status_code, message)
    return Response(
        {"status_code": exc.status_code, "detail": exc.detail}, status_code=exc.status_code
    )


def outage_response(request: Request, exc: Exception) -> Response[Any]:
    """A backing service is down (core.outages): 503 naming it, with a hint when to retry."""
    message = outage_message(exc)
    if message is None:  # one of DRIVER_ERRORS, not caused by an outage: a bug
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)
    log.warning("%s %s: %s (%r)", request.method, request.url.path, message, exc)
    if _wants_page(request):
        page = _error_page(request, 503, message)
    else:
        page = Response({"error": message}, status_code=503)
    page.headers["retry-after"] = str(RETRY_AFTER_S)
    return page


def validation_error_response(request: Request, exc: msgspec.ValidationError) -> Response[Any]:
    """Input converted inside a handler (forms, multipart) is bad input too, never a 500."""
    if _wants_page(request):
        return _error_page(request, 400, translate("form.invalid_any", locale_of(request)))
    return Response({"error": f"输入不正确 / invalid input: {exc}"}, status_code=400)


def bad_request_response(request: Request, exc: ValidationException) -> Response[Any]:
    """Litestar's refusal of a query, path or body it could not read: on a page, a page that
    says so in plain words (never the validator's text); else its JSON."""
    if _wants_page(request):
        return _error_page(request, 400, translate("form.invalid_any", locale_of(request)))
    return Response({"status_code": 400, "detail": exc.detail, "extra": exc.extra}, status_code=400)


def undecodable_response(_: Request, exc: UnicodeDecodeError) -> Response[dict[str, str]]:
    """A form field that is not UTF-8 text (Litestar decodes multipart fields unguarded)."""
    return Response(
        {"error": f"输入不是 UTF-8 文本 / input is not UTF-8 text: {exc.reason}"}, status_code=400
    )


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    try:
        await open_database(settings.database)
        await app.state.stores.start()
        await app.state.object_storage.start()
        await app.state.authorizer.start()
        await TENANT_CACHE.start()
        await app.state.mail.start()
        await app.state.jobs.start(JobContext(app.state.authorizer, app.state.object_storage))
    except ConfigError as exc:
        log.error("configuration error: %s", exc)
        await app.state.object_storage.close()
        await app.state.stores.close()
        await close_database()
        raise
    try:
        yield
    finally:
        await app.state.jobs.close()
        await app.state.mail.close()
        await TENANT_CACHE.close()
        await app.state.authorizer.close()
        await app.state.object_storage.close()
        await app.state.stores.close()
        await close_database()


class SunshinePlugin(InitPluginProtocol, CLIPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = get_settings()
        stores = Stores(settings)
        app_config.debug = False
        app_config.stores = stores.registry
        PORTAL_CACHE.bind(stores, release())
        TENANT_CACHE.bind(stores.redis)
        app_config.state.update(
            stores=stores,
            object_storage=build_object_storage(settings),
            authorizer=Authorizer(stores.redis),
            jobs=Runner(settings.jobs_interval),
            mail=MailDelivery(settings.mail),
        )
        # Application materials and evidence go up to 20 MB each (tenants.materials).
        app_config.request_max_body_size = 25 * 1024 * 1024
        app_config.lifespan.append(lifespan)
        app_config.route_handlers.extend(
            [
                HealthController,
                get_site,
                home,
                sub_platforms,
                contact,
                choose_language,
                branding_image,
                static_files,
                AnnouncementPages,
                PublicAnnouncementApi,
                AnnouncementApi,
                ParticipationApi,
                list_participations,
                RegistrationApi,
                SubjectApi,
                CreditApi,
                DownloadApi,
                ImportApi,
                ImportPages,
                CommodityApi,
                SupplierPages,
                LibraryReviewPages,
                DownloadPages,
                DownloadReviewPages,
                SubjectPages,
                ProfilePages,
                credit_notices,
                ExpertLibraryApi,
                ExpertPages,
                TransactionApi,
                TransactionPages,
                StatisticsApi,
                StatisticsPages,
                OpenDataApi,
                OpenDataPages,
                OpenDataConsoleApi,
                OpenDataConsolePages,
                OpenDataAdminApi,
                OpenDataAdminPages,
                BrandingApi,
                PluginApi,
                ConsolePages,
                BrandingPages,
                PurchaserPages,
                ProjectPages,
                OverduePages,
                PurchaserApi,
                BidPages,
                DrawPages,
                EvaluationPages,
                BidderObjectionPages,
                AnswerPages,
                ArchivePages,
                RegulatorArchivePages,
                RecusalPages,
                OpeningPages,
                ProjectApi,
                RequestPages,
                OpsAccessPages,
                OpsAccessReviewPages,
                OpsAccessApi,
                RiskPages,
                RiskApi,
                *(route for spec in CATALOGUE.values() for route in spec.routes),
                download_object,
                AuthApi,
                AuthPages,
                TotpPages,
                RoleApi,
                RolePages,
                StaffApi,
                StaffPages,
                verify_audit_chain,
                AuditPages,
                CalendarPages,
                ApplicantApi,
                ReviewApi,
                SupervisionApi,
                OperatorApi,
                NoticeApi,
                NoticePages,
                ReviewPages,
                TenantPages,
                ApplicantPages,
                OperatorPages,
                workbench_page,
                CustomDomainApi,
                CustomDomainPages,
                tls_ask,
            ]
        )
        app_config.middleware.extend([SessionMiddleware(), FlashMiddleware()])
        app_config.before_request = compute_chrome
        security = settings.security
        app_config.csrf_config = CSRFConfig(
            secret=settings.secret_key,
            cookie_name="csrftoken" if security.insecure_cookies else "__Host-csrftoken",
            cookie_secure=not security.insecure_cookies,
            cookie_samesite="lax",
            header_name="x-csrftoken",
        )
        app_config.dependencies.update(site=Provide(provide_site), tenant=Provide(provide_tenant))
        app_config.exception_handlers[DomainError] = domain_error_response
        app_config.exception_handlers[msgspec.ValidationError] = validation_error_response
        for outage in (*OUTAGES, *DRIVER_ERRORS):
            app_config.exception_handlers[outage] = outage_response
        app_config.exception_handlers[UnicodeDecodeError] = undecodable_response
        app_config.exception_handlers[NotAuthorizedException] = not_signed_in
        app_config.exception_handlers[ValidationException] = bad_request_response
        app_config.exception_handlers[NotFoundException] = http_error_response
        app_config.exception_handlers[PermissionDeniedException] = http_error_response
        app_config.template_config = template_config()
        metrics.configure(app_config, settings)
        tracing.configure(app_config)
        # Litestar logs exceptions only in debug: a 500 in production would leave no trace.
        # Log every unexpected one with its stack; the refusals we answer on purpose (4xx,
        # bad input) are not errors of ours.
        formatters = app_formatters(settings)
        # Our own loggers ("sunshine.*": e-mails logged without SMTP, outages) at INFO, through
        # the root's handler: what `serve` prints, whatever level the root is later given.
        app_config.logging_config = LoggingConfig(
            **({"formatters": formatters} if formatters else {}),
            loggers={"sunshine": {"level": "INFO", "propagate": True}},
            log_exceptions="always",
            disable_stack_trace={*EXPECTED_STATUSES, msgspec.ValidationError, UnicodeDecodeError},
        )
        app_config.openapi_config = OpenAPIConfig(
            title="Sunshine — 阳光采购服务平台", version="0.1.0", path="/schema"
        )
        return app_config

    def on_cli_init(self, cli: Group) -> None:
        from core.cli import register_commands

        register_commands(cli)


def create_app() -> Litestar:
    settings = get_settings()
    app = Litestar(plugins=[SunshinePlugin()])
    # Site resolution must run before routing (it strips /t/<slug>); Litestar middleware can't.
    resolver = SiteResolver(
        settings.base_domain, development=settings.development, cache=TENANT_CACHE
    )
    handler = server_timing(SiteResolutionMiddleware(PageReplay(app.asgi_handler), resolver))
    if settings.access_log:
        logged = access_log.AccessLog(handler, json_lines=settings.json_logs)
        app.on_shutdown.append(logged.buffer.flush)  # what is still buffered, at exit
        handler = logged
    app.asgi_handler = handler
    return app
