"""Steps a person takes in the browser tests: sending a form, signing in."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from core.authz.authorizer import Authorizer
from core.authz.policies import grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef, register_tenant
from core.tenancy.tables import TenantKind
from tests.browser.test_portal_browser import (
    Browser,
    Page,
    artifacts_dir,
    chromium,
    server_process,
)
from tests.conftest import PASSWORD, new_account, unique_slug


def submit(browser: Browser, button: WebElement, name: str, *, status: int = 0) -> Page:
    """Click a form's button and record the page it leads to, once the old one is gone (a
    mark set on the old document is absent from the new one)."""
    d = browser.driver
    d.execute_script("window.__before_submit = true")
    button.click()

    def left(driver: webdriver.Chrome) -> bool:
        try:
            return driver.execute_script("return window.__before_submit === undefined")
        except WebDriverException:  # between the two documents
            return False

    WebDriverWait(d, 30).until(left)
    return browser.record(name, status=status)


def sign_in(browser: Browser, root: str, username: str, password: str = PASSWORD) -> Page:
    """A fresh browser session (one host serves every site in development), then the form."""
    browser.driver.delete_all_cookies()
    browser.visit(f"login-{username[:12]}", f"{root}/login")
    d = browser.driver
    d.find_element(By.ID, "login").send_keys(username)
    d.find_element(By.ID, "password").send_keys(password)
    return submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "signed-in")


def fill(browser: Browser, values: dict[str, str]) -> None:
    """Type into the fields with these ids."""
    for field_id, value in values.items():
        element = browser.driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)


async def walk_in_browser(tmp_path: Path, folder: str, walk: Callable[[Browser], None]) -> None:
    """Serve the application in a process of its own, open Chromium and let ``walk`` go
    through the pages; screenshots and the server's log go to ``<artifacts>/<folder>/``."""
    artifacts = artifacts_dir() / folder
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()

    def run() -> None:
        with server_process(tmp_path / "server.log") as port, chromium(profile) as driver:
            walk(Browser(driver, port, artifacts))

    try:
        await asyncio.to_thread(run)
    finally:
        if (tmp_path / "server.log").exists():
            shutil.copy(tmp_path / "server.log", artifacts / "server.log")


async def sub_site_with_admin(
    authorizer: Authorizer, hq: Principal, slug: str, name: str
) -> tuple[TenantRef, Principal]:
    """A sub-platform (Jinan's region) and its tenant_admin, granted by ``hq``."""
    tenant = await register_tenant(
        slug=unique_slug(slug), name=name, kind=TenantKind.city, region_code="370100"
    )
    admin = await new_account(AccountKind.tenant_staff, tenant)
    await grant_role(
        authorizer, hq, account_id=admin.account_id, role="tenant_admin", tenant_id=tenant.id
    )
    return tenant, admin
