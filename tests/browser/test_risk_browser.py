"""A collusion warning decided through the head-office pages, in a real browser: the queue,
the warning with its evidence in words, and a dismissal with its reason. Screenshots go to
``<artifacts>/risk/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By

from tenants.risk.tables import RiskWarning
from tests.browser.steps import sign_in, submit, walk_in_browser
from tests.browser.test_portal_browser import Browser, require_browser
from tests.portal.helpers import close, new_site
from tests.risk.helpers import opened_section
from tests.tenants.helpers import hq_people

REASON = "两家为同一集团的子公司，由集团统一联系，已核实无串通"


def walk(browser: Browser, username: str, warning_id: int, bidders: list[str]) -> None:
    d = browser.driver
    sign_in(browser, "", username)
    browser.visit("queue", "/admin/risk/?rule=same_contact")
    page = browser.follow("warning", f"#{warning_id}")
    assert "不同投标人的联系人电话或电子邮箱相同" in page.text, page.text[:1200]
    assert "第三十七条" in page.text and "投标联系人电话相同" in page.text
    assert all(name in page.text for name in bidders), page.text[:1200]
    d.find_element(By.CSS_SELECTOR, 'input[name="decision"][value="dismiss"]').click()
    d.find_element(By.ID, "reason").send_keys(REASON)
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/decision"] button')
    page = submit(browser, button, "dismissed")
    assert "已排除" in page.text and REASON in page.text, page.text[:1200]
    assert not d.find_elements(By.ID, "reason"), "the form is still there once decided"
    for seen in browser.pages:
        assert not seen.console_errors, (seen.name, seen.console_errors)


@pytest.mark.asyncio
async def test_a_warning_is_dismissed_with_its_reason_through_pages(
    app: Litestar, tmp_path: Path
) -> None:
    require_browser()
    site = await new_site(app, "风险预警浏览器测试分平台")
    try:
        section = await opened_section(app, site, colluding=True)
        await section.aclose()
    finally:
        await close(site)
    (row,) = await RiskWarning.select(RiskWarning.id).where(
        (RiskWarning.project == section.project_id) & (RiskWarning.rule == "same_contact")
    )
    admin = (await hq_people(app))["admin"]
    await walk_in_browser(
        tmp_path,
        "risk",
        lambda browser: walk(browser, admin.username, row["id"], section.names[:2]),
    )
    (decided,) = await RiskWarning.select(RiskWarning.state, RiskWarning.reason).where(
        RiskWarning.id == row["id"]
    )
    assert decided == {"state": "dismissed", "reason": REASON}
