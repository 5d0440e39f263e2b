"""A supplier registers once, on sub-site A, and takes part on sub-site B, in a real browser
and through pages only: the registration form on A, head office's library review queue, the
sign-in hint on B's announcement that brings the supplier back to it, the 报名 button, and B's
staff seeing the supplier among the participants. Screenshots go to ``<artifacts>/supplier/``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from core.authz.authorizer import Authorizer
from core.authz.policies import grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tenants.announcements import service
from tenants.announcements.service import AnnouncementDraft
from tenants.announcements.tables import AnnouncementType, Category, ProcurementMethod
from tests.browser.steps import fill, sign_in, sub_site_with_admin, submit, walk_in_browser
from tests.browser.test_portal_browser import (
    Browser,
    require_browser,
)
from tests.conftest import PASSWORD, new_account
from tests.libraries.helpers import credit_code
from tests.tenants.helpers import hq_people


async def sub_site(
    authorizer: Authorizer, hq: Principal, letter: str, key: str, run: str
) -> tuple[TenantRef, Principal, int, str]:
    """A sub-site, its administrator and one open tender notice (its id and title)."""
    tenant, admin = await sub_site_with_admin(
        authorizer, hq, f"browser-sup-{key}", f"{letter}市测试分平台{run}"
    )
    title = f"{letter}市办公家具采购项目招标公告{run}"
    announcement_id = await service.create(
        authorizer,
        admin,
        tenant,
        AnnouncementDraft(
            type=AnnouncementType.tender_notice,
            title=title,
            project_code=f"SUP-{run}-{key}",
            category=Category.goods,
            method=ProcurementMethod.open_tender,
            region_code="370100",
            body_html="<p>采购内容：办公桌椅 50 套。</p>",
            deadline_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20),
        ),
    )
    await service.publish(authorizer, admin, tenant, announcement_id)
    return tenant, admin, announcement_id, title


def walk(
    browser: Browser,
    run: str,
    librarian: Principal,
    a: TenantRef,
    b: tuple[TenantRef, Principal, int, str],
) -> None:
    site_b, admin_b, announcement_id, title = b
    username, name, code = f"supplier-{run}", f"济南明湖办公设备有限公司{run}", credit_code()
    d = browser.driver

    # The supplier registers on sub-site A, in the shared library.
    browser.visit("a-register", f"/t/{a.slug}/suppliers")
    fill(
        browser,
        {
            "credit_code": code,
            "name": name,
            "legal_representative": "李明",
            "address": "济南市历下区明湖路 8 号",
            "contact_name": "张经理",
            "contact_phone": "0531-66668888",
            "contact_email": f"{username}@example.cn",
            "username": username,
            "password": PASSWORD,
            "business_scope": "办公设备、家具销售",
        },
    )
    Select(d.find_elements(By.CSS_SELECTOR, ".region-cascade select")[0]).select_by_visible_text(
        "山东省"
    )
    page = submit(
        browser, d.find_element(By.CSS_SELECTOR, "main form button"), "a-registered", status=201
    )
    assert "注册已提交" in page.text, page.text[:800]

    # Head office's library manager approves it from the review queue.
    sign_in(browser, "", librarian.username)
    browser.visit("library-queue", "/admin/library/")
    browser.follow("library-review", name)
    d.find_element(By.CSS_SELECTOR, 'input[name="decision"][value="approve"]').click()
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/decision"] button')
    page = submit(browser, button, "library-approved")
    assert not page.alerts, page.alerts

    # On sub-site B the supplier finds the announcement, signs in from it, comes back to
    # it and takes part.
    d.delete_all_cookies()
    root = f"/t/{site_b.slug}"
    page = browser.visit("b-announcement", f"{root}/announcements/{announcement_id}")
    assert title in page.text
    browser.follow("b-login-from-announcement", "登录报名")
    fill(browser, {"login": username, "password": PASSWORD})
    page = submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "b-signed-in")
    assert page.url.endswith(f"{root}/announcements/{announcement_id}"), page.url
    button = d.find_element(By.CSS_SELECTOR, 'form[action$="/participation"] button')
    page = submit(browser, button, "b-took-part")
    assert "您已于" in page.text, page.text[:800]

    # The supplier's profile lists it; B's staff see the supplier among the participants.
    page = browser.visit("b-profile", f"{root}/account/profile/")
    assert title in page.text, page.text[:800]
    sign_in(browser, root, admin_b.username)
    page = browser.visit("b-participants", f"{root}/console/announcements/{announcement_id}")
    assert name in page.text, page.text[:800]


@pytest.mark.asyncio
async def test_register_on_one_sub_site_take_part_on_another(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    authorizer = app.state.authorizer
    hq = (await hq_people(app))["admin"]
    librarian = await new_account(AccountKind.hq_staff)
    await grant_role(authorizer, hq, account_id=librarian.account_id, role="hq_library")
    run = uuid.uuid4().hex[:6]
    a, _, _, _ = await sub_site(authorizer, hq, "甲", "a", run)
    b = await sub_site(authorizer, hq, "乙", "b", run)
    await walk_in_browser(tmp_path, "supplier", lambda browser: walk(browser, run, librarian, a, b))
