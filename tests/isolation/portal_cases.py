"""Isolation cases of the portal: announcements, branding, change requests, plugins."""

from __future__ import annotations

import uuid

from plugins.registry import plugin_key
from plugins.tables import TenantPlugin
from tests.isolation.matrix import (
    CrossTenant,
    NotTenantScoped,
    World,
    _pages_absent_on_sub_sites,
    tenant_admin_of,
)
from tests.portal.helpers import draft, image
from tests.tenants.helpers import PDF, docx


async def _published_of_a(world: World) -> tuple[int, int, str]:
    """(announcement id, attachment id, title) of an announcement A has published."""
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    title = f"甲方隔离测试公告{uuid.uuid4().hex[:8]}"
    try:
        created = await admin_a.post("/api/console/announcements", json=draft(title=title))
        announcement_id = created.json()["id"]
        files = {"file": ("甲方.pdf", PDF, "application/pdf")}
        attached = await admin_a.post(
            f"/api/console/announcements/{announcement_id}/attachments", files=files
        )
        await admin_a.post(f"/api/console/announcements/{announcement_id}/publish")
    finally:
        await admin_a.aclose()
    return announcement_id, attached.json()["id"], title


async def _announcements_of_own_site_only(world: World) -> None:
    announcement_id, attachment_id, title = await _published_of_a(world)
    base = f"/announcements/{announcement_id}"
    for path in (base, f"{base}/print", f"/api{base}", f"{base}/attachments/{attachment_id}"):
        assert (await world.client_a.get(path)).status_code == 200, path
        response = await world.client_b.get(path)
        assert response.status_code == 404, (path, response.status_code)
        world.assert_nothing_of(world.tenant_a, response)
    for path in ("/announcements", "/api/announcements", "/"):
        response = await world.client_b.get(path, params={"keyword": title[:8]})
        assert title not in response.text, path
        world.assert_nothing_of(world.tenant_a, response)
    # A's sub-domain as a filter on B's site is no way in either.
    response = await world.client_b.get(
        "/api/announcements", params={"tenant": world.tenant_a.slug}
    )
    assert title not in response.text
    # Shared on the main portal by design (seed 000 Art. 21).
    assert title in (await world.main.get("/announcements")).text


async def _console_of_own_tenant_only(world: World) -> None:
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        title = f"甲方草稿{uuid.uuid4().hex[:8]}"
        draft_id = (
            await admin_a.post("/api/console/announcements", json=draft(title=title))
        ).json()["id"]
        files = {"file": ("b.docx", docx(), "application/octet-stream")}
        attempts = (
            ("PUT", f"/api/console/announcements/{draft_id}", {"json": draft(title="乙方改写")}),
            ("POST", f"/api/console/announcements/{draft_id}/publish", {}),
            ("POST", f"/api/console/announcements/{draft_id}/attachments", {"files": files}),
            (
                "POST",
                "/api/console/announcements",
                {"json": draft(type="correction", corrects=draft_id)},
            ),
        )
        for method, path, kwargs in attempts:
            response = await admin_b.request(method, path, **kwargs)
            assert response.status_code == 404, (path, response.status_code, response.text)
        listed = await admin_b.get("/api/console/announcements")
        assert listed.status_code == 200 and title not in listed.text
        mine = (await admin_a.get("/api/console/announcements")).json()
        own = next(a for a in mine if a["id"] == draft_id)
        assert own["title"] == title and own["state"] == "draft"
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


async def _branding_of_own_tenant_only(world: World) -> None:
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    marker = f"甲方品牌{uuid.uuid4().hex[:6]}"
    try:
        # The marker goes in the footer: other tests expect the tenants' own names on their pages.
        tokens = {"display_name": world.tenant_a.name, "accent": "forest", "footer_text": marker}
        assert (await admin_a.put("/api/branding", json=tokens)).status_code == 204
        logo = {"file": ("a.png", image(), "image/png")}
        assert (await admin_a.put("/api/branding/logo", files=logo)).status_code == 200
        change = {"custom": {"layout": "blocks_first"}, "reason": f"{marker}的申请"}
        await admin_a.post("/api/branding/change-requests", json=change)

        for path in ("/api/branding", "/api/branding/change-requests", "/", "/contact"):
            response = await admin_b.get(path)
            assert response.status_code == 200 and marker not in response.text, path
            world.assert_nothing_of(world.tenant_a, response)
        own_b = {"display_name": world.tenant_b.name, "accent": "slate", "footer_text": "乙方页脚"}
        assert (await admin_b.put("/api/branding", json=own_b)).status_code == 204
        b_logo = {"file": ("b.png", image(size=(64, 64)), "image/png")}
        assert (await admin_b.put("/api/branding/logo", files=b_logo)).status_code == 200
        assert (await world.client_a.get("/branding/logo")).content == image()
        assert (await world.client_b.get("/branding/logo")).content == image(size=(64, 64))
        assert (await admin_a.get("/api/branding")).json()["tokens"]["footer_text"] == marker
        requests_b = await admin_b.post(
            "/api/branding/change-requests", json={**change, "reason": "乙方的申请"}
        )
        # B's own subject: A's open request does not block B's (the cases share the tenants,
        # so a later case finds B's first request still open).
        assert requests_b.status_code in (201, 409)
        listed_b = (await admin_b.get("/api/branding/change-requests")).json()
        assert [r["payload"]["reason"] for r in listed_b] == ["乙方的申请"]
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


