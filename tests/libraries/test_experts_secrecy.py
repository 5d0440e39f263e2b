"""Acceptance (issue item 3): no expert identity or contact appears in any tenant or public
HTML or JSON. Every GET route of the application is requested by four visitors who must never
see one: anonymous on the main portal, anonymous on a sub-site, a tenant's admin on its
sub-site, and a head-office administrator who is no library manager. Library managers do see
them, through the secret route, and every such reading is in the audit chain.
"""

from __future__ import annotations

import html
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from core.audit.tables import AuditEntry
from core.identity.principal import Principal
from core.libraries.experts.tables import Expert
from tests.conftest import BASE_DOMAIN, client_for
from tests.libraries.test_experts import hq_without_library, library_manager, register
from tests.portal.helpers import close, new_site, published

SECRET_COLUMNS = ("name_enc", "id_number_enc", "phone_enc", "email_enc", "id_number_index")
# Routes whose path parameters cannot be filled with anything meaningful, with the reason.
# Keep it short: a route listed here is a route this test does not look at.
SKIP: dict[str, str] = {}
# More addresses than the bare routes: the library's own filters.
EXTRA = (
    "/api/library/experts?specialty=A&region=370000",
    "/api/library/experts?specialty=C01&page=1",
    "/admin/experts?specialty=A&region=370100",
)


@dataclass
class Known:
    """Values for path parameters, by name; the rest are filled by their type."""

    values: dict[str, str]

    def fill(self, route: HTTPRoute) -> str:
        path = route.path
        for name, parameter in route.path_parameters.items():
            fallback = "1" if parameter.type is int else "x"
            if parameter.type is Path:
                fallback = "theme.css"
            value = self.values.get(name, fallback)
            path = path.replace(f"{{{parameter.full}}}", value)
        return path


def get_routes(app: Litestar) -> list[HTTPRoute]:
    return [
        route
        for route in app.routes
        if isinstance(route, HTTPRoute) and "GET" in route.methods and route.path not in SKIP
    ]


def forms_of(secret: str) -> set[str]:
    """The secret as it would appear in a page or a document: raw, HTML- or JSON-escaped."""
    return {secret, html.escape(secret), json.dumps(secret)[1:-1], secret.lower()}


def assert_no_secret(response: httpx.Response, secrets: dict[str, str], who: str) -> None:
    seen = response.text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    for label, secret in secrets.items():
        for form in forms_of(secret):
            assert form not in seen, f"{label} leaked to {who} by GET {response.url}"


async def secrets_of(codes: list[str], forms: list[dict]) -> dict[str, str]:
    """Every plaintext secret, and what the database holds for them (ciphertexts, index)."""
    found: dict[str, str] = {}
    for code, form in zip(codes, forms, strict=True):
        for field in ("name", "id_number", "phone", "email"):
            found[f"{code} {field}"] = str(form[field])
        row = await Expert.select(*(getattr(Expert, c) for c in SECRET_COLUMNS)).where(
            Expert.code == code
        )
        for column in SECRET_COLUMNS:
            found[f"{code} {column}"] = row[0][column]
            if column != "id_number_index":  # the base64 body alone, should a prefix be cut
                found[f"{code} {column} body"] = row[0][column].split(":", 2)[2][:24]
    return found


