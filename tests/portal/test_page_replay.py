"""Cached portal pages replayed to anonymous visitors before Litestar (themes.replay): the same
response the page gave, without a CSRF cookie; never to a signed-in visitor, never across
sites or languages, never after the page changed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.tenancy.tables import Tenant
from tests.conftest import BASE_DOMAIN, client_for
from tests.portal.helpers import Site, close, new_site, published
from themes.i18n import COOKIE as LOCALE_COOKIE


@pytest_asyncio.fixture
async def sites(app: Litestar) -> AsyncIterator[tuple[Site, Site]]:
    a = await new_site(app, "甲直出测试分平台")
    b = await new_site(app, "乙直出测试分平台")
    yield a, b
    await close(a, b)


def _host(site: Site) -> str:
    return f"{site.tenant.slug}.{BASE_DOMAIN}"


async def _visit(app: Litestar, host: str, path: str = "/", **cookies: str) -> httpx.Response:
    """A first-time visitor's browser GET: no cookie but those given."""
    async with client_for(app, host) as visitor:
        for name, value in cookies.items():
            visitor.cookies.set(name, value)
        return await visitor.get(path, headers={"accept": "text/html"})


def _kept(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("set-cookie", "server-timing")}


async def _rename_behind_the_cache(site: Site, name: str) -> None:
    """A change written straight to the table, with no invalidation: what a replay shows
    tells whether Litestar rendered the page or the recorded response was sent."""
    await Tenant.update({Tenant.name: name}).where(Tenant.id == site.tenant.id)


@pytest.mark.asyncio
async def test_an_anonymous_visitor_gets_the_recorded_page_without_a_cookie(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    first = await _visit(app, _host(a))
    assert first.status_code == 200 and "甲直出测试分平台" in first.text
    assert "csrftoken" in first.headers.get("set-cookie", "")  # Litestar answered it
    again = await _visit(app, _host(a))
    assert again.status_code == 200
    assert again.content == first.content
    assert _kept(again) == _kept(first)
    assert "set-cookie" not in again.headers  # replayed: nothing minted


@pytest.mark.asyncio
async def test_a_signed_in_visitor_and_a_query_are_answered_by_litestar(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    await _visit(app, _host(a))  # recorded
    await _rename_behind_the_cache(a, "甲直出改名分平台")
    assert "甲直出测试分平台" in (await _visit(app, _host(a))).text  # the replay
    # The admin's own page is rendered for them, with their name in the header.
    signed_in = await a.client.get("/")
    assert "甲直出改名分平台" in signed_in.text and a.admin.username in signed_in.text
    # A query string is never replayed; its page is Litestar's (from the page cache).
    queried = await _visit(app, _host(a), "/?from=replay-test")
    assert "set-cookie" in queried.headers


@pytest.mark.asyncio
async def test_replays_are_per_site_and_per_language(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, b = sites
    chinese = await _visit(app, _host(a))
    english = await _visit(app, _host(a), **{LOCALE_COOKIE: "en"})
    assert english.content != chinese.content and 'lang="en"' in english.text
    again = await _visit(app, _host(a), **{LOCALE_COOKIE: "en"})
    assert again.content == english.content and "set-cookie" not in again.headers
    other = await _visit(app, _host(b))
    assert "乙直出测试分平台" in other.text and "甲直出测试分平台" not in other.text


@pytest.mark.asyncio
async def test_a_change_to_the_portal_ends_the_replay(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    await _visit(app, _host(a))
    await _visit(app, _host(a))
    await published(a, title="直出失效测试公告")  # publishing invalidates the site's pages
    after = await _visit(app, _host(a))
    assert "直出失效测试公告" in after.text


@pytest.mark.asyncio
async def test_a_missing_page_is_not_recorded(app: Litestar, sites: tuple[Site, Site]) -> None:
    a, _ = sites
    for _ in range(2):
        missing = await _visit(app, _host(a), "/announcements/987654321")
        assert missing.status_code == 404
        assert "set-cookie" in missing.headers  # each time Litestar's answer


@pytest.mark.asyncio
async def test_portal_pages_name_their_charset_once(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    for path in ("/", "/announcements/987654321"):
        response = await _visit(app, _host(a), path)
        assert response.headers["content-type"] == "text/html; charset=utf-8", path


@pytest.mark.asyncio
async def test_only_a_pages_own_spelling_is_recorded(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    announcement = await published(a, title="直出拼写测试公告")
    for path, replayed in (
        (f"/announcements/{announcement}", True),
        (f"/announcements/00{announcement}", False),
    ):
        await _visit(app, _host(a), path)
        again = await _visit(app, _host(a), path)
        assert again.status_code == 200 and "直出拼写测试公告" in again.text
        assert ("set-cookie" not in again.headers) is replayed, path


@pytest.mark.asyncio
async def test_a_quoted_language_cookie_cannot_turn_the_shared_page_english(
    app: Litestar, sites: tuple[Site, Site]
) -> None:
    a, _ = sites
    # Litestar reads "en" from it: the page is English, and must be kept as the English one.
    async with client_for(app, _host(a)) as visitor:
        crafted = await visitor.get("/", headers={"cookie": f'{LOCALE_COOKIE}="en"'})
    assert '<html lang="en"' in crafted.text
    plain = await _visit(app, _host(a))
    assert '<html lang="zh-CN"' in plain.text
