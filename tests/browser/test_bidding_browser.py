"""Bidding, opening and the expert draw walked in a real browser, pages only: a supplier finds
the tender notice, goes to its bid page from there and submits a sealed bid (its receipt shows
the file's digest); once the deadline has passed the tenant admin opens the section from the
project's page, draws the committee's experts, records their answers and starts the
evaluation, which shows the convenor who they are. Screenshots go to ``<artifacts>/bidding/``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By

from tenants.projects.tables import EvaluationResult
from tests.browser.steps import fill, sign_in, submit, walk_in_browser
from tests.browser.test_portal_browser import Browser, require_browser
from tests.conftest import PASSWORD
from tests.libraries.helpers import library_manager, registered_supplier
from tests.libraries.test_experts import expert_form
from tests.portal.helpers import Site, close, draft, new_site
from tests.projects.helpers import purchaser_of, send, tendering_project
from tests.projects.test_bids import past_deadline

BID = b"%PDF-1.4\n% the browser's bid\n"
NOTICE_TITLE = draft()["title"]  # what tendering_project publishes


def button(browser: Browser, action_end: str) -> object:
    return browser.driver.find_element(
        By.CSS_SELECTOR, f'form[action$="{action_end}"] button[type=submit]'
    )


def walk(
    browser: Browser,
    site: Site,
    project_id: int,
    supplier: str,
    bid: Path,
    deadline_passes: object,
    publicity_over: object,
) -> None:
    root, d = f"/t/{site.tenant.slug}", browser.driver

    # The supplier: from the tender notice to its bid page, a sealed bid and its receipt.
    sign_in(browser, root, supplier)
    browser.visit("announcements", f"{root}/announcements")
    browser.follow("notice", NOTICE_TITLE)
    page = browser.follow("bid-page", "递交投标文件")
    assert "第 1 标段" in page.text and "SM4" in page.text, page.text[:600]
    fill(
        browser,
        {
            "price-1": "356,800.00",
            "phone-1": "13905318866",
            "email-1": "bid@example.cn",
            "account-1": "6222020200112233",
        },
    )
    d.find_element(By.ID, "file-1").send_keys(str(bid))
    page = submit(browser, button(browser, "/bids"), "bid-received")
    assert hashlib.sha256(BID).hexdigest() in page.text, page.text[:800]
    assert "投标文件已加密递交" in page.text

    deadline_passes()  # type: ignore[operator]

    # The tenant admin: the opening, then the draw, the answers and the evaluation's start.
    sign_in(browser, root, site.admin.username)
    browser.visit("project", f"{root}/console/projects/{project_id}")
    page = submit(browser, button(browser, "/lots/1/opening"), "opened")
    assert "有效投标 3 家" in page.text and "356,800.00" in page.text, page.text[:1200]
    page = submit(browser, button(browser, "/draws"), "drawn")
    assert "已抽取评标专家" in page.text and "评标开始前保密" in page.text, page.text[:1200]
    for seat in range(5):
        confirm = d.find_elements(By.CSS_SELECTOR, 'form[action$="/answer"] button[value="yes"]')
        refuse = d.find_elements(By.CSS_SELECTOR, 'form[action$="/answer"] button[value="no"]')
        choice = refuse[0] if seat == 0 else confirm[0]  # the first refuses: a redraw
        page = submit(browser, choice, f"answered-{seat}")
    confirm = d.find_elements(By.CSS_SELECTOR, 'form[action$="/answer"] button[value="yes"]')
    page = submit(browser, confirm[0], "committee-complete")
    assert "已组成" in page.text, page.text[:1500]
    page = submit(browser, button(browser, "/reveal"), "evaluation-started")
    assert "评标开始" in page.text and "测试专家" in page.text, page.text[:1500]

    # The convenor's scores, the report; after the publicity, the award and the contract.
    for n, field in enumerate(d.find_elements(By.CSS_SELECTOR, 'input[name^="score."]')):
        field.send_keys(str(50 + n % 7))
    page = submit(browser, button(browser, "/lots/1/evaluation"), "reported")
    assert "评标结果" in page.text and "请先发布中标候选人公示" in page.text, page.text[:1500]
    publicity_over()  # type: ignore[operator]
    browser.visit("publicity-over", f"{root}/console/projects/{project_id}")
    page = submit(browser, button(browser, "/lots/1/award"), "awarded")
    assert "已定标" in page.text and "中标人" in page.text, page.text[:1500]
    fill(browser, {"amount-1": "356800"})
    d.execute_script("document.getElementById('signed-1').valueAsDate = new Date();")
    page = submit(browser, button(browser, "/lots/1/contract"), "contract")
    assert "合同已备案" in page.text, page.text[:1500]
    for seen in browser.pages:
        assert not seen.console_errors, (seen.name, seen.console_errors)


@pytest.mark.asyncio
async def test_bid_open_and_draw_through_pages(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    site = await new_site(app, "投标浏览器测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(3)]
    _, manager = await library_manager(app)
    try:
        project_id = await tendering_project(site.client, buyer)
        for _ in range(6):
            created = await manager.post(
                "/api/library/experts", json=expert_form(specialties=["A0101"])
            )
            assert created.status_code == 201, created.text
        for _, _, client in suppliers[1:]:  # two bids by the API; the third in the browser
            assert (await send(client, project_id, 1, "400000", "标书")).status_code == 303
        bid = tmp_path / "投标文件.pdf"
        bid.write_bytes(BID)
        loop = asyncio.get_running_loop()

        def deadline_passes() -> None:  # from the browser's thread, on the test's loop
            asyncio.run_coroutine_threadsafe(past_deadline(project_id), loop).result(30)

        async def publish_publicity() -> None:  # as the console would; then 3 days pass
            made = await site.client.post(
                "/api/console/announcements",
                json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
            )
            assert made.status_code == 201, made.text
            await site.client.post(f"/api/console/announcements/{made.json()['id']}/publish")
            await EvaluationResult.update(
                {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
            ).where(EvaluationResult.project == project_id)

        def publicity_over() -> None:
            asyncio.run_coroutine_threadsafe(publish_publicity(), loop).result(30)

        supplier = suppliers[0][1]["username"]
        assert suppliers[0][1]["password"] == PASSWORD
        await walk_in_browser(
            tmp_path,
            "bidding",
            lambda b: walk(b, site, project_id, supplier, bid, deadline_passes, publicity_over),
        )
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in suppliers:
            await client.aclose()
        await close(site)
