"""Writing an announcement in the console with the rich-text editor, in a real browser: the
toolbar formats the body, a Word file is attached, the preview shows it as visitors will see
it, publishing needs the confirmation ticked, and the portal shows the formatted body and the
attachment. Screenshots go to ``<artifacts>/editor/``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from core.identity.principal import Principal
from core.tenancy.registry import TenantRef
from tests.browser.steps import fill, sign_in, sub_site_with_admin, submit, walk_in_browser
from tests.browser.test_portal_browser import (
    Browser,
    require_browser,
)
from tests.tenants.helpers import docx, hq_people


def toolbar(browser: Browser, label: str) -> None:
    browser.driver.find_element(
        By.XPATH, f'//div[@class="rich-toolbar"]/button[text()="{label}"]'
    ).click()


def walk(browser: Browser, tenant: TenantRef, admin: Principal, word: Path) -> None:
    root, title = f"/t/{tenant.slug}", f"办公电脑采购项目招标公告{uuid.uuid4().hex[:6]}"
    d = browser.driver
    sign_in(browser, root, admin.username)
    browser.visit("new", f"{root}/console/announcements/new")
    assert not d.find_element(By.ID, "body_html").is_displayed()  # the editor replaces it
    fill(browser, {"title": title, "project_code": "EDIT-2026-001"})
    Select(d.find_element(By.ID, "type")).select_by_visible_text("招标公告")
    editor = d.find_element(By.CSS_SELECTOR, ".rich-editor")
    editor.click()
    editor.send_keys("项目概况")
    toolbar(browser, "小标题")
    editor.send_keys(Keys.END, Keys.ENTER, "采购内容：办公电脑 20 台。")
    toolbar(browser, "正文段落")
    editor.send_keys(Keys.ENTER)
    toolbar(browser, "插入表格")
    browser.record("formatted")
    page = submit(
        browser, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), "saved"
    )
    assert not page.alerts, page.alerts

    d.find_element(By.ID, "file").send_keys(str(word))
    form = d.find_element(By.CSS_SELECTOR, 'form[action$="/attachments"]')
    page = submit(browser, form.find_element(By.TAG_NAME, "button"), "attached")
    assert "招标文件.docx" in page.text and not page.alerts, page.alerts

    browser.follow("preview", "预览并发布")
    body = d.find_element(By.CSS_SELECTOR, "article .body")
    assert body.find_element(By.TAG_NAME, "h3").text == "项目概况"
    assert body.find_elements(By.TAG_NAME, "table"), body.get_attribute("innerHTML")
    # Unticked, the browser keeps the form (the box is required); the server says so too.
    d.find_element(By.CSS_SELECTOR, 'form[action$="/publish"] button').click()
    assert d.current_url.endswith("/preview")
    d.find_element(By.NAME, "confirm").click()
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/publish"] button')
    page = submit(browser, button, "published")
    assert "已发布。" in page.text and title in page.text, page.text[:800]

    page = browser.visit("public", f"{root}/announcements")
    page = browser.follow("public-detail", title)
    public = d.find_element(By.CSS_SELECTOR, "article .body")
    assert public.find_element(By.TAG_NAME, "h3").text == "项目概况"
    assert "采购内容：办公电脑 20 台。" in public.text
    assert d.find_elements(By.LINK_TEXT, "招标文件.docx"), page.text[:800]


@pytest.mark.asyncio
async def test_write_preview_confirm_and_publish_with_the_editor(
    app: Litestar, tmp_path: Path
) -> None:
    require_browser()
    hq = (await hq_people(app))["admin"]
    tenant, admin = await sub_site_with_admin(
        app.state.authorizer, hq, "browser-editor", "编辑器测试分平台"
    )
    word = tmp_path / "招标文件.docx"
    word.write_bytes(docx())
    await walk_in_browser(tmp_path, "editor", lambda browser: walk(browser, tenant, admin, word))


HOSTILE = (
    '<p>正文</p><img src="x" onerror="window.ran = 1"><script>window.ran = 2</script>'
    '<a href=" javascript:window.ran = 3">链接</a><iframe srcdoc="x"></iframe>'
    '<style>p { display: none }</style><object data="x"></object><embed src="x">'
)


def hostile_body(browser: Browser, tenant: TenantRef, admin: Principal) -> None:
    """A body put back into the textarea (as a refused form echoes it) is shown in the editor
    without running anything: handlers, scripts, frames and javascript: links are dropped."""
    root, d = f"/t/{tenant.slug}", browser.driver
    sign_in(browser, root, admin.username)
    browser.visit("new", f"{root}/console/announcements/new")
    toolbar(browser, "HTML 源码")  # the textarea shows; its text goes into the view on return
    d.execute_script("document.getElementById('body_html').value = arguments[0];", HOSTILE)
    toolbar(browser, "HTML 源码")
    d.execute_script("return new Promise(function (done) { setTimeout(done, 300); });")
    assert d.execute_script("return window.ran === undefined;")
    shown = d.find_element(By.CSS_SELECTOR, ".rich-editor").get_attribute("innerHTML")
    assert "正文" in shown and "链接" in shown, shown
    for gone in ("onerror", "<script", "javascript:", "<iframe", "<style", "<object", "<embed"):
        assert gone not in shown, (gone, shown)


@pytest.mark.asyncio
async def test_the_editor_shows_an_echoed_body_inertly(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    hq = (await hq_people(app))["admin"]
    tenant, admin = await sub_site_with_admin(
        app.state.authorizer, hq, "browser-hostile", "编辑器净化测试分平台"
    )
    await walk_in_browser(tmp_path, "editor-inert", lambda b: hostile_body(b, tenant, admin))
