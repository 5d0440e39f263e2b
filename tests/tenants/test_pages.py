"""The console, applicant and operator pages, driven as a browser without JavaScript would."""

from __future__ import annotations

import html
import re

import pytest
from litestar import Litestar

from core.tenancy.tables import Tenant
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, sign_in, unique_slug, with_csrf
from tests.tenants.helpers import CITY_ITEMS, PDF, application_form, hq_people, main_client_as


@pytest.mark.asyncio
async def test_apply_review_and_supervise_through_the_pages(app: Litestar) -> None:
    hq = await hq_people(app)
    username = unique_slug("page-applicant")
    slug = unique_slug("page")
    async with client_for(app, BASE_DOMAIN) as browser:
        await with_csrf(browser)
        assert (await browser.get("/apply/register")).status_code == 200
        registered = await browser.post(
            "/apply/register",
            data={
                "username": username,
                "password": PASSWORD,
                "display_name": "某市中心",
                "email": "a@example.cn",
            },
        )
        assert registered.status_code == 303
        await sign_in(browser, username)
        bad = await browser.post("/apply/", data={**application_form(slug), "credit_code": "123"})
        assert bad.status_code == 400 and "18" in bad.text
        bad_mail = await browser.post(
            "/apply/", data={**application_form(slug), "contact_email": "not-an-address"}
        )
        assert bad_mail.status_code == 400 and "「联系邮箱」" in bad_mail.text
        assert "msgspec" not in bad_mail.text and "Expected" not in bad_mail.text
        created = await browser.post("/apply/", data=application_form(slug))
        assert created.status_code == 303
        page_url = created.headers["location"]
        application_id = int(page_url.rsplit("/", 1)[1])
        page = await browser.get(page_url)
        assert page.status_code == 200 and "设立申请" in page.text
        refused = await browser.post(f"/apply/{application_id}/submit")
        assert (
            refused.status_code == 400
            and "以下必需材料尚未上传：设立申请、与运营公司签订的合作协议" in refused.text
        )
        wrong = await browser.post(
            f"/apply/{application_id}/materials/application",
            files={"data": ("x.pdf", b"not a pdf", "application/pdf")},
        )
        assert wrong.status_code == 400 and "不符" in wrong.text
        for item in CITY_ITEMS:
            uploaded = await browser.post(
                f"/apply/{application_id}/materials/{item}",
                files={"data": ("m.pdf", PDF, "application/pdf")},
            )
            assert uploaded.status_code == 303
        assert (await browser.post(f"/apply/{application_id}/submit")).status_code == 303

    reviewer = await main_client_as(app, hq["reviewer"])
    supervisor = await main_client_as(app, hq["supervisor"])
    try:
        queue = await reviewer.get("/admin/applications/?state=submitted&kind=city")
        request_id = int(re.search(r'/admin/applications/(\d+)">[^<]*</a>', queue.text)[1])
        review = await reviewer.get(f"/admin/applications/{request_id}")
        assert review.status_code == 200 and "m.pdf" in review.text
        no_list = await reviewer.post(
            f"/admin/applications/{request_id}/decision",
            data={"decision": "return", "problem.agreement": "  "},
        )
        assert no_list.status_code == 400 and "逐项列明" in no_list.text
        reviewer.cookies.set("sunshine_lang", "en")  # the refusal in the reader's language
        english = await reviewer.post(
            f"/admin/applications/{request_id}/decision",
            data={"decision": "return", "problem.agreement": "  "},
        )
        assert english.status_code == 400 and "a return lists every deficiency" in english.text
        assert "逐项列明" not in english.text
        reviewer.cookies.delete("sunshine_lang")
        no_choice = await reviewer.post(f"/admin/applications/{request_id}/decision", data={})
        assert no_choice.status_code == 400 and "请选择审核决定" in no_choice.text
        returned = await reviewer.post(
            f"/admin/applications/{request_id}/decision",
            data={
                "decision": "return",
                "problem.agreement": "未盖章",
                "problem.audit": "缺报告",
                "problem.unknown": "not a checklist item: ignored",
            },
        )
        assert returned.status_code == 303
        history = (await reviewer.get(f"/admin/applications/{request_id}")).text
        assert "与运营公司签订的合作协议：未盖章" in history and "ignored" not in history
        async with client_for(app, BASE_DOMAIN) as browser:
            await sign_in(browser, username)
            mine = await browser.get(f"/apply/{application_id}")
            assert "与运营公司签订的合作协议：未盖章" in mine.text and "缺报告" in mine.text
            notices = (await browser.get("/account/notices/")).text
            assert "· 近三年审计报告及信用证明：缺报告" in notices, notices
            assert (await browser.post(f"/apply/{application_id}/submit")).status_code == 303
        approved = await reviewer.post(
            f"/admin/applications/{request_id}/decision", data={"decision": "approve"}
        )
        assert approved.status_code == 303
        tenant = await Tenant.select(Tenant.id).where(Tenant.slug == slug).first()
        tenants = await supervisor.get("/admin/tenants/?state=active")
        assert slug in tenants.text
        penalty = await supervisor.post(
            f"/admin/tenants/{tenant['id']}/penalties",
            data={"kind": "warning", "grounds": ["2", "5"], "statement": "页面警告"},
            files={"evidence": ("e.pdf", PDF, "application/pdf")},
        )
        assert penalty.status_code == 303, penalty.text
        detail = await supervisor.get(f"/admin/tenants/{tenant['id']}")
        assert "页面警告" in detail.text and "已警告" in detail.text
        assert "损害平台公信力" in detail.text and "harming the platform" not in detail.text
        supervisor.cookies.set("sunshine_lang", "en")  # Art. 27's grounds in English
        english = (await supervisor.get(f"/admin/tenants/{tenant['id']}")).text
        assert "harming the platform's public credibility" in html.unescape(english)
        assert "损害平台公信力" not in english
        supervisor.cookies.delete("sunshine_lang")
        no_grounds = await supervisor.post(
            f"/admin/tenants/{tenant['id']}/penalties",
            data={"kind": "warning", "statement": "无依据"},
            files={"evidence": ("e.pdf", PDF, "application/pdf")},
        )
        assert no_grounds.status_code == 400
    finally:
        await reviewer.aclose()
        await supervisor.aclose()
