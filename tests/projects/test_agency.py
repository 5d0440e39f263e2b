"""An agency (代理机构) of the shared library entrusted with a project: the purchaser names it by
credit code, its account then sees and registers that project on the sub-platform, another
agency sees nothing of it, and the draw leaves out the agency's employees."""

from __future__ import annotations

import pytest
from litestar import Litestar

from core.libraries.subjects.tables import Subject
from tenants.projects.tables import Project
from tests.conftest import BASE_DOMAIN, client_for, sign_in, with_csrf
from tests.libraries.helpers import approve_subject, credit_code, registration
from tests.portal.helpers import close, new_site
from tests.projects.helpers import PDF, TENDER_ITEMS, draft_project, purchaser_of


async def _agency(app: Litestar, host: str):  # type: ignore[no-untyped-def]
    code = credit_code()
    body = registration(code, name=f"山东测试招标代理{code[-6:]}有限公司")
    public = await with_csrf(client_for(app, host))
    made = await public.post("/api/library/agencies", json=body)
    assert made.status_code == 201, made.text
    await approve_subject(app, made.json()["id"])
    await public.aclose()
    client = client_for(app, host)
    assert (await sign_in(client, body["username"])).status_code == 200
    return code, client


@pytest.mark.asyncio
async def test_an_entrusted_agency_registers_the_project(app: Litestar) -> None:
    site = await new_site(app, "代理机构测试分平台")
    host = f"{site.tenant.slug}.{BASE_DOMAIN}"
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    code, agency = await _agency(app, host)
    _, other = await _agency(app, host)
    try:
        project_id = await draft_project(buyer)
        bad = await buyer.client.post(
            f"/console/projects/{project_id}/entrustment", data={"credit_code": credit_code()}
        )
        assert bad.status_code == 400 and "共享库中没有该代理机构" in bad.text
        entrusted = await buyer.client.post(
            f"/console/projects/{project_id}/entrustment", data={"credit_code": code}
        )
        assert entrusted.status_code == 303
        row = (await Project.select(Project.agency).where(Project.id == project_id))[0]
        assert (
            row["agency"]
            == (await Subject.select(Subject.id).where(Subject.credit_code == code))[0]["id"]
        )

        listed = await agency.get("/console/projects/")
        assert listed.status_code == 200 and f"/console/projects/{project_id}" in listed.text
        assert f"/console/projects/{project_id}" not in (await other.get("/console/projects/")).text
        assert (await other.get(f"/console/projects/{project_id}")).status_code == 404
        for item in TENDER_ITEMS:
            files = {"file": (f"{item}.pdf", PDF, "application/pdf")}
            sent = await agency.post(
                f"/console/projects/{project_id}/materials/{item}", files=files
            )
            assert sent.status_code == 303, sent.text
        stolen = await other.post(
            f"/console/projects/{project_id}/materials/approval",
            files={"file": ("x.pdf", PDF, "application/pdf")},
        )
        assert stolen.status_code == 404
        submitted = await agency.post(f"/console/projects/{project_id}/submission")
        assert submitted.status_code == 303
        state = (await Project.select(Project.state).where(Project.id == project_id))[0]
        assert state["state"] == "submitted"
        late = await buyer.client.post(
            f"/console/projects/{project_id}/entrustment", data={"credit_code": ""}
        )
        assert late.status_code == 400 and "已提交的登记不能修改" in late.text
    finally:
        for client in (buyer.client, agency, other):
            await client.aclose()
        await close(site)
