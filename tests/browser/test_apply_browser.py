"""An application for a sub-platform from the first page to the running sub-site, in a real
browser and through pages only: the applicant registers and applies, head office returns it
with a deficiency, the applicant mends and resubmits, head office approves, the applicant
follows the invitation from the notices, sets the management account's password, and the
operator confirms its unit and opens its console. Screenshots go to ``<artifacts>/apply/``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from core.identity.principal import Principal
from tests.browser.steps import fill, sign_in, submit, walk_in_browser
from tests.browser.test_portal_browser import (
    Browser,
    require_browser,
)
from tests.conftest import PASSWORD, unique_slug
from tests.tenants.helpers import CITY_ITEMS, PDF, hq_people

OPERATOR_PASSWORD = "Operat0r-Pass"
AGREEMENT = "与运营公司签订的合作协议"


def upload(browser: Browser, item: str, document: Path) -> None:
    d = browser.driver
    d.find_element(By.ID, f"file-{item}").send_keys(str(document))
    form = d.find_element(By.CSS_SELECTOR, f'form[action$="/materials/{item}"]')
    submit(browser, form.find_element(By.TAG_NAME, "button"), f"uploaded-{item}")


def decide(browser: Browser, org_name: str, decision: str, problems: dict[str, str]) -> None:
    browser.visit("review-queue", "/admin/applications/")
    browser.follow("review-page", org_name)
    d = browser.driver
    d.find_element(By.CSS_SELECTOR, f'input[name="decision"][value="{decision}"]').click()
    fill(browser, {f"problem-{item}": problem for item, problem in problems.items()})
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/decision"] button')
    page = submit(browser, button, f"decided-{decision}")
    assert not page.alerts, page.alerts


def walk(browser: Browser, reviewer: Principal, document: Path, run: str) -> None:
    username, slug = f"applicant-{run}", unique_slug("browser-apply")
    org_name = f"临沂市公共资源交易服务中心{run}"
    d = browser.driver

    # The applicant registers and signs in.
    browser.visit("register", "/apply/register")
    fill(
        browser,
        {
            "username": username,
            "display_name": org_name,
            "email": f"{username}@example.cn",
            "password": PASSWORD,
        },
    )
    submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "registered")
    sign_in(browser, "", username)

    # The application: the region by the picker, then every required material.
    browser.visit("apply-form", "/apply/")
    fill(
        browser,
        {
            "org_name": org_name,
            "credit_code": "91330100716105852F",
            "contact_name": "王主任",
            "contact_phone": "0539-88889999",
            "contact_email": f"{username}@example.cn",
            "requested_slug": slug,
        },
    )
    pickers = d.find_elements(By.CSS_SELECTOR, ".region-cascade select")
    Select(pickers[0]).select_by_visible_text("山东省")
    pickers = [p for p in d.find_elements(By.CSS_SELECTOR, ".region-cascade select")]
    Select(pickers[1]).select_by_visible_text("临沂市")
    page = submit(
        browser, d.find_element(By.CSS_SELECTOR, 'form[action="/apply/"] button'), "created"
    )
    assert not page.alerts, page.alerts
    application_path = page.url.removeprefix(browser.origin)
    for item in CITY_ITEMS:
        upload(browser, item, document)
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/submit"] button')
    page = submit(browser, button, "submitted")
    assert "待审核" in page.text or "已提交" in page.text, page.text[:500]

    # Head office returns it with one deficiency, named by its material.
    sign_in(browser, "", reviewer.username)
    decide(browser, org_name, "return", {"agreement": "协议未盖章"})

    # The applicant sees what to mend, mends it and resubmits.
    sign_in(browser, "", username)
    page = browser.visit("returned", application_path)
    assert f"{AGREEMENT}：协议未盖章" in page.text, page.text[:800]
    upload(browser, "agreement", document)
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/submit"] button')
    submit(browser, button, "resubmitted")

    # Head office approves: the sub-platform is provisioned.
    sign_in(browser, "", reviewer.username)
    decide(browser, org_name, "approve", {})

    # The applicant finds the new site and, in the notices, the invitation.
    sign_in(browser, "", username)
    page = browser.visit("approved", application_path)
    assert "分平台已开通" in page.text and f"/t/{slug}/" in page.text, page.text[:800]
    notices = browser.follow("notices", "查看通知")
    assert "协议未盖章" in notices.text  # the return's notice names the material too
    assert f"{AGREEMENT}：协议未盖章" in notices.text, notices.text[:1500]
    invitation = d.find_element(By.CSS_SELECTOR, f'main a[href*="/t/{slug}/invitations/"]')
    invitation.click()
    browser.record("invitation")
    fill(browser, {"password": OPERATOR_PASSWORD})
    page = submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "password-set")
    assert page.url.endswith(f"/t/{slug}/login"), page.url

    # The operator signs in on its sub-site, confirms its unit and opens its console.
    root = f"/t/{slug}"
    sign_in(browser, root, f"{slug}-admin", OPERATOR_PASSWORD)
    browser.visit("operator", f"{root}/operator")
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/operator/confirm"] button')
    page = submit(browser, button, "confirmed")
    assert not d.find_elements(By.CSS_SELECTOR, 'form[action$="/operator/confirm"]')
    page = browser.visit("console", f"{root}/console/branding")
    assert d.find_elements(By.CSS_SELECTOR, "main form"), page.text[:800]
    assert not page.alerts, page.alerts


@pytest.mark.asyncio
async def test_apply_return_resubmit_approve_and_open_the_site(
    app: Litestar, tmp_path: Path
) -> None:
    require_browser()
    reviewer = (await hq_people(app))["reviewer"]
    document = tmp_path / "材料.pdf"
    document.write_bytes(PDF)
    run = uuid.uuid4().hex[:6]
    await walk_in_browser(tmp_path, "apply", lambda b: walk(b, reviewer, document, run))
