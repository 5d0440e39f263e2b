"""The plugin catalogue as a tenant admin sees it, and requests for a plugin."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.authz.guards import requires, signed_in, sub_site_only
from core.data.columns import json_column
from core.identity.routes import context_of
from core.openapi import refusals
from core.tenancy.registry import TenantRef
from plugins import service
from plugins.registry import CATALOGUE
from plugins.service import PLUGIN_TYPE, PluginAction
from plugins.tables import TenantPlugin
from tenants.branding_routes import Created, RequestView, requests_of


class PluginView(msgspec.Struct):
    name: str
    title: str
    description: str
    version: str
    enabled: bool
    settings: dict[str, Any]  # the tenant's approved settings, else the defaults
    nav: list[str]  # paths the plugin adds


class PluginRequestBody(msgspec.Struct, forbid_unknown_fields=True):
    action: PluginAction = PluginAction.enable
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


class PluginApi(Controller):
    path = "/api/plugins"
    tags = ["plugins"]  # noqa: RUF012
    guards = [sub_site_only, requires("plugin", "request")]  # noqa: RUF012

    @get("/", operation_id="listPlugins", responses=refusals(401, 403, 404))
    async def catalogue(self, tenant: NamedDependency[TenantRef]) -> list[PluginView]:
        """Every plugin head office offers, and whether this sub-platform has it."""
        rows = await TenantPlugin.select(TenantPlugin.plugin, TenantPlugin.settings).where(
            TenantPlugin.tenant == tenant.id
        )
        granted = {r["plugin"]: json_column(r["settings"], dict) for r in rows}
        views = []
        for name, spec in sorted(CATALOGUE.items()):
            settings = granted.get(name)
            values = spec.parse_settings(settings if settings is not None else {})
            views.append(
                PluginView(
                    name,
                    f"{spec.title[0]} / {spec.title[1]}",
                    f"{spec.description[0]} / {spec.description[1]}",
                    spec.version,
                    settings is not None,
                    msgspec.to_builtins(values),
                    [entry.path for entry in spec.nav],
                )
            )
        return views

    @get("/requests", operation_id="listPluginRequests", responses=refusals(401, 403, 404))
    async def requests(self, tenant: NamedDependency[TenantRef]) -> list[RequestView]:
        return await requests_of(tenant, PLUGIN_TYPE)

    @post(
        "/{name:str}/requests",
        operation_id="requestPlugin",
        status_code=201,
        responses=refusals(400, 401, 403, 404, 409),
    )
    async def request_plugin(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantRef],
        name: FromPath[str],
        data: JSONBody[PluginRequestBody],
    ) -> Created:
        """Ask head office to enable the plugin with these settings, or to remove it."""
        request_id = await service.request_plugin(
            request.app.state.authorizer,
            signed_in(request),
            tenant,
            name,
            data.action,
            data.settings,
            context_of(request),
        )
        return Created(request_id)