async def _plugins_of_own_tenant_only(world: World) -> None:
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        requested = await admin_a.post(
            "/api/plugins/procurement_calendar/requests", json={"settings": {"days_ahead": 7}}
        )
        assert requested.status_code in (201, 409)
        listed = await admin_b.get("/api/plugins/requests")
        assert listed.status_code == 200
        assert all(r["id"] != requested.json().get("id") for r in listed.json())
        for name in ("procurement_calendar", "notices_board"):
            key = plugin_key(world.tenant_a.id, name)
            if not await TenantPlugin.exists().where(TenantPlugin.key == key):
                await TenantPlugin.insert(
                    TenantPlugin(tenant=world.tenant_a.id, plugin=name, key=key, approval_request=0)
                )
        catalogue = (await admin_b.get("/api/plugins")).json()
        assert not any(p["enabled"] for p in catalogue)
        ours = await admin_b.post("/api/plugins/notices_board/requests", json={"settings": {}})
        assert ours.status_code in (201, 409)
        for path in ("/calendar", "/notices"):
            assert (await world.client_a.get(path)).status_code == 200, path
            response = await world.client_b.get(path)
            assert response.status_code == 404, path
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


async def _directory_on_main_portal_only(world: World) -> None:
    response = await world.client_b.get("/sub-platforms")
    assert response.status_code == 404
    assert world.tenant_a.name in (await world.main.get("/sub-platforms")).text


