"""The portal in a real browser (headless Debian Chromium driven by Selenium).

The main portal, two sub-sites with different branding (home, list and detail pages) and a
suspended sub-site are served by a server process of their own and visited one after another.
Every page is saved as a screenshot (and its HTML) into ``$SUNSHINE_ARTIFACTS``, else
``<repo>/test-artifacts/browser/``. Tenant A's branding (name, accent colour, footer contact,
filing number) must never show on tenant B's pages, nor B's on A's.

All data is written here *before* the server starts: without Redis every process keeps its own
page cache, so a server started afterwards can hold nothing stale.
"""

from __future__ import annotations

import asyncio
import base64
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.audit.chain import RequestContext
from core.authz.policies import grant_first_admin, grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef, register_tenant
from core.tenancy.tables import TenantKind
from tenants import branding, penalties
from tenants.announcements import service
from tenants.announcements.service import AnnouncementDraft
from tenants.announcements.tables import AnnouncementType, Category, ProcurementMethod
from tenants.tables import PenaltyKind
from tests.conftest import BASE_DOMAIN, new_account, unique_slug
from themes.palette import DEFAULT_ACCENT, PALETTE
from themes.tokens import Branding, Contact

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BRAND, FOOTER = "header.site-header .brand", "footer.site-footer"
SUSPENDED_TEXT = "本分平台已被中止系统使用权限"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--window-size=1280,900",
    "--lang=zh-CN",
    f"--host-resolver-rules=MAP {BASE_DOMAIN} 127.0.0.1",
)


def rgb(hex_colour: str) -> str:
    """``#1d4e89`` → ``rgb(29, 78, 137)``, as ``getComputedStyle`` reports it."""
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)))


def artifacts_dir() -> Path:
    directory = Path(os.environ.get("SUNSHINE_ARTIFACTS") or ROOT / "test-artifacts" / "browser")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    reason = f"{' and '.join(missing)} absent: apt-get install chromium chromium-driver"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"browser test cannot run under CI: {reason}")
    pytest.skip(reason)


# --- the data, written in this process ------------------------------------------------------


@dataclass(frozen=True)
class BrandedSite:
    """A sub-site with branding of its own and one published announcement."""

    key: str  # "a", "b": names its pages' artifacts
    tenant: TenantRef
    brand: Branding
    announcement_id: int
    title: str
    body_marker: str

    @property
    def colour(self) -> str:
        return rgb(PALETTE[self.brand.accent])

    @property
    def own_marks(self) -> dict[str, str]:
        """What identifies this sub-site and must not appear on another one."""
        return {
            "display name": self.brand.display_name,
            "registered name": self.tenant.name,
            "accent colour": PALETTE[self.brand.accent],
            "address": self.brand.contact.address,
            "phone": self.brand.contact.phone,
            "e-mail": self.brand.contact.email,
            "filing number": self.brand.filing_number,
            "footer text": self.brand.footer_text,
            "announcement title": self.title,
            "announcement body": self.body_marker,
        }

    @property
    def branding_marks(self) -> dict[str, str]:
        """Only the tokens of its theme (what the main portal must not wear either). Its
        display name is what the main portal calls it as an announcement's source."""
        keys = ("address", "phone", "e-mail", "filing number", "footer text")
        return {k: v for k, v in self.own_marks.items() if k in keys}


async def branded_site(
    app: Litestar,
    hq: Principal,
    run: str,
    *,
    letter: str,
    city: str,
    accent: str,
    phone: str,
    address: str,
) -> BrandedSite:
    authorizer = app.state.authorizer
    tenant = await register_tenant(
        slug=unique_slug(f"browser-{letter.lower()}"),
        name=f"{city}测试分平台{letter}{run}",
        kind=TenantKind.city,
        region_code="370100",
    )
    admin = await new_account(AccountKind.tenant_staff, tenant)
    await grant_role(
        authorizer, hq, account_id=admin.account_id, role="tenant_admin", tenant_id=tenant.id
    )
    digits = f"{uuid.uuid4().int % 10**8:08d}"
    brand = Branding(
        display_name=f"{city}阳光采购{letter}{run}",
        accent=accent,
        contact=Contact(
            address=f"{address}{letter}{run}",
            phone=phone,
            email=f"contact-{letter.lower()}{run}@example.cn",
        ),
        footer_text=f"{city}公共资源交易中心主办 {letter}{run}",
        filing_number=f"鲁ICP备{digits}号",
    )
    await branding.set_tokens(authorizer, admin, tenant, brand)
    title = f"{city}办公设备采购项目招标公告 {letter}{run}"
    body_marker = f"{city}正文{letter}{run}"
    announcement_id = await service.create(
        authorizer,
        admin,
        tenant,
        AnnouncementDraft(
            type=AnnouncementType.tender_notice,
            title=title,
            project_code=f"BRW-{run}-{letter}",
            category=Category.goods,
            method=ProcurementMethod.open_tender,
            region_code="370100",
            body_html=f"<p>{body_marker}</p><p>采购内容：台式计算机 20 台。</p>",
        ),
    )
    await service.publish(authorizer, admin, tenant, announcement_id)
    return BrandedSite(letter.lower(), tenant, brand, announcement_id, title, body_marker)


