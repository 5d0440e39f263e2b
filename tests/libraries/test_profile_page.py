"""A supplier's own library entry as a page: a rejected registration is mended and sent again,
a qualification is uploaded, bad input is answered in Chinese with nothing changed."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.libraries.subjects.tables import Qualification, Subject
from tests.conftest import BASE_DOMAIN, client_for, sign_in
from tests.libraries.helpers import credit_code, decide_subject, registration
from tests.tenants.helpers import PDF
from tests.test_console_pages import raw_values


@pytest.mark.asyncio
async def test_a_rejected_registration_is_mended_through_the_profile_page(app: Litestar) -> None:
    async with client_for(app, BASE_DOMAIN) as supplier:
        await sign_in(supplier, "nobody-yet")  # fetches the CSRF cookie
        body = registration(credit_code())
        created = await supplier.post("/api/library/suppliers", json=body)
        subject_id = created.json()["id"]
        await decide_subject(app, subject_id, "reject")
        assert (await sign_in(supplier, body["username"])).status_code == 200
        page = await supplier.get("/account/profile/")
        assert page.status_code == 200 and "未通过审核" in page.text
        assert raw_values(page.text) == []
        workbench = await supplier.get("/workbench")
        assert "主体信息审核" in workbench.text and 'href="/account/profile"' in workbench.text
        mended = {**body["profile"], "name": "补正后的测试供应商有限公司"}
        for change, message in (
            ({"contact_email": "not-mail"}, "「电子邮箱」填写不正确"),
            ({"region_code": "37"}, "「所在地区」填写不正确"),
            ({"credit_code": "91370100MA3C4XYZ1Q"}, "统一社会信用代码"),
        ):
            refused = await supplier.post("/account/profile/", data={**mended, **change})
            assert refused.status_code == 400 and message in refused.text, refused.text[-500:]
            assert "Expected" not in refused.text
        state = await Subject.select(Subject.state, Subject.name).where(Subject.id == subject_id)
        assert state[0]["state"] == "rejected" and state[0]["name"] == body["profile"]["name"]
        sent = await supplier.post("/account/profile/", data=mended)
        assert sent.status_code == 303
        page = await supplier.get("/account/profile/")
        assert "已提交服务平台审核" in page.text and "等待服务平台审核" in page.text
        state = await Subject.select(Subject.state).where(Subject.id == subject_id).first()
        assert state == {"state": "pending"}
        bad = await supplier.post(
            "/account/profile/qualifications",
            data={"name": "营业执照", "number": "A-1", "valid_until": "2020-01-01"},
            files={"file": ("licence.pdf", PDF, "application/pdf")},
        )
        assert bad.status_code == 400 and "资质已过期" in bad.text
        assert await Qualification.count().where(Qualification.subject == subject_id) == 0
        good = await supplier.post(
            "/account/profile/qualifications",
            data={"name": "营业执照", "number": "A-1", "valid_until": "2030-01-01"},
            files={"file": ("licence.pdf", PDF, "application/pdf")},
        )
        assert good.status_code == 303, good.text
        page = await supplier.get("/account/profile/")
        assert "营业执照" in page.text and "查看文件" in page.text
