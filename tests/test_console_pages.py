"""Every console page, as every person of the demo sees it (zh-CN): no raw enum value, state,
kind, role key, accent name or region code on screen, and no navigation link that the person
viewing it cannot open.

The demo is seeded into a data directory of its own and served by ``serve`` in a process of its
own, as a new user would meet it; the pages are found by following each person's navigation
and workbench, so a page added later is checked without being named here.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.approvals import service as approvals
from core.approvals.tables import ApprovalState
from core.authz.model import ROLE_PERMISSIONS
from core.identity.tables import AccountKind
from core.tenancy.tables import TenantKind, TenantState
from tenants.announcements.tables import AnnouncementType, Category, ProcurementMethod
from tenants.tables import PenaltyKind
from tests.serving import served
from tests.test_cli import run_cli
from themes.palette import PALETTE

PASSWORD = "Demo-Console-Pages-1"
PAGES_PER_PERSON = 60
# The demo's people who sign in straight away (a password of the demo's, none to change): both
# crawls go through every one of them, so that neither passes by crawling nobody.
SIGNING_IN = 18
# Stored values a person must never read as they are. Plain English words that are also
# ordinary English prose ("other", "works", "services", "goods", "active") would match the
# pages' English subtitles: values with an underscore or a hyphen, and the ones no prose here
# uses, are enough to catch a template printing a raw value.
_VALUES = {
    *(v.value for v in TenantState),
    *(v.value for v in TenantKind),
    *(v.value for v in AccountKind),
    *(v.value for v in ApprovalState),
    *(v.value for v in PenaltyKind),
    *(v.value for v in AnnouncementType),
    *(v.value for v in Category),
    *(v.value for v in ProcurementMethod),
    *ROLE_PERMISSIONS,
    *approvals.TYPES,
    *PALETTE,
} - {"other", "works", "services", "goods", "active", "warning", "expert", "agency", "supplier"}
RAW_VALUE = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, _VALUES), key=len, reverse=True))
    + r")(?![\w-])"
)
REGION_CODE = re.compile(r"(?<![\w-])\d{6}(?![\w-])")
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_ENGLISH = re.compile(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"', re.I)
_NAV = re.compile(r'<nav class="console".*?</nav>', re.S)
# Not pages (files, language switch) or links that change something when followed.
_SKIP = re.compile(
    r"/(logout|lang/|files/|static/|branding/logo|branding/banner)|/export|\.(csv|xlsx)"
)


def visible_text(page: str) -> str:
    """What a zh-CN reader sees: no scripts, no English-only subtitles, no markup."""
    text = _TAG.sub(" ", _ENGLISH.sub(" ", _INVISIBLE.sub(" ", page)))
    return html.unescape(text)


def raw_values(page: str) -> list[str]:
    text = visible_text(page)
    return sorted({*RAW_VALUE.findall(text), *REGION_CODE.findall(text)})


def test_the_scan_finds_what_it_is_for() -> None:
    """The checker itself: it must flag a raw state, role and region code, and pass labels."""
    assert raw_values("<td>admin_revoked</td><td>hq_admin</td><td>370102</td>") == [
        "370102",
        "admin_revoked",
        "hq_admin",
    ]
    clean = '<td>已中止</td><small lang="en">suspended</small><a href="/x?state=suspended">'
    assert raw_values(clean + "2026-12-05 08:00 · 鲁ICP备00000001号 · 0531-12345678") == []


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("demo")
    for command in ("migrate", "seed-demo"):
        result = run_cli(data, command, SUNSHINE_DEMO_PASSWORD=PASSWORD)
        assert result.returncode == 0, result.stderr
    with served(data) as base:
        yield base, data / "sunshine.sqlite3"


def demo_people(database: Path) -> list[tuple[str, str]]:
    """(username, site root) of every account the demo made: staff on their tenant's site,
    everyone else on the main portal."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT a.username, t.slug FROM account a LEFT JOIN tenant t ON t.id = a.tenant"
        ).fetchall()
    return [(username, f"/t/{slug}" if slug else "") for username, slug in rows]


def crawl(client: httpx.Client, root: str) -> dict[str, list[str]]:
    """Visit the workbench, then every on-site link reachable from it and from the navigation
    (breadth first, bounded); return each page's problems."""
    problems: dict[str, list[str]] = {}
    start = client.get(f"{root}/workbench")
    assert start.status_code == 200, start.text[:500]
    nav = re.findall(r'href="([^"]+)"', m.group(0)) if (m := _NAV.search(start.text)) else []
    for link in nav:  # every navigation entry opens
        status = client.get(link).status_code
        if status != 200:
            problems.setdefault(link, []).append(f"navigation link answers {status}")
    queue, seen = [f"{root}/workbench", *nav], set()
    while queue and len(seen) < PAGES_PER_PERSON:
        url = html.unescape(queue.pop(0))
        if url in seen or _SKIP.search(url) or not url.startswith(f"{root}/"):
            continue
        seen.add(url)
        page = client.get(url)
        if "text/html" not in page.headers.get("content-type", ""):
            continue
        if page.status_code >= 500 or page.status_code == 403:
            problems.setdefault(url, []).append(f"answers {page.status_code}")
        if found := raw_values(page.text):
            problems.setdefault(url, []).append(f"shows {found}")
        queue.extend(_LINK.findall(page.text))
    return problems