async def suspended_site(app: Litestar, hq: Principal, run: str) -> TenantRef:
    authorizer = app.state.authorizer
    tenant = await register_tenant(
        slug=unique_slug("browser-c"),
        name=f"丙市测试分平台C{run}",
        kind=TenantKind.city,
        region_code="370100",
    )
    supervisor = await new_account(AccountKind.hq_staff)
    await grant_role(
        authorizer, hq, account_id=supervisor.account_id, role="hq_supervisor", region_code="000000"
    )
    await penalties.impose(
        authorizer,
        supervisor,
        app.state.object_storage,
        tenant.id,
        penalties.PenaltyForm(
            kind=PenaltyKind.suspension, grounds=[2], statement=f"浏览器测试中止 {run}"
        ),
        [penalties.Evidence("e.pdf", b"%PDF-1.7 browser test evidence")],
        RequestContext(),
    )
    return tenant


# --- the server and the browser (synchronous; run in a worker thread) -------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server_process(log_path: Path) -> Iterator[int]:
    """The application in a process of its own on the same data; yields its port."""
    port = free_port()
    env = {**os.environ, "SUNSHINE_PORT": str(port), "SUNSHINE_INSECURE_COOKIES": "1"}
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "infra.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120  # generous: CI machines are busy
            while server.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                server.kill()
                output = log_path.read_text()[-3000:]
                pytest.fail(f"server did not start (exit {server.poll()}): {output}")
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never goes to the network
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(str(CHROMEDRIVER), log_output=str(profile.parent / "chromedriver.log")),
        options=options,
    )
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


@dataclass
class Page:
    name: str
    url: str
    source: str
    text: str
    header_colour: str
    brand: str
    footer: str
    alerts: list[str]
    console_errors: list[str] = field(default_factory=list)


def screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """The whole page, beyond the 1280×900 viewport."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": math.ceil(size["width"]),
                "height": math.ceil(size["height"]),
                "scale": 1,
            },
        },
    )
    data = base64.b64decode(shot["data"])
    assert data.startswith(b"\x89PNG") and len(data) > 2000, f"no real screenshot: {path.name}"
    path.write_bytes(data)


class Browser:
    """Visits pages of http://sunshine.test:<port>, saving each as an artifact."""

    def __init__(self, driver: webdriver.Chrome, port: int, artifacts: Path) -> None:
        self.driver = driver
        self.origin = f"http://{BASE_DOMAIN}:{port}"
        self.artifacts = artifacts
        self.pages: list[Page] = []

    def visit(self, name: str, path: str, *, themed: bool = True, status: int = 200) -> Page:
        """``themed``: the page must be one of the site's own (header, footer, branding).
        ``status``: an error page's own status, which the console reports, is expected."""
        self.driver.get(self.origin + path)
        return self.record(name, themed=themed, status=status)

    def record(self, name: str, *, themed: bool = True, status: int = 200) -> Page:
        d = self.driver
        WebDriverWait(d, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        headers = d.find_elements(By.CSS_SELECTOR, "header.site-header")
        if themed:
            assert headers, f"{name}: no site header at {d.current_url}:\n{d.page_source[:2000]}"
        page = Page(
            name=name,
            url=d.current_url,
            source=d.page_source,
            text=d.find_element(By.TAG_NAME, "body").text,
            header_colour=d.execute_script(
                "return window.getComputedStyle(arguments[0]).backgroundColor", headers[0]
            )
            if headers
            else "",
            brand=" ".join(e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, BRAND)),
            footer=" ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, FOOTER)),
            alerts=[e.text for e in d.find_elements(By.CSS_SELECTOR, '[role="alert"]')],
            console_errors=[
                entry["message"]
                for entry in d.get_log("browser")
                if entry["level"] == "SEVERE"
                and "favicon.ico" not in entry["message"]
                and not (status != 200 and f"with a status of {status}" in entry["message"])
            ],
        )
        screenshot(d, self.artifacts / f"{len(self.pages) + 1:02d}-{name}.png")
        (self.artifacts / f"{len(self.pages) + 1:02d}-{name}.html").write_text(
            page.source, encoding="utf-8"
        )
        self.pages.append(page)
        return page

    def follow(self, name: str, link_text: str) -> Page:
        """Click the link with this text on the current page, as a visitor would."""
        self.driver.find_element(By.LINK_TEXT, link_text).click()
        return self.record(name)


def assert_none_of(other: BrandedSite, page: Page) -> None:
    for what, mark in other.own_marks.items():
        assert mark not in page.source, f"{page.name}: {other.tenant.slug}'s {what} {mark!r}"
    assert page.header_colour != other.colour, f"{page.name}: header in the other's colour"


