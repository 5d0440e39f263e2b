"""Every registered route has an entry here, or the suite fails (see test_isolation_matrix).

* :class:`CrossTenant` — the route serves tenant data: its check acts on tenant A's data
  from tenant B's host (and as B's users, once there are users) and asserts nothing of A's
  comes back.
* :class:`NotTenantScoped` — the route holds no tenant data; the reason says why.

A new route adds its entry in the same change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from litestar import Litestar

from core.storage import ObjectKey
from core.storage.local import LocalStorage
from core.tenancy.registry import TenantRef


@dataclass(frozen=True)
class World:
    """Two provisioned tenants and a client bound to each host."""

    app: Litestar
    tenant_a: TenantRef
    tenant_b: TenantRef
    client_a: httpx.AsyncClient
    client_b: httpx.AsyncClient
    main: httpx.AsyncClient

    def assert_nothing_of(self, owner: TenantRef, response: httpx.Response) -> None:
        """The response names nothing that identifies ``owner``."""
        for marker in (owner.slug, owner.name, owner.custom_domain):
            if marker:
                assert marker not in response.text, f"{marker!r} leaked into {response.url}"


Check = Callable[[World], Awaitable[None]]


@dataclass(frozen=True)
class CrossTenant:
    check: Check


@dataclass(frozen=True)
class NotTenantScoped:
    reason: str


async def _site_json(world: World) -> None:
    for client, own, other in (
        (world.client_a, world.tenant_a, world.tenant_b),
        (world.client_b, world.tenant_b, world.tenant_a),
    ):
        response = await client.get("/api/site")
        assert response.status_code == 200
        assert response.json()["slug"] == own.slug
        world.assert_nothing_of(other, response)


async def _home_page(world: World) -> None:
    response = await world.client_b.get("/")
    assert response.status_code == 200 and world.tenant_b.name in response.text
    world.assert_nothing_of(world.tenant_a, response)
    # A's page reached through B's host by the development prefix is not B's page mixed with A's.
    response = await world.client_b.get(f"/t/{world.tenant_a.slug}/")
    assert response.status_code == 404


async def _signed_download(world: World) -> None:
    storage = world.app.state.object_storage
    if not isinstance(storage, LocalStorage):  # S3 URLs never pass through this route
        response = await world.client_b.get("/files/tenants/1/x.pdf?expires=9999999999&signature=0")
        assert response.status_code == 404
        return
    key = ObjectKey.for_tenant(world.tenant_a.id, "isolation.pdf")
    await storage.put(key, b"A's file", "application/pdf")
    url = await storage.presigned_url(key)
    assert (await world.client_a.get(url)).content == b"A's file"
    # A valid signature for A's object does not open it on B's host.
    assert (await world.client_b.get(url)).status_code == 404


SCHEMA = NotTenantScoped("OpenAPI document of the whole application; no data")

MATRIX: dict[tuple[str, str], CrossTenant | NotTenantScoped] = {
    ("GET", "/healthz"): NotTenantScoped("liveness of the process"),
    ("GET", "/readyz"): NotTenantScoped("readiness of the shared services"),
    ("GET", "/api/site"): CrossTenant(_site_json),
    ("GET", "/"): CrossTenant(_home_page),
    ("GET", "/files/{key:path}"): CrossTenant(_signed_download),
    ("GET", "/schema"): SCHEMA,
    ("GET", "/schema/openapi.json"): SCHEMA,
    ("GET", "/schema/openapi.yaml"): SCHEMA,
    ("GET", "/schema/openapi.yml"): SCHEMA,
    ("GET", "/schema/{path:str}"): SCHEMA,
    **{
        ("GET", f"/schema/{page}"): SCHEMA
        for page in ("elements", "oauth2-redirect.html", "rapidoc", "redoc", "swagger")
    },
}
