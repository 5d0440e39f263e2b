"""What a plugin declares, the catalogue of shipped plugins, and the guard on their routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ControllerRouterHandler

from core.data.columns import json_column
from core.tenancy.site import site_of
from plugins.tables import TenantPlugin

# A block's data: (tenant id, the plugin's settings, locale) → the block template's context.
BlockContext = Callable[[int, Any, str], Awaitable[dict[str, object]]]


@dataclass(frozen=True)
class NavEntry:
    label: tuple[str, str]  # (zh-CN, en)
    path: str  # on the sub-site


@dataclass(frozen=True)
class Block:
    """A home-page block: its template (under the plugin's name) and the data it shows."""

    template: str
    context: BlockContext


@dataclass(frozen=True)
class PluginSpec:
    name: str
    title: tuple[str, str]
    description: tuple[str, str]
    version: str
    settings: type[msgspec.Struct]  # every field has a default
    templates: Path
    routes: Sequence[ControllerRouterHandler] = ()
    blocks: Sequence[Block] = ()
    nav: Sequence[NavEntry] = field(default_factory=tuple)

    def parse_settings(self, raw: object) -> Any:
        """Stored or requested settings as the plugin's struct (msgspec.ValidationError if bad)."""
        return msgspec.convert(json_column(raw, dict), self.settings)


def plugin_key(tenant_id: int, name: str) -> str:
    return f"t{int(tenant_id)}:{name}"


async def enabled_settings(tenant_id: int, name: str) -> object | None:
    """The tenant's settings of plugin ``name``, or None when it is not granted."""
    row = (
        await TenantPlugin.select(TenantPlugin.settings)
        .where(TenantPlugin.key == plugin_key(tenant_id, name))
        .first()
    )
    return None if row is None else row["settings"]


def requires_plugin(name: str) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    """A plugin's routes exist only on tenants granted it: elsewhere 404, as for any path."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        tenant = site_of(connection.scope).tenant
        if tenant is None or await enabled_settings(tenant.id, name) is None:
            raise NotFoundException()

    return guard


CATALOGUE: dict[str, PluginSpec] = {}


def register(spec: PluginSpec) -> PluginSpec:
    """Called by each plugin module; ``plugins.catalogue`` imports them all."""
    CATALOGUE[spec.name] = spec
    return spec
