"""One open tender from registration to archive (issue 13's acceptance): registration returned
→ complete → registered within its clock → tender notice → four bids in time (one withdrawn)
and a late one refused → the scheduler opens the section at the deadline → expert draw with
an expert recused for working for a bidder and one redraw → evaluation → candidate publicity
→ an objection holds the award → answered → award notice → contract → the archive ZIP checked
against its manifest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from litestar import Litestar

from core.errors import DomainError
from core.jobs import service as jobs
from core.jobs.tables import Job
from core.libraries.experts.tables import Expert
from core.libraries.subjects.tables import Subject
from tenants.projects import draw, evaluation
from tenants.projects.archive import verify
from tenants.projects.tables import (
    Bid,
    DrawMember,
    EvaluationResult,
    Lot,
    Opening,
    Project,
)
from tests.libraries.helpers import library_manager, registered_supplier
from tests.libraries.test_experts import expert_form
from tests.portal.helpers import close, draft, new_site
from tests.projects.helpers import (
    CONTEXT,
    TENDER_ITEMS,
    draft_project,
    purchaser_of,
    send,
    upload,
)

REGION, SPECIALTY = "371721", "C0101"  # 曹县: this test's experts only


@pytest.mark.asyncio
async def test_one_open_tender_from_registration_to_archive(app: Litestar) -> None:
    site = await new_site(app, "公开招标全流程测试分平台")
    authorizer, admin, tenant = app.state.authorizer, site.admin, site.tenant
    buyer = await purchaser_of(app, site.client, tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(5)]
    _, manager = await library_manager(app)
    try:
        # Registration: returned with a deficiency, mended, registered within its clock.
        project_id = await draft_project(buyer, lots="")
        for item in TENDER_ITEMS:
            assert (await upload(buyer, project_id, item)).status_code == 303
        submitted = f"/console/projects/{project_id}/submission"
        assert (await buyer.client.post(submitted)).status_code == 303
        decision = f"/console/projects/{project_id}/decision"
        returned = await site.client.post(
            decision, data={"decision": "return", "problem.documents": "评分办法未明确"}
        )
        assert returned.status_code == 303
        assert (await upload(buyer, project_id, "documents")).status_code == 303
        assert (await buyer.client.post(submitted)).status_code == 303
        assert (await site.client.post(decision, data={"decision": "approve"})).status_code == 303
        project = (await Project.select().where(Project.id == project_id))[0]
        assert project["state"] == "registered" and project["registered_at"] <= project["due_at"]

        # The tender notice, four bids in time, one withdrawn.
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=21)
        notice = await site.client.post(
            "/api/console/announcements",
            json=draft(project=project_id, deadline_at=deadline.isoformat()),
        )
        assert notice.status_code == 201, notice.text
        api = "/api/console/announcements"
        assert (await site.client.post(f"{api}/{notice.json()['id']}/publish")).status_code == 200
        for n, (_, _, client) in enumerate(suppliers[:4]):
            assert (
                await send(client, project_id, 1, f"{n + 9}00000", f"标书{n}")
            ).status_code == 303
        withdrawn = await suppliers[3][2].post(f"/projects/{project_id}/bids/1/withdrawal")
        assert withdrawn.status_code == 303

        # The deadline comes: the late bid is refused, the scheduler opens the section.
        now = dt.datetime.now(dt.UTC)
        await Project.update({Project.bid_deadline: now}).where(Project.id == project_id)
        lot = (await Lot.select(Lot.id).where(Lot.project == project_id))[0]
        await Job.update({Job.run_at: now}).where(Job.key == f"lot:{lot['id']}")
        late = await send(suppliers[4][2], project_id, 1, "700000", "迟到")
        assert late.status_code == 400 and "已过" in late.text
        await jobs.run_due(jobs.JobContext(authorizer, app.state.object_storage), "worker")
        opening = (await Opening.select().where(Opening.project == project_id))[0]
        assert opening["state"] == "opened" and opening["bids"] == 3

        # The draw: one expert works for a bidder, one refuses and is replaced.
        bidder_code = (
            await Subject.select(Subject.credit_code).where(Subject.id == suppliers[0][0])
        )[0]["credit_code"]
        insider = expert_form(region_code=REGION, specialties=[SPECIALTY])
        insider["employer_credit_code"] = bidder_code
        assert (await manager.post("/api/library/experts", json=insider)).status_code == 201
        for _ in range(6):
            form = expert_form(region_code=REGION, specialties=[SPECIALTY])
            assert (await manager.post("/api/library/experts", json=form)).status_code == 201
        wanted = draw.DrawRequest(specialty_code=SPECIALTY, committee_size=5, region_code=REGION)
        draw_id = await draw.draw(authorizer, admin, tenant, project_id, wanted, CONTEXT)
        (view,) = await draw.draws_of(authorizer, admin, tenant, project_id)
        assert view.excluded == 1
        first = view.members[0]
        await draw.answer(authorizer, admin, tenant, project_id, draw_id, first.id, False, CONTEXT)
        (view,) = await draw.draws_of(authorizer, admin, tenant, project_id)
        for member in view.members:
            await draw.answer(
                authorizer, admin, tenant, project_id, draw_id, member.id, True, CONTEXT
            )
        drawn = await DrawMember.select(DrawMember.expert).where(DrawMember.draw == draw_id)
        employers = (
            await Expert.select(Expert.employer_credit_code)
            .where(Expert.id.is_in([d["expert"] for d in drawn]))
            .output(as_list=True)
        )
        assert len(drawn) == 6 and bidder_code not in employers
        assert (await draw.replay(tenant, project_id, draw_id)).matches
        await draw.reveal(authorizer, admin, tenant, project_id, draw_id, CONTEXT)

        # Evaluation, candidate publicity, an objection, its answer, the award, the contract.
        (view,) = await draw.draws_of(authorizer, admin, tenant, project_id)
        bids = (
            await Bid.select(Bid.id)
            .where((Bid.project == project_id) & (Bid.state == "current"))
            .output(as_list=True)
        )
        scores = {(m.id, b): Decimal("60") for m in view.members for b in bids}
        ranking = await evaluation.report(authorizer, admin, tenant, project_id, 1, scores, CONTEXT)
        publicity = await site.client.post(
            api, json=draft(type="candidate_publicity", project=project_id, deadline_at=None)
        )
        assert (
            await site.client.post(f"{api}/{publicity.json()['id']}/publish")
        ).status_code == 200
        objected = await suppliers[1][2].post(
            f"/projects/{project_id}/objections",
            data={"target": "result", "text": "第一名报价低于成本，请复核"},
        )
        assert objected.status_code == 303
        await EvaluationResult.update(
            {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
        ).where(EvaluationResult.project == project_id)
        with pytest.raises(DomainError, match="待答复的异议"):
            await evaluation.award(authorizer, admin, tenant, project_id, 1, CONTEXT)
        page = await site.client.get(f"/console/projects/{project_id}")
        objection_id = page.text.split("/objections/")[1].split("/")[0]
        answered = await site.client.post(
            f"/console/projects/{project_id}/objections/{objection_id}/answer",
            data={"text": "经复核，报价不低于成本，维持评标结果。"},
        )
        assert answered.status_code == 303
        winner = await evaluation.award(authorizer, admin, tenant, project_id, 1, CONTEXT)
        assert winner == ranking[0].bidder
        award_notice = await site.client.post(
            api, json=draft(type="award_notice", project=project_id, deadline_at=None)
        )
        assert (
            await site.client.post(f"{api}/{award_notice.json()['id']}/publish")
        ).status_code == 200
        contract = await site.client.post(
            f"/console/projects/{project_id}/lots/1/contract",
            data={"amount": "900,000", "signed_on": dt.date.today().isoformat()},
        )
        assert contract.status_code == 303, contract.text

        # 一项一档.
        archived = await site.client.get(f"/console/projects/{project_id}/archive")
        assert archived.status_code == 200 and verify(archived.content) == []
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in suppliers:
            await client.aclose()
        await close(site)
