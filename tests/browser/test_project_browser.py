"""Project registration (项目登记) walked in a real browser, pages only: the tenant admin adds a
purchaser unit and opens its staff account; the purchaser replaces the first password,
registers a project, uploads the checklist and submits; the admin takes it and returns it with
one deficiency; the purchaser mends and resubmits; the admin registers it. Screenshots go to
``<artifacts>/projects/``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from core.identity.principal import Principal
from core.tenancy.registry import TenantRef
from tests.browser.steps import fill, sign_in, sub_site_with_admin, submit, walk_in_browser
from tests.browser.test_portal_browser import Browser, require_browser
from tests.conftest import PASSWORD
from tests.libraries.helpers import credit_code
from tests.projects.helpers import NEW_PASSWORD, TENDER_ITEMS
from tests.tenants.helpers import hq_people


def button(browser: Browser, action_end: str) -> object:
    return browser.driver.find_element(
        By.CSS_SELECTOR, f'form[action$="{action_end}"] button[type=submit]'
    )


def walk(browser: Browser, tenant: TenantRef, admin: Principal, pdf: Path) -> None:
    root, d = f"/t/{tenant.slug}", browser.driver
    unit, buyer = f"市第{uuid.uuid4().hex[:4]}实验小学", f"buyer-{uuid.uuid4().hex[:8]}"
    title = "实验小学多媒体教室设备采购"

    # The tenant admin: a purchaser unit, then its staff account.
    sign_in(browser, root, admin.username)
    browser.visit("purchasers", f"{root}/console/purchasers/")
    fill(browser, {"name": unit, "credit_code": credit_code()})
    pickers = d.find_elements(By.CSS_SELECTOR, ".region-cascade select")
    Select(pickers[0]).select_by_visible_text("山东省")
    pickers = d.find_elements(By.CSS_SELECTOR, ".region-cascade select")
    Select(pickers[1]).select_by_visible_text("济南市")
    page = submit(browser, button(browser, "/console/purchasers"), "unit-added")
    assert unit in page.text and not page.alerts, page.alerts
    form = d.find_element(By.XPATH, f'//h2[contains(., "{unit}")]/following-sibling::form[1]')
    for name, value in (("username", buyer), ("display_name", "李经办"), ("password", PASSWORD)):
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    page = submit(browser, form.find_element(By.TAG_NAME, "button"), "account-opened")
    assert "李经办" in page.text and not page.alerts, page.alerts

    # The purchaser: first password replaced, then the registration.
    page = sign_in(browser, root, buyer)
    assert "/account/password" in page.url, page.url
    fill(browser, {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "password-replaced")
    browser.visit("projects", f"{root}/console/projects/")
    browser.follow("new-project", "登记新项目")
    fill(browser, {"title": title, "budget": "386000", "lots": "多媒体设备\n安装与培训"})
    d.find_element(By.CSS_SELECTOR, 'input[name="track"][value="tender"]').click()
    Select(d.find_element(By.ID, "method")).select_by_visible_text("公开招标")
    Select(d.find_element(By.ID, "category")).select_by_visible_text("货物")
    page = submit(browser, button(browser, "/console/projects"), "draft")
    assert title in page.text and "填写中" in page.text and not page.alerts, page.alerts
    page = submit(browser, button(browser, "/submission"), "incomplete", status=400)
    assert "以下必需材料尚未上传" in page.text, page.text[:600]
    for item in TENDER_ITEMS:
        d.find_element(By.ID, f"file-{item}").send_keys(str(pdf))
        page = submit(browser, button(browser, f"/materials/{item}"), f"uploaded-{item}")
        assert not page.alerts, page.alerts
    page = submit(browser, button(browser, "/submission"), "submitted")
    assert "待登记" in page.text and "办结时限" in page.text, page.text[:600]
    project_path = page.url.removeprefix(browser.origin)

    # The admin takes it and returns it with one deficiency, named by its material.
    sign_in(browser, root, admin.username)
    browser.visit("queue", f"{root}/console/projects/")
    page = browser.follow("to-review", title)
    page = submit(browser, button(browser, "/acceptance"), "taken")
    assert "已受理" in page.text, page.text[:600]
    d.find_element(By.CSS_SELECTOR, 'input[name="decision"][value="return"]').click()
    fill(browser, {"problem-requirements": "缺少技术参数表"})
    page = submit(browser, button(browser, "/decision"), "returned")
    assert "退回补正" in page.text, page.text[:600]

    # The purchaser mends it from the notice of the return and resubmits.
    sign_in(browser, root, buyer, NEW_PASSWORD)
    page = browser.visit("mend", project_path)
    assert "缺少技术参数表" in page.text and "招标需求" in page.text, page.text[:800]
    d.find_element(By.ID, "file-requirements").send_keys(str(pdf))
    submit(browser, button(browser, "/materials/requirements"), "mended")
    page = submit(browser, button(browser, "/submission"), "resubmitted")
    assert "待登记" in page.text, page.text[:600]

    # The admin registers it; the purchaser's list says so.
    sign_in(browser, root, admin.username)
    browser.visit("review-again", project_path)
    d.find_element(By.CSS_SELECTOR, 'input[name="decision"][value="approve"]').click()
    page = submit(browser, button(browser, "/decision"), "registered")
    assert "已登记" in page.text, page.text[:600]
    sign_in(browser, root, buyer, NEW_PASSWORD)
    page = browser.visit("buyer-list", f"{root}/console/projects/")
    assert title in page.text and "已登记" in page.text, page.text[:600]
    for seen in browser.pages:
        assert not seen.console_errors, (seen.name, seen.console_errors)


@pytest.mark.asyncio
async def test_register_a_project_through_pages(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    hq = (await hq_people(app))["admin"]
    tenant, admin = await sub_site_with_admin(
        app.state.authorizer, hq, "browser-projects", "项目登记浏览器测试分平台"
    )
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a registration material\n")
    await walk_in_browser(tmp_path, "projects", lambda b: walk(b, tenant, admin, pdf))
