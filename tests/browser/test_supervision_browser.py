"""Suspension and reinstatement through the head-office pages, in a real browser: the tenant's
management account is refused while the suspension lasts and works again, as before, after it.

Every step is a page (sign-in forms, the tenant's supervision page, its penalty and
reinstatement forms); nothing is done through the JSON API. Screenshots go to
``<artifacts>/supervision/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from core.authz.policies import grant_first_admin, grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tests.browser.steps import sign_in, sub_site_with_admin, submit, walk_in_browser
from tests.browser.test_portal_browser import (
    Browser,
    require_browser,
)
from tests.conftest import new_account

SUSPENDED = "中止"


def console_works(browser: Browser, root: str, name: str) -> bool:
    page = browser.visit(name, f"{root}/console/branding", status=0)
    return (
        bool(browser.driver.find_elements(By.CSS_SELECTOR, "main form"))
        and not any(SUSPENDED in alert for alert in page.alerts)
        and SUSPENDED not in page.text
    )


def walk(
    browser: Browser,
    tenant: TenantRef,
    admin: Principal,
    supervisor: Principal,
    hq_admin: Principal,
    evidence: Path,
) -> None:
    root = f"/t/{tenant.slug}"
    d = browser.driver
    sign_in(browser, root, admin.username)
    assert console_works(browser, root, "console-before"), "the admin's console is closed"

    # Head office's supervisor suspends the sub-platform, with grounds and evidence.
    sign_in(browser, "", supervisor.username)
    browser.visit("tenant-page", f"/admin/tenants/{tenant.id}")
    Select(d.find_element(By.ID, "kind")).select_by_value("suspension")
    d.find_element(By.CSS_SELECTOR, 'input[name="grounds"][value="2"]').click()
    d.find_element(By.ID, "statement").send_keys("运营程序不规范，中止系统使用权限。")
    d.find_element(By.ID, "evidence").send_keys(str(evidence))
    submit(browser, d.find_element(By.CSS_SELECTOR, "form[enctype] button"), "suspended")
    assert d.find_elements(By.ID, "reinstate-statement"), "no reinstatement form after it"

    sign_in(browser, root, admin.username)
    assert not console_works(browser, root, "console-while-suspended")

    # Head office's administrator reinstates it.
    sign_in(browser, "", hq_admin.username)
    browser.visit("tenant-page-to-reinstate", f"/admin/tenants/{tenant.id}")
    d.find_element(By.ID, "reinstate-statement").send_keys("整改完成，恢复系统使用权限。")
    reinstate = d.find_element(By.CSS_SELECTOR, 'form[action$="/reinstatement"] button')
    submit(browser, reinstate, "reinstated")

    sign_in(browser, root, admin.username)
    assert console_works(browser, root, "console-after"), "reinstatement locked out the admin"


@pytest.mark.asyncio
async def test_suspension_then_reinstatement_in_a_browser(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    authorizer = app.state.authorizer
    hq_admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, hq_admin.account_id, command="browser-supervision")
    supervisor = await new_account(AccountKind.hq_staff)
    await grant_role(
        authorizer,
        hq_admin,
        account_id=supervisor.account_id,
        role="hq_supervisor",
        region_code="370000",
    )
    tenant, admin = await sub_site_with_admin(authorizer, hq_admin, "browser-sup", "监督测试分平台")
    evidence = tmp_path / "证据.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% supervision browser test evidence\n%%EOF\n")
    await walk_in_browser(
        tmp_path,
        "supervision",
        lambda browser: walk(browser, tenant, admin, supervisor, hq_admin, evidence),
    )
