"""统计分析 in a real browser: head office's administrator opens the statistics page, picks a
quarter and one sub-platform with the form, and opens the printable quarterly report; the
charts are drawn (SVG, no script) and the screenshots go to ``<artifacts>/statistics/``, to be
looked at."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from litestar import Litestar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from core.authz.policies import grant_first_admin
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.libraries import transactions
from core.statistics import rollups
from core.tenancy.registry import TenantRef
from tenants.announcements.tables import Announcement
from tenants.projects.tables import Project, Purchaser
from tests.browser.steps import sign_in, sub_site_with_admin, submit, walk_in_browser
from tests.browser.test_portal_browser import Browser, require_browser
from tests.conftest import BASE_DOMAIN, client_for, new_account, with_csrf
from tests.libraries.helpers import credit_code, registration
from themes.i18n import BEIJING

YEAR = dt.datetime.now(BEIJING).year - 1  # a whole year behind us: every month has figures
TYPES = ("tender_notice", "procurement_notice", "correction", "award_notice", "deal_notice")
METHODS = ("open_tender", "competitive_negotiation", "request_for_quotation", "single_source")
CATEGORIES = ("goods", "works", "services")


async def _seed(tenant: TenantRef, admin: Principal, subject_id: int, n: int) -> None:
    """A year of a sub-platform's work, written straight to the tables."""
    unit = (
        await Purchaser.insert(
            Purchaser(
                tenant=tenant.id, tenant_code=f"{tenant.id}:{uuid.uuid4().hex[:8]}",
                credit_code=credit_code(), name="市教育局", region_code="370100",
            )
        ).returning(Purchaser.id)
    )[0]["id"]  # fmt: skip
    for month in range(1, 13):
        at = dt.datetime(YEAR, month, 10, 10, tzinfo=BEIJING)
        for k in range(2 + (month * 7 + n) % 6):
            await Announcement.insert(
                Announcement(
                    tenant=tenant.id, type=TYPES[(k + month) % len(TYPES)],
                    title=f"公告{month}-{k}", project_code=f"P{month}", region_code="370100",
                    category=CATEGORIES[k % 3], method=METHODS[(k + n) % 4],
                    body_html="<p>x</p>", state="published", created_by=admin.account_id,
                    published_at=at,
                )
            )  # fmt: skip
        budget = 1_000_000_00 + month * 13_000_00 * (n + 1)
        await Project.insert(
            Project(
                tenant=tenant.id, purchaser=unit, title=f"项目{month}", track="government",
                method=METHODS[month % 4], category=CATEGORIES[month % 3], budget_fen=budget,
                state="registered", created_by=admin.account_id, registered_at=at,
            )
        )  # fmt: skip
        await transactions.add(
            transactions.TransactionEntry(
                tenant_id=tenant.id, section_code=f"B{uuid.uuid4().hex[:12]}-001",
                project_code=f"P{month}", project_title=f"项目{month}", section_title="第一标段",
                track="government", method=METHODS[month % 4], category=CATEGORIES[month % 3],
                purchaser_name="市教育局", purchaser_credit_code="11370100MB0000000X",
                agency_name="", supplier_id=subject_id, supplier_name="某供应商",
                supplier_credit_code="91370100MA0000000Y", budget_fen=budget,
                award_fen=budget * 9 // 10, awarded_at=at + dt.timedelta(days=12),
            )
        )  # fmt: skip


def walk(browser: Browser, hq: Principal, jinan: TenantRef) -> None:
    d = browser.driver
    sign_in(browser, "", hq.username)
    year = browser.visit("statistics-year", f"/admin/statistics/?year={YEAR}")
    assert len(d.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 4, year.text[:500]
    assert not d.find_elements(By.TAG_NAME, "script")
    assert "按月：公告、登记项目与定标标段" in year.source and "济南" in year.text

    Select(d.find_element(By.NAME, "period")).select_by_value("q2")
    Select(d.find_element(By.NAME, "tenant_id")).select_by_value(str(jinan.id))
    quarter = submit(browser, d.find_element(By.CSS_SELECTOR, "form.filters button"), "q2-jinan")
    assert f"{YEAR}年第二季度统计" in quarter.text and "分平台：济南" in quarter.text
    assert d.find_elements(By.CSS_SELECTOR, "figure.chart svg")

    browser.follow("report", "季度统计报告（可打印）")
    report = browser.pages[-1]
    assert f"{YEAR}年第二季度统计报告" in report.text
    assert len(d.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 4


@pytest.mark.asyncio
async def test_statistics_page_and_report_in_a_browser(app: Litestar, tmp_path: Path) -> None:
    require_browser()
    authorizer = app.state.authorizer
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, hq.account_id, command="browser-statistics")
    jinan, jinan_admin = await sub_site_with_admin(authorizer, hq, "stat-jn", "济南统计分平台")
    zibo, zibo_admin = await sub_site_with_admin(authorizer, hq, "stat-zb", "淄博统计分平台")
    async with client_for(app, BASE_DOMAIN) as portal:  # the awards' supplier
        await with_csrf(portal)
        made = await portal.post("/api/library/suppliers", json=registration(credit_code()))
        assert made.status_code == 201, made.text
    subject_id = made.json()["id"]
    await _seed(jinan, jinan_admin, subject_id, 0)
    await _seed(zibo, zibo_admin, subject_id, 1)
    await rollups.rebuild()
    await walk_in_browser(tmp_path, "statistics", lambda browser: walk(browser, hq, jinan))
