"""A supplier's own library entry as a page: a rejected registration is mended and sent again,
a qualification is uploaded, bad input is answered in Chinese with nothing changed."""

from __future__ import annotations

import msgspec
import pytest
from litestar import Litestar

from core.errors import DomainError
from core.libraries.subjects.registration import Profile, check_profile
from core.libraries.subjects.tables import Qualification, Subject
from tests.conftest import BASE_DOMAIN, client_for, sign_in
from tests.libraries.helpers import credit_code, decide_subject, library_manager, registration
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


@pytest.mark.asyncio
async def test_the_controlling_shareholder_is_declared_checked_and_shown(app: Litestar) -> None:
    body = registration(credit_code())
    async with client_for(app, BASE_DOMAIN) as supplier:
        await sign_in(supplier, "nobody-yet")
        created = await supplier.post("/api/library/suppliers", json=body)
        subject_id = created.json()["id"]
        await decide_subject(app, subject_id, "approve")
        assert (await sign_in(supplier, body["username"])).status_code == 200
        page = await supplier.get("/account/profile/")
        assert 'name="controlling_shareholder_code"' in page.text
        holder_code = credit_code()
        bad_code = holder_code[:17] + ("0" if holder_code[17] != "0" else "1")
        own = body["profile"]["credit_code"]
        for change, message in (
            ({"controlling_shareholder_code": bad_code}, "控股股东统一社会信用代码无效"),
            ({"controlling_shareholder_code": holder_code}, "请同时填写其名称"),
            ({"controlling_shareholder_code": own}, "控股股东不能是本单位"),
        ):
            named = "" if "名称" in message else "山东控股集团有限公司"
            holder = {"controlling_shareholder": named}
            refused = await supplier.post(
                "/account/profile/", data={**body["profile"], **holder, **change}
            )
            assert refused.status_code == 400 and message in refused.text, refused.text[-500:]
        stored = await Subject.select(Subject.controlling_shareholder).where(
            Subject.id == subject_id
        )
        assert stored == [{"controlling_shareholder": ""}]
        declared = {
            "controlling_shareholder": " 山东控股集团有限公司 ",
            "controlling_shareholder_code": holder_code.lower(),
        }
        saved = await supplier.post("/account/profile/", data={**body["profile"], **declared})
        assert saved.status_code == 303, saved.text
        stored = await Subject.select(
            Subject.controlling_shareholder, Subject.controlling_shareholder_code, Subject.state
        ).where(Subject.id == subject_id)
        # not a key field: in force at once, no review
        assert stored == [
            {
                "controlling_shareholder": "山东控股集团有限公司",
                "controlling_shareholder_code": holder_code,
                "state": "approved",
            }
        ]
        page = await supplier.get("/account/profile/")
        assert f"山东控股集团有限公司（统一社会信用代码 {holder_code}）" in page.text
    _, manager = await library_manager(app)
    try:
        page = await manager.get(f"/library/subjects/{subject_id}")
        assert page.status_code == 200 and "控股股东" in page.text and holder_code in page.text
    finally:
        await manager.aclose()


@pytest.mark.asyncio
async def test_a_bad_shareholder_code_is_refused_by_its_field() -> None:
    profile = msgspec.convert(
        {
            **registration(credit_code())["profile"],
            "controlling_shareholder": "山东控股集团有限公司",
            "controlling_shareholder_code": "91370100MA0000000X",
        },
        Profile,
    )
    with pytest.raises(DomainError) as refused:
        await check_profile(profile)
    assert refused.value.detail["field"] == "controlling_shareholder_code"