def assert_wears(site: BrandedSite, page: Page) -> None:
    assert page.header_colour == site.colour, f"{page.name}: header {page.header_colour}"
    assert page.brand == site.brand.display_name, f"{page.name}: brand {page.brand!r}"
    for token in (
        site.brand.contact.address,
        site.brand.contact.phone,
        site.brand.filing_number,
        site.brand.footer_text,
    ):
        assert token in page.footer, f"{page.name}: {token!r} not in the footer {page.footer!r}"
    assert not page.alerts, f"{page.name}: unexpected alert {page.alerts}"
    assert not page.console_errors, f"{page.name}: console errors {page.console_errors}"


def browse(
    port: int,
    artifacts: Path,
    profile: Path,
    run: str,
    a: BrandedSite,
    b: BrandedSite,
    suspended: TenantRef,
) -> list[Page]:
    with chromium(profile) as driver:
        browser = Browser(driver, port, artifacts)

        # The main portal: its own red, every sub-site's announcements with their source.
        main_colour = rgb(PALETTE[DEFAULT_ACCENT])
        home = browser.visit("main-home", "/")
        assert home.header_colour == main_colour, home.header_colour
        assert a.title in home.text and b.title in home.text, "latest announcements missing"
        listing = browser.visit("main-list", f"/announcements?keyword={run}")
        assert listing.header_colour == main_colour, listing.header_colour
        rows = {
            row.find_element(By.CSS_SELECTOR, "td a").text: row.text
            for row in driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
        }
        assert set(rows) == {a.title, b.title}, rows
        for site in (a, b):
            assert site.brand.display_name in rows[site.title], rows[site.title]
        detail = browser.follow("main-detail-a", a.title)
        assert detail.url.endswith(f"/announcements/{a.announcement_id}"), detail.url
        assert a.body_marker in detail.text and detail.header_colour == main_colour
        for page in (home, listing, detail):
            for site in (a, b):
                for what, mark in site.branding_marks.items():
                    assert mark not in page.source, f"{page.name}: {site.tenant.slug}'s {what}"
            assert not page.alerts and not page.console_errors, (page.alerts, page.console_errors)

        # Each sub-site: home, list, a click through to the detail, in its own branding only.
        for site, other in ((a, b), (b, a)):
            root = f"/t/{site.tenant.slug}"
            key = site.key
            pages = [browser.visit(f"{key}-home", f"{root}/")]
            assert site.title in pages[0].text
            pages.append(browser.visit(f"{key}-list", f"{root}/announcements"))
            assert site.title in pages[-1].text
            pages.append(browser.follow(f"{key}-detail", site.title))
            assert pages[-1].url == (
                f"{browser.origin}{root}/announcements/{site.announcement_id}"
            ), pages[-1].url
            assert site.body_marker in pages[-1].text
            for page in pages:
                assert_wears(site, page)
                assert_none_of(other, page)
            # The other sub-site's announcement, asked for here, is "no such announcement",
            # on an error page in this site's own branding.
            missing = browser.visit(
                f"{key}-detail-of-other",
                f"{root}/announcements/{other.announcement_id}",
                status=404,
            )
            assert_wears(site, missing)
            assert re.search("公告不存在|no such announcement", missing.text), missing.text[:500]
            assert_none_of(other, missing)

        # The suspended sub-site says so, and wears nobody else's branding.
        gone = browser.visit("c-suspended-home", f"/t/{suspended.slug}/")
        assert any(SUSPENDED_TEXT in alert for alert in gone.alerts), gone.alerts
        assert gone.brand == suspended.name, gone.brand
        for site in (a, b):
            assert_none_of(site, gone)
        return browser.pages


@pytest.mark.asyncio
async def test_portal_and_sub_sites_in_a_browser(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    run = uuid.uuid4().hex[:8]
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, hq.account_id, command="browser-test")
    a = await branded_site(
        app,
        hq,
        run,
        letter="A",
        city="甲市",
        accent="government-blue",
        phone="0531-12345678",
        address="济南市历下区龙奥北路1号",
    )
    b = await branded_site(
        app,
        hq,
        run,
        letter="B",
        city="乙市",
        accent="jade",
        phone="0532-87654321",
        address="青岛市市南区香港中路9号",
    )
    assert a.colour != b.colour
    suspended = await suspended_site(app, hq, run)

    artifacts = artifacts_dir()
    for old in artifacts.glob("[0-9][0-9]-*"):
        if re.fullmatch(r"\d\d-[a-z-]+\.(png|html)", old.name):
            old.unlink()
    profile = tmp_path / "chromium-profile"
    profile.mkdir()

    def run_browser() -> list[Page]:
        with server_process(tmp_path / "server.log") as port:
            return browse(port, artifacts, profile, run, a, b, suspended)

    try:
        pages = await asyncio.to_thread(run_browser)
    finally:
        for log in ("server.log", "chromedriver.log"):
            if (tmp_path / log).exists():
                shutil.copy(tmp_path / log, artifacts / log)
    shots = [artifacts / f"{n:02d}-{page.name}.png" for n, page in enumerate(pages, 1)]
    assert len(shots) == 12 and all(shot.stat().st_size > 2000 for shot in shots), shots
