"""一项一档: the project's archive as a ZIP whose manifest holds every file's digest; opening it
is audited; a regulator whose region covers the tenant reads it from head office's portal,
one whose region does not is answered "not found"; a purchaser does not export it."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from litestar import Litestar

from core.audit.tables import AuditEntry
from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from tenants.projects.archive import verify
from tenants.projects.tables import DrawMember
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in
from tests.portal.helpers import close, new_site
from tests.projects.helpers import evaluating_project


@pytest.mark.asyncio
async def test_the_archive_holds_the_project_in_order_and_verifies(app: Litestar) -> None:
    site = await new_site(app, "一项一档测试分平台")
    project_id, _, bidders, buyer, manager = await evaluating_project(app, site)
    hq = await new_account(AccountKind.hq_staff)
    await grant_first_admin(app.state.authorizer, hq.account_id, command="archive-test")
    near, far = [await new_account(AccountKind.regulator) for _ in range(2)]
    for regulator, region in ((near, "370100"), (far, "370200")):
        await grant_role(
            app.state.authorizer, hq, account_id=regulator.account_id, role="regulator",
            region_code=region,
        )  # fmt: skip
    try:
        answer = await site.client.get(f"/console/projects/{project_id}/archive")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
        data = answer.content
        assert verify(data) == []
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            manifest = json.loads(package.read("manifest.json"))
            trail = json.loads(package.read("07-审计/审计记录.json"))
        folders = [n.split("/", 1)[0] for n in names if n != "manifest.json"]
        assert folders == sorted(folders)  # registration, notices, bids, opening, draw, …
        assert any(n.startswith("01-登记/材料/approval-") for n in names)
        assert any(n.startswith("03-投标/文件/") for n in names)  # opened: decrypted
        assert "05-专家抽取/" in " ".join(names)
        assert {f["path"] for f in manifest["files"]} == set(names) - {"manifest.json"}
        seqs = [e["seq"] for e in trail]
        assert seqs == sorted(seqs) and {"project.create", "bid.open"} <= {
            e["action"] for e in trail
        }
        assert await AuditEntry.exists().where(
            (AuditEntry.action == "archive.export") & (AuditEntry.object == f"project:{project_id}")
        )

        tampered = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(tampered, "w") as copy:
            for name in source.namelist():
                body = source.read(name)
                copy.writestr(name, b"altered" if name == "04-开标/开标记录.json" else body)
        assert verify(tampered.getvalue()) == ["04-开标/开标记录.json"]

        refused = await buyer.client.get(f"/console/projects/{project_id}/archive")
        assert refused.status_code == 403

        for regulator, status in ((near, 200), (far, 404)):
            async with client_for(app, BASE_DOMAIN) as portal:
                assert (await sign_in(portal, regulator.username)).status_code == 200
                listed = await portal.get(f"/admin/tenants/{site.tenant.id}/projects")
                assert listed.status_code == status, listed.text
                got = await portal.get(
                    f"/admin/tenants/{site.tenant.id}/projects/{project_id}/archive"
                )
                assert got.status_code == status
                replayed = await portal.get(
                    f"/admin/tenants/{site.tenant.id}/projects/{project_id}/draws"
                )
                assert replayed.status_code == status
                if status == 200:
                    assert verify(got.content) == [] and "下载 ZIP" in listed.text
                    assert "抽取复现" in listed.text and "复现一致" in replayed.text
                    assert (
                        re.search(r"ZJ\d{6}", replayed.text) and "复现不一致" not in replayed.text
                    )

        # Had the first two invitations been swapped, the replay says so.
        first, second = (
            await DrawMember.select(DrawMember.id, DrawMember.expert)
            .where(DrawMember.tenant == site.tenant.id)
            .order_by(DrawMember.position)
            .limit(2)
        )
        for member, expert in ((first, second["expert"]), (second, first["expert"])):
            await DrawMember.update({DrawMember.expert: expert}).where(
                DrawMember.id == member["id"]
            )
        async with client_for(app, BASE_DOMAIN) as portal:
            assert (await sign_in(portal, near.username)).status_code == 200
            replayed = await portal.get(
                f"/admin/tenants/{site.tenant.id}/projects/{project_id}/draws"
            )
            assert "复现不一致" in replayed.text
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in bidders:
            await client.aclose()
        await close(site)
