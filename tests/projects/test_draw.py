"""Expert draw (专家抽取): the committee's make-up, recusal of the purchaser's and the bidders'
employees and of experts a bidder asked to recuse, a seeded order a regulator replays, a
refusal redrawn from that order, identities for the convenor only once the evaluation starts."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.audit.chain import RequestContext
from core.audit.tables import AuditEntry
from core.errors import DomainError
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.experts.tables import Expert
from core.libraries.subjects.tables import Subject
from tenants.projects import draw, opening
from tenants.projects.tables import DrawMember, Project, Purchaser
from tests.libraries.helpers import library_manager, registered_supplier
from tests.libraries.test_experts import expert_form
from tests.portal.helpers import Site, close, new_site
from tests.projects.helpers import purchaser_of, send, tendering_project

REGION = "371703"  # 菏泽市定陶区: the draw's experts, and no other test's
SPECIALTY = "C0101"


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "专家抽取测试分平台")
    yield made
    await close(made)


async def expert(manager: httpx.AsyncClient, employer: str | None = None) -> str:
    form = expert_form(region_code=REGION, specialties=[SPECIALTY])
    if employer:
        form["employer_credit_code"] = employer
    created = await manager.post("/api/library/experts", json=form)
    assert created.status_code == 201, created.text
    return created.json()["code"]


def request(**changes: object) -> draw.DrawRequest:
    values: dict[str, object] = {
        "specialty_code": SPECIALTY,
        "committee_size": 5,
        "region_code": REGION,
        **changes,
    }
    return draw.DrawRequest(**values)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_draw_recuse_redraw_replay_and_reveal(app: Litestar, site: Site) -> None:
    authorizer, context = app.state.authorizer, RequestContext()
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    bidders = [await registered_supplier(app, site) for _ in range(3)]
    _, manager = await library_manager(app)
    try:
        project_id = await tendering_project(site.client, buyer)
        for n, (_, _, client) in enumerate(bidders):
            assert (
                await send(client, project_id, 1, f"{n + 1}0000", f"标书{n}")
            ).status_code == 303
        admin = site.admin
        with pytest.raises(DomainError, match="开标后"):
            await draw.draw(authorizer, admin, site.tenant, project_id, request(), context)
        await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
            Project.id == project_id
        )
        await opening.open_lot(
            authorizer, admin, app.state.object_storage, site.tenant, project_id, 1, context
        )

        bidder_code = (
            await Subject.select(Subject.credit_code).where(Subject.id == bidders[0][0])
        )[0]["credit_code"]
        purchaser_code = (
            await Purchaser.select(Purchaser.credit_code).where(Purchaser.id == buyer.unit_id)
        )[0]["credit_code"]
        employee_of_bidder = await expert(manager, bidder_code)
        employee_of_purchaser = await expert(manager, purchaser_code)
        asked_out = await expert(manager)
        clean = [await expert(manager) for _ in range(6)]
        account = (
            await Account.select(Account.id).where(Account.username == bidders[1][1]["username"])
        )[0]["id"]
        second = Principal(account, bidders[1][1]["username"], AccountKind.supplier)
        await draw.ask_recusal(
            second, site.tenant, project_id, asked_out, "曾为本公司顾问", context
        )

        for bad, words in (
            (request(committee_size=4), "单数"),
            (request(committee_size=5, representatives=2), "三分之二"),
            (request(committee_size=7), "专家不足"),  # 7 needed, 6 in the pool
        ):
            with pytest.raises(DomainError, match=words):
                await draw.draw(authorizer, admin, site.tenant, project_id, bad, context)

        draw_id = await draw.draw(authorizer, admin, site.tenant, project_id, request(), context)
        (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
        assert view.excluded >= 3 and len(view.members) == 5 and view.state == "drawing"
        assert all(m.name is None for m in view.members)  # sealed from the sub-platform
        invited = await DrawMember.select(DrawMember.expert).where(DrawMember.draw == draw_id)
        chosen = set(
            await Expert.select(Expert.code)
            .where(Expert.id.is_in([m["expert"] for m in invited]))
            .output(as_list=True)
        )
        assert not chosen & {employee_of_bidder, employee_of_purchaser, asked_out}
        assert chosen <= set(clean)

        with pytest.raises(DomainError, match="已有进行中的抽取"):
            await draw.draw(authorizer, admin, site.tenant, project_id, request(), context)

        first = view.members[0]
        await draw.answer(
            authorizer, admin, site.tenant, project_id, draw_id, first.id, False, context
        )
        (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
        assert len(view.members) == 5 and first.id not in {m.id for m in view.members}
        with pytest.raises(DomainError, match="尚未组成"):
            await draw.reveal(authorizer, admin, site.tenant, project_id, draw_id, context)
        for member in view.members:
            await draw.answer(
                authorizer, admin, site.tenant, project_id, draw_id, member.id, True, context
            )
        (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
        assert view.state == "complete"
        with pytest.raises(DomainError, match="已组成评标委员会"):
            await draw.draw(authorizer, admin, site.tenant, project_id, request(), context)

        replayed = await draw.replay(site.tenant, project_id, draw_id)
        assert replayed.matches and len(replayed.drawn) == 6 and len(replayed.pool) == 6
        assert draw.seeded_order(replayed.seed, list(reversed(replayed.pool))) == replayed.order
        assert draw.seeded_order("another seed", replayed.pool) != replayed.order

        await draw.reveal(authorizer, admin, site.tenant, project_id, draw_id, context)
        (view,) = await draw.draws_of(authorizer, admin, site.tenant, project_id)
        assert all(m.name and m.name.startswith("测试专家") for m in view.members)
        refused = await DrawMember.select(DrawMember.expert).where(DrawMember.id == first.id)
        stats = await draw.expert_statistics([refused[0]["expert"]])
        assert stats[refused[0]["expert"]] == (1, 1)
        actions = (
            await AuditEntry.select(AuditEntry.action)
            .where(AuditEntry.object == f"project:{project_id}:draw:{draw_id}")
            .output(as_list=True)
        )
        assert {"expert_draw.draw", "expert_draw.redraw", "expert_draw.confirm"} <= set(actions)
        assert "expert_draw.reveal" in actions
    finally:
        await buyer.client.aclose()
        await manager.aclose()
        for _, _, client in bidders:
            await client.aclose()
