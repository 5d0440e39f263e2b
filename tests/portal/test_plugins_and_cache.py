"""Plugins granted per tenant through approval, and the page cache dropped on every change."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator

import msgspec
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.chain import RequestContext
from core.tenancy.tables import Tenant
from plugins.registry import CATALOGUE
from tenants import penalties
from tenants.announcements.tables import Announcement
from tenants.tables import PenaltyKind
from tests.conftest import BASE_DOMAIN, client_for
from tests.portal.helpers import Site, close, new_site, published
from tests.tenants.helpers import hq_people, main_client_as
from themes.cache import PORTAL_CACHE
from themes.i18n import MESSAGES

NOTICES = {"heading": "通知公告", "notices": [{"title": "系统维护通知", "text": "周六停机"}]}


@pytest_asyncio.fixture
async def sites(app: Litestar) -> AsyncIterator[tuple[Site, Site]]:
    a = await new_site(app, "甲插件测试分平台")
    b = await new_site(app, "乙插件测试分平台")
    yield a, b
    await close(a, b)


async def approve(app: Litestar, request_id: int) -> None:
    people = await hq_people(app)
    reviewer = await main_client_as(app, people["reviewer"])
    try:
        response = await reviewer.post(
            f"/api/approvals/{request_id}/decision", json={"decision": "approve"}
        )
        assert response.status_code == 200, response.text
    finally:
        await reviewer.aclose()


async def grant(app: Litestar, site: Site, name: str, settings: dict | None = None) -> None:
    response = await site.client.post(
        f"/api/plugins/{name}/requests", json={"settings": settings or {}}
    )
    assert response.status_code == 201, response.text
    await approve(app, response.json()["id"])


@pytest.mark.asyncio
async def test_a_plugin_exists_only_where_head_office_granted_it(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    assert (await a.public.get("/notices")).status_code == 404
    bad = await a.client.post(
        "/api/plugins/notices_board/requests", json={"settings": {"block_size": 99}}
    )
    assert bad.status_code == 400 and "settings" in bad.text
    unknown = await a.client.post("/api/plugins/lottery/requests", json={})
    assert unknown.status_code == 404
    requested = await a.client.post(
        "/api/plugins/notices_board/requests", json={"settings": NOTICES}
    )
    assert requested.status_code == 201
    assert (await a.public.get("/notices")).status_code == 404  # not before approval
    await approve(app, requested.json()["id"])

    notices = await a.public.get("/notices")
    assert notices.status_code == 200 and "系统维护通知" in notices.text
    home = (await a.public.get("/")).text
    assert "系统维护通知" in home and 'href="/notices"' in home
    assert (await b.public.get("/notices")).status_code == 404
    assert "系统维护通知" not in (await b.public.get("/")).text
    async with client_for(app, BASE_DOMAIN) as main:
        assert (await main.get("/notices")).status_code == 404
    catalogue = {p["name"]: p for p in (await a.client.get("/api/plugins")).json()}
    assert catalogue["notices_board"]["enabled"] is True
    assert catalogue["procurement_calendar"]["enabled"] is False

    removal = await a.client.post("/api/plugins/notices_board/requests", json={"action": "remove"})
    assert removal.status_code == 201
    await approve(app, removal.json()["id"])
    assert (await a.public.get("/notices")).status_code == 404
    assert "系统维护通知" not in (await a.public.get("/")).text


@pytest.mark.asyncio
async def test_the_calendar_shows_this_tenants_deadlines(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    await grant(app, a, "procurement_calendar", {"days_ahead": 30})
    await published(a, title="甲方三十天内截止的项目")
    await published(b, title="乙方三十天内截止的项目")
    home = (await a.public.get("/")).text
    assert "甲方三十天内截止的项目" in home and "乙方三十天内截止的项目" not in home
    for month in ("2026-13", "9999-12", "0001-01"):
        assert (await a.public.get("/calendar", params={"month": month})).status_code == 404
    assert (await b.public.get("/calendar")).status_code == 404


@pytest.mark.asyncio
async def test_staff_cannot_ask_for_plugins(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, _ = sites
    assert (await a.public.post("/api/plugins/notices_board/requests", json={})).status_code in (
        401,
        403,
    )


@pytest.mark.asyncio
async def test_pages_are_cached_and_dropped_on_every_change(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    main = client_for(app, BASE_DOMAIN)
    try:
        first = await published(a, title="缓存测试原始公告")
        assert "缓存测试原始公告" in (await a.public.get("/")).text
        assert "缓存测试原始公告" in (await main.get("/announcements")).text

        # A write behind the services' back is not seen: the pages come from the cache.
        await Announcement.update({Announcement.title: "绕过服务改写的标题"}).where(
            Announcement.id == first
        )
        assert "缓存测试原始公告" in (await a.public.get("/")).text
        b_page = (await b.public.get("/")).text

        # publication
        await published(a, title="缓存测试第二条公告")
        home = (await a.public.get("/")).text
        assert "缓存测试第二条公告" in home and "绕过服务改写的标题" in home
        assert "缓存测试第二条公告" in (await main.get("/announcements")).text
        assert (await b.public.get("/")).text == b_page  # B's pages are B's business

        # correction
        await published(a, type="correction", title="缓存测试更正公告", corrects=first)
        assert "缓存测试更正公告" in (await a.public.get(f"/announcements/{first}")).text

        # branding
        tokens = {"display_name": "缓存测试新名称", "accent": "violet"}
        assert (await a.client.put("/api/branding", json=tokens)).status_code == 204
        assert "缓存测试新名称" in (await a.public.get("/")).text

        # plugin
        await grant(app, a, "notices_board", NOTICES)
        assert "系统维护通知" in (await a.public.get("/")).text

        # suspension, then reinstatement
        people = await hq_people(app)
        authorizer, storage = app.state.authorizer, app.state.object_storage
        form = penalties.PenaltyForm(kind=PenaltyKind.suspension, grounds=[2], statement="中止")
        evidence = [penalties.Evidence("e.pdf", b"%PDF-1.7 evidence")]
        await penalties.impose(
            authorizer, people["supervisor"], storage, a.tenant.id, form, evidence, RequestContext()
        )
        assert "本分平台已被中止系统使用权限" in (await a.public.get("/")).text
        listed = (await main.get("/announcements")).text
        assert "缓存测试第二条公告" not in listed  # withdrawn from the main portal
        by_source = await main.get("/announcements", params={"tenant": a.tenant.slug})
        assert "缓存测试第二条公告" not in by_source.text  # also when asked for by name
        await penalties.reinstate(
            authorizer, people["admin"], a.tenant.id, "整改完成", RequestContext()
        )
        assert "本分平台已被中止系统使用权限" not in (await a.public.get("/")).text
        assert "缓存测试第二条公告" in (await main.get("/announcements")).text
    finally:
        await main.aclose()
        await Tenant.update({Tenant.state: "active"}).where(Tenant.id == a.tenant.id)


@pytest.mark.asyncio
async def test_an_upgrade_never_serves_a_page_rendered_by_the_previous_release(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    before = await published(a, title="升级前发布的公告")
    assert "升级前发布的公告" in (await a.public.get("/")).text
    await Announcement.update({Announcement.title: "升级后才看得到的标题"}).where(
        Announcement.id == before
    )
    assert "升级前发布的公告" in (await a.public.get("/")).text  # cached
    current = PORTAL_CACHE.release
    PORTAL_CACHE.bind(app.state.stores, f"{current}-next")  # what a deploy of new code does
    try:
        assert "升级后才看得到的标题" in (await a.public.get("/")).text
    finally:
        PORTAL_CACHE.bind(app.state.stores, current)


@pytest.mark.asyncio
async def test_a_page_cached_on_the_host_is_not_served_under_the_development_prefix(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    await published(a, title="前缀测试公告")
    on_host = await a.public.get("/")
    assert 'href="/announcements' in on_host.text
    async with client_for(app, BASE_DOMAIN) as main:
        prefixed = await main.get(f"/t/{a.tenant.slug}/")
    assert prefixed.status_code == 200 and "前缀测试公告" in prefixed.text
    assert f'href="/t/{a.tenant.slug}/announcements' in prefixed.text
    assert 'href="/announcements' not in prefixed.text


def labelled_fields(struct: type, prefix: str) -> set[str]:
    """Every field of a settings struct, nested structs' fields below their parent's key."""
    keys: set[str] = set()
    for field in msgspec.structs.fields(struct):
        key = f"{prefix}.{field.encode_name}"
        keys.add(key)
        for inner in _structs_in(field.type):
            keys |= labelled_fields(inner, key)
    return keys


def _structs_in(annotation: object) -> list[type]:
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return [annotation]
    return [s for arg in typing.get_args(annotation) for s in _structs_in(arg)]


def test_every_plugin_setting_has_words_for_the_review_page() -> None:
    for name, spec in CATALOGUE.items():
        missing = labelled_fields(spec.settings, f"review.setting.{name}") - MESSAGES.keys()
        assert not missing, f"{name}: {sorted(missing)}"


@pytest.mark.asyncio
async def test_head_office_reads_a_plugin_request_in_its_own_language(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    requested = await a.client.post(
        "/api/plugins/notices_board/requests", json={"settings": NOTICES}
    )
    assert requested.status_code == 201, requested.text
    page_url = f"/admin/requests/{requested.json()['id']}"
    people = await hq_people(app)
    reviewer = await main_client_as(app, people["reviewer"])
    try:
        chinese = (await reviewer.get(page_url)).text
        assert "通知公告栏" in chinese and "栏目标题" in chinese and "系统维护通知" in chinese
        reviewer.cookies.set("sunshine_lang", "en")
        english = await reviewer.get(page_url)
        assert english.status_code == 200
        assert "Notices board" in english.text and "通知公告栏" not in english.text
        assert "Heading" in english.text and "Notices on the home page" in english.text
        assert "周六停机" in english.text  # the tenant's own words, as asked for
        for raw in ("block_size", "heading", "{'title'"):
            assert raw not in english.text, raw
        # A refusal on the page is shown in the reader's language.
        returned = await reviewer.post(f"{page_url}/decision", data={"decision": "return"})
        assert returned.status_code == 400
        assert "a return lists every deficiency" in returned.text
        assert "逐项列明" not in returned.text
    finally:
        await reviewer.aclose()