def sign_in(client: httpx.Client, root: str, username: str) -> httpx.Response:
    client.get(f"{root}/login")
    return client.post(
        f"{root}/login",
        data={
            "login": username,
            "password": PASSWORD,
            "_csrf_token": client.cookies.get("csrftoken", ""),
        },
    )


# Who the demo seeds, and what waits on their workbench: (username, site root, section, item).
WAITING = (
    ("reviewer", "", "待审核的分平台设立申请", "烟台市公共资源交易服务中心"),
    ("yantai-applicant", "", "我的分平台设立申请", "烟台市公共资源交易服务中心"),
    ("auditor", "", "审计记录（拒绝与失败在前）", "登录与口令 · 登录"),
    ("library", "", "待审核的主体注册与变更", "济南新锐科技有限公司"),
    ("supervisor", "", "处于警告、撤销或中止状态的分平台", "青岛市阳光采购服务分平台"),
    ("supervisor", "", "待处理的风险预警", "分平台项目登记、异议答复超过法定时限"),
    ("jinan-admin", "/t/jinan", "审核中或退回补正的申请", "暂无"),
    ("jinan-staff", "/t/jinan", "未发布的公告草稿", "暂无"),
)


@pytest.mark.parametrize(("username", "root", "section", "item"), WAITING)
def test_the_demo_seeds_each_role_with_its_work(
    demo_server: tuple[str, Path], username: str, root: str, section: str, item: str
) -> None:
    base, _ = demo_server
    with httpx.Client(base_url=base, headers={"accept": "text/html"}) as client:
        assert sign_in(client, root, username).status_code == 303
        page = client.get(f"{root}/workbench")
    assert page.status_code == 200
    work = re.search(rf"<h2>{section}</h2>(.*?)</section>", page.text, re.S)
    assert work is not None, visible_text(page.text)
    assert item in work.group(1)


def test_no_console_page_shows_a_raw_value_or_a_link_its_viewer_cannot_open(
    demo_server: tuple[str, Path],
) -> None:
    base, database = demo_server
    everything: dict[str, dict[str, list[str]]] = {}
    crawled = 0
    for username, root in demo_people(database):
        with httpx.Client(base_url=base, headers={"accept": "text/html"}) as client:
            signed = sign_in(client, root, username)
            if signed.status_code != 303 or "/account/password" in signed.headers["location"]:
                continue  # no password of the demo's (an operator still invited), or must change it
            crawled += 1
            if problems := crawl(client, root):
                everything[f"{username}@{root or '/'}"] = problems
    assert crawled >= SIGNING_IN, f"only {crawled} demo accounts could sign in"
    assert not everything, "\n".join(
        f"{who} {url}: {'; '.join(p)}"
        for who, pages in everything.items()
        for url, p in pages.items()
    )


def test_every_console_page_also_renders_in_english(demo_server: tuple[str, Path]) -> None:
    """English second: the same pages with the language cookie answer without a server error
    (a message missing from the catalogue's English side would be one)."""
    base, database = demo_server
    broken: dict[str, list[str]] = {}
    crawled: list[str] = []
    for username, root in demo_people(database):
        with httpx.Client(
            base_url=base, headers={"accept": "text/html"}, cookies={"sunshine_lang": "en"}
        ) as client:
            signed = sign_in(client, root, username)
            if signed.status_code != 303 or "/account/password" in signed.headers["location"]:
                continue
            crawled.append(username)
            if username == "auditor":  # the cookie is honoured: the page is in English
                assert "Audit log" in client.get("/workbench").text
            for url, problems in crawl_statuses(client, root).items():
                broken.setdefault(f"{username}@{root or '/'} {url}", []).extend(problems)
    assert len(crawled) >= SIGNING_IN and "auditor" in crawled, crawled
    assert not broken, broken


def crawl_statuses(client: httpx.Client, root: str) -> dict[str, list[str]]:
    """Like :func:`crawl`, but only server errors count (English pages may say English words)."""
    problems: dict[str, list[str]] = {}
    queue, seen = [f"{root}/workbench"], set()
    while queue and len(seen) < PAGES_PER_PERSON:
        url = html.unescape(queue.pop(0))
        if url in seen or _SKIP.search(url) or not url.startswith(f"{root}/"):
            continue
        seen.add(url)
        page = client.get(url)
        if page.status_code >= 500:
            problems.setdefault(url, []).append(f"answers {page.status_code}")
        if "text/html" in page.headers.get("content-type", ""):
            queue.extend(_LINK.findall(page.text))
    return problems