async def _language_switch_stays_on_its_site(world: World) -> None:
    response = await world.client_b.get(
        "/lang/en", params={"next": f"//{world.tenant_a.slug}.sunshine.test/"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


THEME_FILES = NotTenantScoped("the theme's stylesheet, alike for every site")

PORTAL_CASES: dict[tuple[str, str], CrossTenant | NotTenantScoped] = {
    **{
        ("GET", path): CrossTenant(_announcements_of_own_site_only)
        for path in (
            "/announcements",
            "/announcements/{announcement_id:int}",
            "/announcements/{announcement_id:int}/print",
            "/announcements/{announcement_id:int}/attachments/{attachment_id:int}",
            "/api/announcements",
            "/api/announcements/{announcement_id:int}",
        )
    },
    **{
        route: CrossTenant(_console_of_own_tenant_only)
        for route in (
            ("GET", "/api/console/announcements"),
            ("POST", "/api/console/announcements"),
            ("PUT", "/api/console/announcements/{announcement_id:int}"),
            ("POST", "/api/console/announcements/{announcement_id:int}/publish"),
            ("POST", "/api/console/announcements/{announcement_id:int}/attachments"),
        )
    },
    **{
        route: CrossTenant(_branding_of_own_tenant_only)
        for route in (
            ("GET", "/api/branding"),
            ("PUT", "/api/branding"),
            ("PUT", "/api/branding/{kind:str}"),
            ("GET", "/branding/{kind:str}"),
            ("GET", "/api/branding/change-requests"),
            ("POST", "/api/branding/change-requests"),
            ("GET", "/contact"),
        )
    },
    **{
        route: CrossTenant(_plugins_of_own_tenant_only)
        for route in (
            ("GET", "/api/plugins"),
            ("GET", "/api/plugins/requests"),
            ("POST", "/api/plugins/{name:str}/requests"),
            ("GET", "/calendar"),
            ("GET", "/notices"),
        )
    },
    ("GET", "/sub-platforms"): CrossTenant(_directory_on_main_portal_only),
    ("GET", "/lang/{locale:str}"): CrossTenant(_language_switch_stays_on_its_site),
    ("GET", "/static/{file_path:path}"): NotTenantScoped("the theme's files, alike for every site"),
    ("HEAD", "/static/{file_path:path}"): NotTenantScoped(
        "the theme's files, alike for every site"
    ),
}


async def _console_pages_of_own_tenant_only(world: World) -> None:
    _, admin_a = await tenant_admin_of(world, world.tenant_a)
    _, admin_b = await tenant_admin_of(world, world.tenant_b)
    try:
        title = f"甲方工作台草稿{uuid.uuid4().hex[:8]}"
        draft_id = (
            await admin_a.post("/api/console/announcements", json=draft(title=title))
        ).json()["id"]
        secret_file = f"甲方附件{uuid.uuid4().hex[:6]}.pdf"
        attached = await admin_a.post(
            f"/api/console/announcements/{draft_id}/attachments",
            files={"file": (secret_file, PDF, "application/pdf")},
        )
        assert attached.status_code == 201
        base = f"/console/announcements/{draft_id}"
        form = {k: str(v) for k, v in draft(title="乙方改写").items() if k != "deadline_at"}
        files = {"file": ("b.docx", docx(), "application/octet-stream")}
        for method, path, kwargs in (
            ("GET", base, {}),
            ("GET", f"/console/announcements/new?corrects={draft_id}", {}),
            ("POST", base, {"data": form}),
            ("GET", f"{base}/preview", {}),
            ("POST", f"{base}/publish", {}),
            ("POST", f"{base}/publish", {"data": {"confirm": "yes"}}),
            ("POST", f"{base}/attachments", {"files": files}),
        ):
            response = await admin_b.request(method, path, **kwargs)
            assert response.status_code == 404, (method, path, response.status_code)
            assert title not in response.text and secret_file not in response.text
        # A refused form (here: no title) on A's id is no way to A's attachments either. It is
        # refused before any lookup, alike for every id, so it tells nothing about A's.
        refused = await admin_b.post(base, data={**form, "title": ""})
        assert refused.status_code == 400 and secret_file not in refused.text
        for path in ("/console/announcements", "/console/branding"):
            response = await admin_b.get(path)
            assert response.status_code == 200 and title not in response.text, path
            world.assert_nothing_of(world.tenant_a, response)
        created = await admin_b.post("/console/announcements", data=form)
        assert created.status_code == 303  # B's own draft, on B
        tokens = {
            "display_name": world.tenant_b.name,
            "accent": "slate",
            "footer_text": "乙方工作台",
        }
        assert (await admin_b.post("/console/branding", data=tokens)).status_code == 303
        logo = {"file": ("b.png", image(size=(64, 64)), "image/png")}
        assert (await admin_b.post("/console/branding/logo", files=logo)).status_code == 303
        change = {"layout": "standard", "reason": "乙方的工作台申请"}
        asked = await admin_b.post("/console/branding/change-request", data=change)
        assert asked.status_code in (303, 409)
        plugin = await admin_b.post("/console/branding/plugins/notices_board", data={})
        assert plugin.status_code in (303, 409)
        mine = (await admin_a.get("/api/console/announcements")).json()
        assert next(a for a in mine if a["id"] == draft_id)["title"] == title
        assert "乙方工作台" not in (await admin_a.get("/api/branding")).text
    finally:
        await admin_a.aclose()
        await admin_b.aclose()


PORTAL_CASES.update(
    {
        route: CrossTenant(_console_pages_of_own_tenant_only)
        for route in (
            ("GET", "/console/announcements"),
            ("POST", "/console/announcements"),
            ("GET", "/console/announcements/new"),
            ("GET", "/console/announcements/{announcement_id:int}"),
            ("POST", "/console/announcements/{announcement_id:int}"),
            ("GET", "/console/announcements/{announcement_id:int}/preview"),
            ("POST", "/console/announcements/{announcement_id:int}/publish"),
            ("POST", "/console/announcements/{announcement_id:int}/attachments"),
            ("GET", "/console/branding"),
            ("POST", "/console/branding"),
            ("POST", "/console/branding/{kind:str}"),
            ("POST", "/console/branding/change-request"),
            ("POST", "/console/branding/plugins/{name:str}"),
        )
    }
)
PORTAL_CASES.update(
    _pages_absent_on_sub_sites(
        ("GET", "/admin/requests"),
        ("GET", "/admin/requests/{request_id:int}"),
        ("POST", "/admin/requests/{request_id:int}/decision"),
    )
)
