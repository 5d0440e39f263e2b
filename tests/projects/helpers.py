"""A purchaser unit with a signed-in staff account, and a project ready to submit: made
through the console's pages, as a tenant admin and a purchaser would."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from dataclasses import dataclass

import httpx
from litestar import Litestar

from core.audit.chain import RequestContext
from tenants.projects import draw, opening
from tenants.projects.tables import Project
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, sign_in, unique_slug
from tests.libraries.helpers import credit_code, library_manager, registered_supplier
from tests.libraries.test_experts import expert_form
from tests.portal.helpers import Site, draft

CONTEXT = RequestContext()

PDF = b"%PDF-1.4\n% a registration material\n"
NEW_PASSWORD = "Purchaser-Pass-7"
TENDER = {
    "title": "市民服务中心空调设备采购",
    "track": "tender",
    "method": "open_tender",
    "category": "goods",
    "budget": "1,250,000.50",
    "lots": "空调主机\n安装调试",
}
# the evaluating project's three bids (元): without a regular difference between them, which
# the collusion rules (tenants.risk) would warn about
PRICES = ("80000", "93500", "101200")
TENDER_ITEMS = ("approval", "requirements", "documents")  # the required ones


@dataclass
class Purchaser:
    unit_id: int
    name: str
    username: str
    client: httpx.AsyncClient  # signed in, first password replaced


async def purchaser_of(app: Litestar, admin: httpx.AsyncClient, slug: str) -> Purchaser:
    """A new unit made by ``admin`` (a tenant admin's client) with one staff account."""
    name = f"市第{uuid.uuid4().hex[:6]}中学"
    made = await admin.post(
        "/console/purchasers",
        data={"name": name, "credit_code": credit_code(), "region_code": "370102"},
    )
    assert made.status_code == 303, made.text
    page = (await admin.get("/console/purchasers")).text
    unit_id = int(re.findall(r"/console/purchasers/(\d+)/members", page)[-1])
    username = unique_slug("buyer")
    opened = await admin.post(
        f"/console/purchasers/{unit_id}/members",
        data={"username": username, "display_name": "张采购", "password": PASSWORD},
    )
    assert opened.status_code == 303, opened.text
    client = client_for(app, f"{slug}.{BASE_DOMAIN}")
    assert (await sign_in(client, username)).status_code == 200
    changed = await client.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    return Purchaser(unit_id, name, username, client)


async def draft_project(purchaser: Purchaser, **changes: str) -> int:
    created = await purchaser.client.post("/console/projects", data={**TENDER, **changes})
    assert created.status_code == 303, created.text
    return int(created.headers["location"].rsplit("/", 1)[-1])


async def upload(purchaser: Purchaser, project_id: int, item: str) -> httpx.Response:
    files = {"file": (f"{item}.pdf", PDF, "application/pdf")}
    return await purchaser.client.post(
        f"/console/projects/{project_id}/materials/{item}", files=files
    )


async def submitted_project(purchaser: Purchaser) -> int:
    project_id = await draft_project(purchaser)
    for item in TENDER_ITEMS:
        assert (await upload(purchaser, project_id, item)).status_code == 303
    sent = await purchaser.client.post(f"/console/projects/{project_id}/submission")
    assert sent.status_code == 303, sent.text
    return project_id


async def registered_project(admin: httpx.AsyncClient, purchaser: Purchaser) -> int:
    """A project the sub-platform's staff (``admin``) have registered."""
    project_id = await submitted_project(purchaser)
    decided = await admin.post(
        f"/console/projects/{project_id}/decision", data={"decision": "approve"}
    )
    assert decided.status_code == 303, decided.text
    return project_id


async def tendering_project(admin: httpx.AsyncClient, purchaser: Purchaser) -> int:
    """A registered project whose tender notice is out, bids due in 25 days."""
    project_id = await registered_project(admin, purchaser)
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=25)).isoformat()
    made = await admin.post(
        "/api/console/announcements", json=draft(project=project_id, deadline_at=deadline)
    )
    assert made.status_code == 201, made.text
    published = await admin.post(f"/api/console/announcements/{made.json()['id']}/publish")
    assert published.status_code == 200, published.text
    return project_id


def bid_file(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n".encode()


_contacts = itertools.count(1)


def bid_contact(n: int | None = None) -> dict[str, str]:
    """The bid form's contact fields: a fresh phone, e-mail and deposit account for each bid,
    so that no two bidders share one (the collusion rules, tenants.risk), unless ``n`` is
    given the same for both."""
    n = next(_contacts) if n is None else n
    return {
        "contact_phone": f"139{n:08d}",
        "contact_email": f"bid{n}@example.cn",
        "deposit_account": f"6222{n:012d}",
    }


async def send(
    client: httpx.AsyncClient,
    project_id: int,
    lot: int,
    price: str,
    text: str,
    contact: dict[str, str] | None = None,
) -> httpx.Response:
    files = {"file": ("投标文件.pdf", bid_file(text), "application/pdf")}
    data = {"lot": str(lot), "price": price, **(contact or bid_contact())}
    return await client.post(f"/projects/{project_id}/bids", data=data, files=files)


async def open_now(app: Litestar, site: Site, project_id: int) -> object:
    """Move the project's bid deadline to now and open its section 1, as the sub-platform's
    administrator."""
    await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
        Project.id == project_id
    )
    storage = app.state.object_storage
    return await opening.open_lot(
        app.state.authorizer, site.admin, storage, site.tenant, project_id, 1, CONTEXT
    )


async def evaluating_project(app: Litestar, site: Site):  # type: ignore[no-untyped-def]
    """A project whose section 1 is opened with three bids and whose committee of five is
    complete and revealed to the admin, its convenor."""
    authorizer, admin = app.state.authorizer, site.admin
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    bidders = [await registered_supplier(app, site) for _ in range(3)]
    _, manager = await library_manager(app)
    for _ in range(5):
        form = expert_form(region_code="371702", specialties=["C0102"])
        assert (await manager.post("/api/library/experts", json=form)).status_code == 201
    project_id = await tendering_project(site.client, buyer)
    for n, (price, (_, _, client)) in enumerate(zip(PRICES, bidders, strict=True)):
        assert (await send(client, project_id, 1, price, f"标书{n}")).status_code == 303
    await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
        Project.id == project_id
    )
    storage = app.state.object_storage
    await opening.open_lot(authorizer, admin, storage, site.tenant, project_id, 1, CONTEXT)
    wanted = draw.DrawRequest(specialty_code="C0102", committee_size=5, region_code="371702")
    draw_id = await draw.draw(authorizer, admin, site.tenant, project_id, wanted, CONTEXT)
    (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
    for member in view.members:
        await draw.answer(
            authorizer, admin, site.tenant, project_id, draw_id, member.id, True, CONTEXT
        )
    await draw.reveal(authorizer, admin, site.tenant, project_id, draw_id, CONTEXT)
    (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
    return project_id, [m.id for m in view.members], bidders, buyer, manager
