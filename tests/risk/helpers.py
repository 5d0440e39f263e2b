"""An opened section with three bidders, two of which may share a machine and a phone."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from litestar import Litestar

from tenants.risk.evidence import DEVICE_COOKIE
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import Site
from tests.projects.helpers import (
    PRICES,
    bid_contact,
    open_now,
    purchaser_of,
    send,
    tendering_project,
)

DEVICE = "0123456789abcdef0123456789abcdef"  # one browser's device id (tenants.risk.evidence)


@dataclass
class Section:
    project_id: int
    subjects: list[int]  # the three bidders' library entries
    names: list[str]
    clients: list[httpx.AsyncClient]

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def opened_section(app: Litestar, site: Site, *, colluding: bool) -> Section:
    """Section 1 of a new project, opened, with three bids at irregular prices; when
    ``colluding`` the first two are sent from one browser with one contact phone."""
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    bidders = [await registered_supplier(app, site) for _ in range(3)]
    try:
        project_id = await tendering_project(site.client, buyer)
    finally:
        await buyer.client.aclose()
    shared = bid_contact()
    for n, (price, (_, _, client)) in enumerate(zip(PRICES, bidders, strict=True)):
        contact = bid_contact()
        if colluding and n < 2:
            client.cookies.set(DEVICE_COOKIE, DEVICE, domain=client.base_url.host)
            contact["contact_phone"] = shared["contact_phone"]
        sent = await send(client, project_id, 1, price, f"投标文件{n}", contact)
        assert sent.status_code == 303, sent.text
    await open_now(app, site, project_id)
    return Section(
        project_id,
        [s for s, _, _ in bidders],
        [body["profile"]["name"] for _, body, _ in bidders],
        [c for _, _, c in bidders],
    )
