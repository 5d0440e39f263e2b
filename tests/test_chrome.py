"""The page chrome every person sees: sign-in bar, navigation they may open, workbench, flash,
and the one message catalogue behind them."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar

from core.approvals import service as approvals
from core.approvals.tables import ApprovalState
from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.tenancy.tables import TenantKind, TenantState
from tenants.announcements.tables import AnnouncementType, Category, ProcurementMethod
from tenants.tables import PenaltyKind
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import close, new_site
from themes.i18n import MESSAGES

HTML = {"accept": "text/html"}


@pytest.mark.parametrize(
    ("group", "values"),
    [
        ("tenant_state", list(TenantState)),
        ("tenant_kind", list(TenantKind)),
        ("account_kind", list(AccountKind)),
        ("penalty_kind", list(PenaltyKind)),
        ("announcement_type", list(AnnouncementType)),
        ("category", list(Category)),
        ("method", list(ProcurementMethod)),
        ("approval_state", list(ApprovalState)),
    ],
)
def test_every_enum_value_has_its_label(group: str, values: list[object]) -> None:
    for value in values:
        zh, en = MESSAGES[f"label.{group}.{getattr(value, 'value', value)}"]
        assert zh and en and zh != en


def test_every_approval_type_has_its_label() -> None:
    for name in approvals.TYPES:
        assert f"label.approval_type.{name}" in MESSAGES


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="console".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


@pytest.mark.asyncio
async def test_navigation_shows_exactly_the_pages_the_person_may_open(app: Litestar) -> None:
    site = await new_site(app, "导航测试分平台")
    staff = await new_account(AccountKind.tenant_staff, site.tenant)
    await grant_role(
        app.state.authorizer,
        site.admin,
        account_id=staff.account_id,
        role="tenant_staff",
        tenant_id=site.tenant.id,
    )
    host = f"{site.tenant.slug}.{BASE_DOMAIN}"
    async with client_for(app, host) as staff_client:
        await sign_in(staff_client, staff.username)
        for client, has, lacks in (
            (site.client, {"/console/announcements", "/console/branding"}, set()),
            (staff_client, {"/console/announcements"}, {"/console/branding", "/roles"}),
        ):
            home = await client.get("/", headers=HTML)
            links = set(_nav_links(home.text))
            assert has <= links and not lacks & links, links
            for link in links:  # never a link that answers 403
                page = await client.get(link, headers=HTML)
                assert page.status_code == 200, (link, page.status_code)
            assert "退出" in home.text and 'action="/logout"' in home.text
    await close(site)


@pytest.mark.asyncio
async def test_head_office_navigation_has_no_link_its_holder_cannot_open(app: Litestar) -> None:
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, admin.account_id, command="chrome-test")
    reviewer = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, admin, account_id=reviewer.account_id, role="hq_reviewer"
    )
    for person in (admin, reviewer):
        async with client_for(app, BASE_DOMAIN) as client:
            await sign_in(client, person.username)
            links = _nav_links((await client.get("/workbench", headers=HTML)).text)
            assert links
            for link in links:
                assert (await client.get(link, headers=HTML)).status_code == 200, link


@pytest.mark.asyncio
async def test_a_signed_in_visitor_is_named_on_portal_pages_and_never_cached_for_others(
    app: Litestar,
) -> None:
    site = await new_site(app, "缓存测试分平台")
    mine = await site.client.get("/", headers=HTML)
    assert site.admin.username in mine.text and "工作台" in mine.text
    theirs = await site.public.get("/", headers=HTML)
    assert site.admin.username not in theirs.text and 'href="/login?next=/"' in theirs.text
    await close(site)
