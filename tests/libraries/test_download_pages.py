"""Data downloads through pages: a tenant admin asks with a purpose, head office's admin
decides on the queue page, the requester is told and downloads from the same page."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.approvals.tables import ApprovalRequest
from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.test_console_pages import raw_values


@pytest.mark.asyncio
async def test_a_download_is_asked_decided_and_fetched_through_pages(
    app: Litestar, tenant_a: TenantRef
) -> None:
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, hq.account_id, command="test")
    admin = await new_account(AccountKind.tenant_staff, tenant_a)
    await grant_role(
        app.state.authorizer, hq, account_id=admin.account_id, role="tenant_admin",
        tenant_id=tenant_a.id,
    )  # fmt: skip
    async with (
        client_for(app, f"{tenant_a.slug}.{BASE_DOMAIN}") as asker,
        client_for(app, BASE_DOMAIN) as decider,
    ):
        await sign_in(asker, admin.username)
        await sign_in(decider, hq.username)
        page = await asker.get("/library/downloads/")
        assert page.status_code == 200 and "供应商库" in page.text and raw_values(page.text) == []
        assert "身份证号" not in page.text  # experts' secrets are never offered on a sub-site
        before = await ApprovalRequest.count()
        for fields, message in (
            ({"dataset": "suppliers", "format": "csv", "purpose": "核对"}, "至少 10 个字"),
            ({"dataset": "suppliers", "format": "pdf", "purpose": "核对本地供应商名录信息"},
             "「文件格式」填写不正确"),
            ({"dataset": "nothing", "format": "csv", "purpose": "核对本地供应商名录信息"},
             "没有数据集"),
        ):  # fmt: skip
            refused = await asker.post("/library/downloads/", data=fields)
            assert refused.status_code == 400 and message in refused.text, refused.text[-400:]
        assert await ApprovalRequest.count() == before
        purpose = "核对本地供应商名录，准备年度培训"
        asked = await asker.post(
            "/library/downloads/",
            data={"dataset": "suppliers", "format": "xlsx", "purpose": purpose,
                  "secret_fields": ["contact_phone"]},
        )  # fmt: skip
        assert asked.status_code == 303, asked.text[-600:]
        mine = await asker.get("/library/downloads/")
        assert "已提交" in mine.text and purpose in mine.text and "待审核" in mine.text
        queue = await decider.get("/admin/downloads/")
        assert queue.status_code == 200 and purpose in queue.text and "联系电话" in queue.text
        assert raw_values(queue.text) == []
        row = await ApprovalRequest.select(ApprovalRequest.id).where(
            ApprovalRequest.submitter == admin.account_id
        ).first()  # fmt: skip
        decision = f"/admin/downloads/{row['id']}/decision"
        refused = await decider.post(decision, data={"decision": "reject"})
        assert refused.status_code == 400 and "不予通过时请填写审核意见" in refused.text
        assert (await decider.post(decision, data={"decision": "approve"})).status_code == 303
        assert purpose not in (await decider.get("/admin/downloads/")).text
        mine = await asker.get("/library/downloads/")
        link = f"/api/library/downloads/{row['id']}/file"
        assert "已通过" in mine.text and link in mine.text
        got = await asker.get(link)
        assert got.status_code == 200 and got.content[:2] == b"PK"  # an xlsx
        notices = (await asker.get("/api/notices/")).json()
        assert any("数据下载申请：已通过" in n["subject"] for n in notices)
        assert "待审批的数据下载申请" in (await decider.get("/workbench")).text