@pytest.mark.asyncio
async def test_no_expert_identity_or_contact_in_any_tenant_or_public_response(
    app: Litestar,
) -> None:
    manager, manager_client = await library_manager(app)
    site = await new_site(app, "专家保密测试分平台")
    admin, admin_client = await hq_without_library(app)
    anonymous_main = client_for(app, BASE_DOMAIN)
    try:
        registered = [
            await register(
                manager_client,
                name=name,
                phone=phone,
                email=email,
                specialties=specialties,
                region_code=region,
            )
            for name, phone, email, specialties, region in (
                ("欧阳秘书", "13912345678", "ouyang.mishu@secret.example.cn", ["A0101"], "370102"),
                ("司马保密", "0531-86661234", "sima.baomi@secret.example.cn", ["B0201"], "370202"),
                ("诸葛隐名", "18800001111", "zhuge.yinming@secret.example.cn", ["C01"], "370000"),
            )
        ]
        codes = [code for code, _ in registered]
        secrets = await secrets_of(codes, [form for _, form in registered])
        announcement_id = await published(site)
        known = Known(
            {
                "code": codes[0],
                "tenant_id": str(site.tenant.id),
                "account_id": str(site.admin.account_id),
                "announcement_id": str(announcement_id),
                "kind": "logo",
                "locale": "en",
                "file_path": "theme.css",
                "path": "openapi.json",
            }
        )
        urls = [known.fill(route) for route in get_routes(app)] + list(EXTRA)
        assert len(urls) > 50  # the whole application, not a handful
        visitors = (
            ("anonymous on the main portal", anonymous_main),
            ("anonymous on a sub-site", site.public),
            ("a tenant's admin on its sub-site", site.client),
            ("head office without hq_library", admin_client),
        )
        page_or_json = {"accept": "text/html,application/json;q=0.9"}
        for who, client in visitors:
            for url in urls:
                for headers in (page_or_json, {"accept": "application/json"}):
                    response = await client.get(url, headers=headers)
                    assert_no_secret(response, secrets, who)

        # Not vacuous: the staff did see the experts, by their public codes only.
        for client in (site.client, admin_client):
            listed = await client.get("/api/library/experts", params={"page": 1})
            assert listed.status_code == 200
            total = listed.json()["total"]
            pages = [listed] + [
                await client.get("/api/library/experts", params={"page": n})
                for n in range(2, (total + 19) // 20 + 1)
            ]
            seen = {item["code"] for page in pages for item in page.json()["items"]}
            assert set(codes) <= seen
        await assert_managers_see_and_leave_a_trace(
            manager_client, manager, admin, codes[0], registered[0][1]
        )
    finally:
        await close(site)
        for client in (manager_client, admin_client, anonymous_main):
            await client.aclose()


async def assert_managers_see_and_leave_a_trace(
    client: httpx.AsyncClient, manager: Principal, refused: Principal, code: str, form: dict
) -> None:
    response = await client.get(f"/api/library/experts/{code}/secret")
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["cache-control"]
    view = response.json()
    assert {k: view[k] for k in ("name", "id_number", "phone", "email")} == {
        k: form[k] for k in ("name", "id_number", "phone", "email")
    }
    assert view["employer_credit_code"] == form["employer_credit_code"]
    # Every page: experts other tests registered may come first.
    for number in itertools.count(1):
        page = await client.get(f"/admin/experts/?page={number}", headers={"accept": "text/html"})
        assert page.status_code == 200
        if form["name"] in page.text or f"page={number + 1}" not in page.text:
            break
    assert form["name"] in page.text

    reading = (
        await AuditEntry.select()
        .where(
            (AuditEntry.action == "library.expert.read_secret")
            & (AuditEntry.object == f"expert:{code}")
            & (AuditEntry.actor_id == manager.account_id)
        )
        .first()
    )
    assert reading is not None and reading["outcome"] == "success" and reading["seq"] > 0
    # The head-office administrator's attempts during the scan were refused, and recorded.
    attempts = await AuditEntry.select(AuditEntry.outcome).where(
        (AuditEntry.action == "library.expert.read_secret")
        & (AuditEntry.actor_id == refused.account_id)
    )
    assert attempts and {a["outcome"] for a in attempts} == {"denied"}


@pytest.mark.asyncio
async def test_the_database_holds_ciphertext_only(app: Litestar) -> None:
    _, client = await library_manager(app)
    try:
        code, form = await register(client, name="令狐密文")
    finally:
        await client.aclose()
    rows = await Expert.raw("SELECT * FROM expert WHERE code = {}", code)
    raw = json.dumps(rows, default=str, ensure_ascii=False)
    for field in ("name", "id_number", "phone", "email"):
        assert str(form[field]) not in raw, field
    row = rows[0]
    for column in ("name_enc", "id_number_enc", "phone_enc", "email_enc"):
        assert row[column].startswith("sm4gcm:v1:"), column
    assert len(row["id_number_index"]) == 64  # HMAC-SM3, hex
    # Piccolo's own guard too: the secret columns are left out of a secrets-excluding select.
    public = await Expert.select(exclude_secrets=True).where(Expert.code == code).first()
    assert public is not None and not set(SECRET_COLUMNS) & public.keys()


def test_the_skip_list_stays_short() -> None:
    assert len(SKIP) <= 3, SKIP
