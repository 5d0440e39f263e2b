"""Objections and complaints (异议、投诉): a bidder's objection to the result holds the award
until it is answered; a complaint comes after the answer (or once it is overdue); an objection
to the documents comes at least 10 days before a tender's deadline; only bidders object; the
counts reach head office's supervision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from litestar import Litestar

from core.errors import DomainError
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from tenants.projects import evaluation, objections
from tenants.projects.tables import Bid, EvaluationResult, ObjectionTarget, Project
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import close, draft, new_site
from tests.projects.helpers import (
    CONTEXT,
    evaluating_project,
    purchaser_of,
    send,
    tendering_project,
)


async def _principal(body: dict) -> Principal:
    row = (await Account.select(Account.id).where(Account.username == body["username"]))[0]
    return Principal(row["id"], body["username"], AccountKind.supplier)


@pytest.mark.asyncio
async def test_an_objection_holds_the_award_until_answered(app: Litestar) -> None:
    site = await new_site(app, "异议测试分平台")
    authorizer, admin = app.state.authorizer, site.admin
    project_id, members, bidders, buyer, manager = await evaluating_project(app, site)
    try:
        bidder = await _principal(bidders[1][1])
        with pytest.raises(DomainError, match="投标截止后"):
            await objections.raise_objection(
                bidder,
                site.tenant,
                project_id,
                ObjectionTarget.documents,
                "招标文件限制竞争",
                CONTEXT,
            )
        with pytest.raises(DomainError, match="公示期内"):
            await objections.raise_objection(
                bidder, site.tenant, project_id, ObjectionTarget.result, "评分有误，请复核", CONTEXT
            )
        bids = await Bid.select(Bid.id).where(Bid.project == project_id).output(as_list=True)
        scores = {(m, b): Decimal("50") for m in members for b in bids}
        await evaluation.report(authorizer, admin, site.tenant, project_id, 1, scores, CONTEXT)
        made = await site.client.post(
            "/api/console/announcements",
            json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
        )
        await site.client.post(f"/api/console/announcements/{made.json()['id']}/publish")

        page = await bidders[1][2].post(
            f"/projects/{project_id}/objections",
            data={"target": "result", "text": "第一名的业绩证明材料不实，请复核"},
        )
        assert page.status_code == 303, page.text
        (objection,) = await objections.objections_of(site.tenant, project_id)
        assert objection.state == "pending"
        assert objection.due_at - objection.raised_at == dt.timedelta(days=3)  # a tender
        await EvaluationResult.update(
            {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
        ).where(EvaluationResult.project == project_id)
        with pytest.raises(DomainError, match="待答复的异议"):
            await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        early = await bidders[1][2].post(
            f"/projects/{project_id}/objections/{objection.id}/complaint",
            data={"text": "迟迟未答复，现投诉"},
        )
        assert early.status_code == 400 and "答复期内" in early.text

        outsider = await site.client.post(
            f"/console/projects/{project_id}/objections/{objection.id}/answer", data={"text": "短"}
        )
        assert outsider.status_code == 400 and "5 至 5000 字" in outsider.text
        answered = await site.client.post(
            f"/console/projects/{project_id}/objections/{objection.id}/answer",
            data={"text": "经复核，业绩证明材料真实有效，维持评标结果。"},
        )
        assert answered.status_code == 303
        assert await evaluation.award(authorizer, admin, site.tenant, project_id, 1, CONTEXT)
        complained = await bidders[1][2].post(
            f"/projects/{project_id}/objections/{objection.id}/complaint",
            data={"text": "对答复不满意，向监管部门投诉"},
        )
        assert complained.status_code == 303
        shown = await bidders[1][2].get(f"/projects/{project_id}/bids")
        assert "已投诉" in shown.text and "维持评标结果" in shown.text
        counts = await objections.counts_by_tenant(site.tenant.id)
        assert counts == {"objections": 1, "complaints": 1, "overdue": 0}
        staff_page = await site.client.get(f"/console/projects/{project_id}")
        assert "对评标结果的异议" in staff_page.text
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in bidders:
            await client.aclose()
        await close(site)


@pytest.mark.asyncio
async def test_an_objection_to_the_documents_comes_early_and_holds_the_opening(
    app: Litestar,
) -> None:
    site = await new_site(app, "文件异议测试分平台")
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    _, body, client = await registered_supplier(app, site)
    _, outsider_body, outsider = await registered_supplier(app, site)
    try:
        project_id = await tendering_project(site.client, buyer)
        assert (await send(client, project_id, 1, "1000", "标书")).status_code == 303
        bidder = await _principal(body)
        with pytest.raises(DomainError, match="仅本项目投标人"):
            await objections.raise_objection(
                await _principal(outsider_body),
                site.tenant,
                project_id,
                ObjectionTarget.documents,
                "资格条件限制竞争",
                CONTEXT,
            )
        await objections.raise_objection(
            bidder, site.tenant, project_id, ObjectionTarget.documents, "资格条件限制竞争", CONTEXT
        )
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
        await Project.update({Project.bid_deadline: soon}).where(Project.id == project_id)
        with pytest.raises(DomainError, match="10 日前"):
            await objections.raise_objection(
                bidder, site.tenant, project_id, ObjectionTarget.documents, "另一项异议", CONTEXT
            )
        await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
            Project.id == project_id
        )
        held = await site.client.post(f"/console/projects/{project_id}/lots/1/opening")
        assert held.status_code == 400 and "待答复的异议" in held.text
    finally:
        for c in (buyer.client, client, outsider):
            await c.aclose()
        await close(site)
