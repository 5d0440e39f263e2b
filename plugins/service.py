"""A tenant asks for a plugin (to enable it with settings, or to remove it); head office decides.

The request goes through the one approval mechanism (type ``plugin``, decided by holders of
``approval:plugin``); the approved settings are applied in the decision's transaction, and the
tenant's pages are invalidated once it commits.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from core.approvals import service as approvals
from core.audit.chain import RequestContext
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.data.columns import json_column
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.tenancy.registry import TenantRef
from plugins.registry import CATALOGUE, PluginSpec, plugin_key
from plugins.tables import TenantPlugin
from themes.cache import PORTAL_CACHE

PLUGIN_TYPE = "plugin"


class PluginAction(StrEnum):
    enable = "enable"  # grant it, or change its settings
    remove = "remove"


def spec_of(name: str) -> PluginSpec:
    spec = CATALOGUE.get(name)
    if spec is None:
        raise NotFound("插件不存在 / no such plugin")
    return spec


async def request_plugin(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    name: str,
    action: PluginAction,
    settings: dict[str, object],
    context: RequestContext | None = None,
) -> int:
    """Open a request; the settings are checked against the plugin's declaration now."""
    spec = spec_of(name)
    await authorize(authorizer, principal, tenant_domain(tenant.id), "plugin", "request")
    try:
        parsed = spec.parse_settings(settings)
    except msgspec.ValidationError as exc:
        raise DomainError(
            f"插件设置不正确 / invalid settings: {exc}", detail={"field": "settings"}
        ) from None
    if action is PluginAction.remove:
        granted = await TenantPlugin.exists().where(TenantPlugin.key == plugin_key(tenant.id, name))
        if not granted:
            raise DomainError("本平台未启用该插件 / the plugin is not enabled here")
    async with write_transaction():
        return await approvals.submit(
            type=PLUGIN_TYPE,
            subject=f"plugin:{plugin_key(tenant.id, name)}",
            submitter=principal,
            tenant_id=tenant.id,
            payload={
                "plugin": name,
                "action": action.value,
                "settings": msgspec.to_builtins(parsed),
            },
            context=context,
        )


async def _apply(request: dict[str, object], _decider: Principal) -> None:
    payload = json_column(request["payload"], dict)
    tenant_id = int(request["tenant_id"])  # type: ignore[call-overload]
    key = plugin_key(tenant_id, payload["plugin"])
    await TenantPlugin.delete().where(TenantPlugin.key == key)
    if payload["action"] == PluginAction.enable.value:
        await TenantPlugin.insert(
            TenantPlugin(
                tenant=tenant_id,
                plugin=payload["plugin"],
                key=key,
                settings=payload["settings"],
                approval_request=request["id"],
            )
        )


async def _invalidate(request: dict[str, object]) -> None:
    await PORTAL_CACHE.invalidate(int(request["tenant_id"]))  # type: ignore[call-overload]


approvals.register(
    approvals.ApprovalType(name=PLUGIN_TYPE, on_approved=_apply, after_approved=_invalidate)
)
