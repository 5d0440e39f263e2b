"""The region picker on forms: names, never codes, a choice that survives a refused form, and an
unknown code refused with a Chinese message and nothing written."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from litestar import Litestar

from core.authz.tables import CasbinRule
from core.identity.tables import Account
from core.libraries.subjects.tables import Subject
from core.tenancy.regions import REGIONS
from tenants.tables import Application
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, sign_in, unique_slug, with_csrf
from tests.libraries.helpers import credit_code, registration
from tests.portal.helpers import Site, close, new_site
from tests.tenants.helpers import application_form, hq_people, main_client_as

PICKER = '{% from "_macros.html" import region_picker with context %}'


class _Text(HTMLParser):
    """What a person reads on a page: text outside tags, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown_region_codes(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(re.findall(r"(?<![\w-])\d{6}(?![\w-])", " ".join(parser.parts))) & REGIONS.keys()


def picker(html: str, name: str) -> str:
    match = re.search(rf'<select id="\w+" name="{name}".*?</select>', html, re.S)
    assert match, f"no region picker named {name}"
    return match.group(0)


def render(call: str) -> str:
    from themes import build_environment

    return build_environment().from_string(PICKER + call).render()


def test_the_picker_lists_names_by_province_and_level() -> None:
    counties = render('{{ region_picker("region_code", "370102", required=true) }}')
    assert counties.count("<option") == len(REGIONS)  # every region but 全国, plus the blank
    assert '<optgroup label="山东省">' in counties and "　　历下区" in counties
    assert "<option value=370102 selected>" in counties and counties.count("selected") == 1
    assert "required" in counties and shown_region_codes(counties) == set()
    assert '<option value="">请选择地区</option>' in counties
    cities = render('{{ region_picker("r", levels=2, nationwide=true, blank="不限") }}')
    assert "青岛市" in cities and "历下区" not in cities and "仙桃市" not in cities
    assert "<option value=000000>全国" in cities and "required" not in cities
    assert '<option value="">不限</option>' in cities
    assert len(cities.encode()) < 16_000 < 130_000 > len(counties.encode())
    assert "selected" not in render('{{ region_picker("r", "999999") }}')  # unknown: nothing


@pytest.mark.asyncio
async def test_supplier_form_keeps_the_region_chosen_and_refuses_an_unknown_one(
    app: Litestar,
) -> None:
    site: Site = await new_site(app, "地区选择测试分平台")
    try:
        page = await site.public.get("/suppliers")
        assert page.status_code == 200 and "历下区" in picker(page.text, "region_code")
        assert 'src="/static/region-picker.js?v=' in page.text
        assert shown_region_codes(page.text) == set()
        body = registration(credit_code(), region_code="370202")
        form = {"kind": "supplier", "username": body["username"], "password": PASSWORD}
        form |= body["profile"]
        refused = await site.public.post("/suppliers", data={**form, "credit_code": "1"})
        assert refused.status_code == 400
        assert "<option value=370202 selected>" in picker(refused.text, "region_code")

        unknown = await site.public.post("/suppliers", data={**form, "region_code": "999999"})
        assert unknown.status_code == 400 and "地区代码不存在" in unknown.text
        assert "selected" not in picker(unknown.text, "region_code")
        assert not await Subject.exists().where(
            Subject.credit_code == body["profile"]["credit_code"]
        )
        assert not await Account.exists().where(Account.username == body["username"])
    finally:
        await close(site)


@pytest.mark.asyncio
async def test_application_form_refuses_an_unknown_region(app: Litestar) -> None:
    username, slug = unique_slug("region-applicant"), unique_slug("region")
    async with client_for(app, BASE_DOMAIN) as browser:
        await with_csrf(browser)
        await browser.post(
            "/apply/register",
            data={"username": username, "password": PASSWORD, "display_name": "某市中心"},
        )
        await sign_in(browser, username)
        page = await browser.get("/apply/")
        assert "青岛市" in picker(page.text, "region_code")
        assert "历下区" not in page.text  # a tenant is a city's or a province's
        refused = await browser.post(
            "/apply/", data={**application_form(slug), "region_code": "999999"}
        )
        assert refused.status_code == 400 and "未知地区" in refused.text
        assert "青岛市" in picker(refused.text, "region_code")
        assert not await Application.exists().where(Application.requested_slug == slug)


@pytest.mark.asyncio
async def test_region_grants_by_name_on_the_roles_page(app: Litestar) -> None:
    hq = await hq_people(app)  # the supervisor holds 370000
    admin = await main_client_as(app, hq["admin"])
    try:
        await with_csrf(admin)
        page = await admin.get("/roles/")
        assert page.status_code == 200 and "<option value=000000>全国" in page.text
        assert "山东省" in page.text and shown_region_codes(page.text) == set()
        refused = await admin.post(
            "/roles/",
            data={
                "account_id": str(hq["supervisor"].account_id),
                "role": "hq_supervisor",
                "region_code": "379999",
                "action": "grant",
            },
        )
        assert refused.status_code == 400 and "未知地区" in refused.text
        assert not await CasbinRule.exists().where(CasbinRule.domain == "region:379999")
        tenants = await admin.get("/admin/tenants/")
        assert tenants.status_code == 200 and shown_region_codes(tenants.text) == set()
    finally:
        await admin.aclose()
