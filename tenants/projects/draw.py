"""Expert draw (专家抽取) of a project's evaluation committee, from the shared library.

招标投标法 37 and 条例 45–48: a committee of an odd number, at least five on a tender, experts at
least two thirds; drawn at random, nobody designates them. Recusal takes out experts whose
employer is the purchaser or a bidder, and those a bidder asked in writing to recuse (政采条例
9). The seed is recorded with the pool it drew from, so a regulator replays the draw and gets
the same order; a refusal (or no answer) is replaced by the next expert of that order. Who the
experts are stays sealed from the sub-platform until the evaluation starts, and is shown then
to the committee's convenor only. Every step is an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account
from core.libraries.experts.service import draw_pool, names_of
from core.libraries.experts.tables import Expert
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import Subject
from core.tenancy.registry import TenantRef
from tenants.projects.registration import project_in, refuse_terminated
from tenants.projects.tables import (
    Bid,
    BidState,
    DrawMember,
    DrawState,
    ExpertDraw,
    MemberState,
    Opening,
    OpeningState,
    Purchaser,
    RecusalRequest,
    Track,
)


class DrawRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    specialty_code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    committee_size: Annotated[int, msgspec.Meta(ge=3, le=25)]
    representatives: Annotated[int, msgspec.Meta(ge=0, le=8)] = 0
    region_code: Annotated[str, msgspec.Meta(pattern=r"^(\d{6})?$")] = ""
    convenor_id: int | None = None  # the staff member who convenes; the drawer by default


class MemberView(msgspec.Struct):
    id: int
    seat: int  # 1-based, in the order drawn (a refusal's replacement takes the next)
    state: str
    name: str | None = None  # only for the convenor, once revealed
    phone: str | None = None


class DrawView(msgspec.Struct):
    id: int
    state: str
    specialty_code: str
    region_code: str
    committee_size: int
    representatives: int
    experts_needed: int
    excluded: int
    convenor: str
    revealed: bool
    members: list[MemberView]
    created_at: dt.datetime


def seeded_order(seed: str, pool: list[int]) -> list[int]:
    """The draw's order of the pool: by HMAC-SHA256(seed, expert id), so the same seed and pool
    give the same order anywhere (a regulator can replay it with any tool), and nobody can
    steer it without the seed, which is drawn at random at the moment of the draw."""
    key = seed.encode()
    return sorted(pool, key=lambda e: hmac.new(key, str(e).encode(), "sha256").hexdigest())


def _check_size(request: DrawRequest, track: Track) -> int:
    """The experts to draw, once the committee's make-up holds."""
    size, reps = request.committee_size, request.representatives
    minimum = 5 if track is Track.tender else 3
    if size % 2 == 0 or size < minimum:
        raise DomainError(
            f"评标委员会须为 {minimum} 人以上单数 / the committee is an odd number, at least "
            f"{minimum}",
            detail={"field": "committee_size"},
        )
    experts = size - reps
    if experts * 3 < size * 2:
        raise DomainError(
            "专家不得少于成员总数的三分之二 / experts are at least two thirds of the committee",
            detail={"field": "representatives"},
        )
    return experts


async def _employers_to_exclude(tenant: TenantRef, project: dict[str, object]) -> set[str]:
    """The purchaser's, the entrusted agency's and every current bidder's credit code (回避:
    the employer)."""
    purchaser = await Purchaser.select(Purchaser.credit_code).where(
        (Purchaser.id == project["purchaser"]) & (Purchaser.tenant == tenant.id)
    )
    bidder_ids = (
        await Bid.select(Bid.subject)
        .where(
            (Bid.project == project["id"])
            & (Bid.tenant == tenant.id)
            & (Bid.state == BidState.current.value)
        )
        .output(as_list=True)
    )
    entrusted = [project["agency"]] if project["agency"] else []
    bidders = (
        await Subject.select(Subject.credit_code)
        .where(Subject.id.is_in([*bidder_ids, *entrusted] or [0]))
        .output(as_list=True)
    )
    return {*(p["credit_code"] for p in purchaser), *bidders}


async def _may_draw(authorizer: Authorizer, principal: Principal, tenant: TenantRef) -> None:
    await authorize(authorizer, principal, tenant_domain(tenant.id), "expert_draw", "conduct")


async def draw(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    request: DrawRequest,
    context: RequestContext | None = None,
) -> int:
    """Draw the committee's experts; only a project without a running or complete draw (a
    short one may be followed by another)."""
    await _may_draw(authorizer, principal, tenant)
    project = await project_in(tenant, project_id)
    refuse_terminated(project)
    if not await Opening.exists().where(
        (Opening.project == project_id)
        & (Opening.tenant == tenant.id)
        & (Opening.state == OpeningState.opened.value)
    ):
        raise DomainError("开标后方可抽取评标专家 / experts are drawn after an opening")
    needed = _check_size(request, Track(project["track"]))
    convenor = request.convenor_id or principal.account_id
    if not await Account.exists().where(
        (Account.id == convenor) & (Account.tenant == tenant.id) & Account.is_active.eq(True)
    ):
        raise NotFound("召集人账号不存在 / no such convenor", detail={"field": "convenor_id"})
    employers = await _employers_to_exclude(tenant, project)
    recused = set(
        await RecusalRequest.select(RecusalRequest.expert_code)
        .where((RecusalRequest.project == project_id) & (RecusalRequest.tenant == tenant.id))
        .output(as_list=True)
    )
    found = await draw_pool(request.specialty_code, request.region_code or None)
    pool = [
        int(e["id"])  # type: ignore[call-overload]
        for e in found
        if e["employer_credit_code"] not in employers and e["code"] not in recused
    ]
    if len(pool) < needed:
        raise DomainError(
            f"符合条件的专家不足：需 {needed} 名，仅有 {len(pool)} 名 / not enough experts: "
            f"{needed} needed, {len(pool)} in the pool",
            detail={"field": "specialty_code"},
        )
    seed = secrets.token_hex(16)
    order = seeded_order(seed, pool)
    async with write_transaction():
        if await ExpertDraw.exists().where(
            (ExpertDraw.project == project_id)
            & (ExpertDraw.tenant == tenant.id)
            & ExpertDraw.state.is_in([DrawState.drawing.value, DrawState.complete.value])
        ):
            raise DomainError(
                "本项目已有进行中的抽取或已组成评标委员会 / a draw of this project is running or "
                "its committee is complete"
            )
        rows = await ExpertDraw.insert(
            ExpertDraw(
                tenant=tenant.id,
                project=project_id,
                specialty_code=request.specialty_code,
                region_code=request.region_code,
                committee_size=request.committee_size,
                representatives=request.representatives,
                seed=seed,
                pool=json.dumps(sorted(pool)),
                excluded=len(found) - len(pool),
                convenor=convenor,
                created_by=principal.account_id,
            )
        ).returning(ExpertDraw.id)
        draw_id = rows[0]["id"]
        await DrawMember.insert(
            *[
                DrawMember(tenant=tenant.id, draw=draw_id, expert=expert, position=n)
                for n, expert in enumerate(order[:needed])
            ]
        )
        await record(
            actor=principal.actor,
            action="expert_draw.draw",
            object=f"project:{project_id}:draw:{draw_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return draw_id


async def _draw_in(tenant: TenantRef, project_id: int, draw_id: int) -> dict[str, object]:
    row = (
        await ExpertDraw.select()
        .where(
            (ExpertDraw.id == draw_id)
            & (ExpertDraw.project == project_id)
            & (ExpertDraw.tenant == tenant.id)
        )
        .first()
    )
    if row is None:
        raise NotFound("抽取记录不存在 / no such draw")
    return row


async def answer(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    draw_id: int,
    member_id: int,
    accepted: bool,
    context: RequestContext | None = None,
) -> None:
    """Record a drawn expert's answer (confirmed by phone or SMS). A refusal, or no answer,
    invites the next expert of the seeded order; with the order used up the draw is short."""
    await _may_draw(authorizer, principal, tenant)
    async with write_transaction():
        row = await _draw_in(tenant, project_id, draw_id)
        if row["state"] != DrawState.drawing.value:
            raise DomainError("抽取已结束 / the draw is over")
        members = (
            await DrawMember.select()
            .where((DrawMember.draw == draw_id) & (DrawMember.tenant == tenant.id))
            .order_by(DrawMember.position)
        )
        seats = [m for m in members if m["state"] != MemberState.refused.value]
        member = next((m for m in seats if m["id"] == member_id), None)
        if member is None:
            raise NotFound("席位不存在 / no such seat", detail={"field": "member"})
        if member["state"] != MemberState.invited.value:
            raise DomainError("该专家已确认 / this expert has answered")
        now = dt.datetime.now(dt.UTC)
        state = MemberState.accepted if accepted else MemberState.refused
        await DrawMember.update({DrawMember.state: state.value, DrawMember.answered_at: now}).where(
            DrawMember.id == member["id"]
        )
        outcome = "confirm" if accepted else "short"
        if not accepted:
            order = seeded_order(str(row["seed"]), json.loads(str(row["pool"])))
            used = max(m["position"] for m in members)
            if used + 1 < len(order):
                await DrawMember.insert(
                    DrawMember(
                        tenant=tenant.id, draw=draw_id, expert=order[used + 1], position=used + 1
                    )
                )
                outcome = "redraw"
            else:
                await ExpertDraw.update({ExpertDraw.state: DrawState.short.value}).where(
                    ExpertDraw.id == draw_id
                )
                outcome = "short"
        elif all(m["state"] == MemberState.accepted.value for m in seats if m is not member):
            await ExpertDraw.update({ExpertDraw.state: DrawState.complete.value}).where(
                ExpertDraw.id == draw_id
            )
        await record(
            actor=principal.actor,
            action=f"expert_draw.{outcome}",
            object=f"project:{project_id}:draw:{draw_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def reveal(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    draw_id: int,
    context: RequestContext | None = None,
) -> None:
    """The evaluation starts: the committee's identities open to its convenor, and only to
    them. Revealing again changes nothing."""
    await _may_draw(authorizer, principal, tenant)
    async with write_transaction():
        row = await _draw_in(tenant, project_id, draw_id)
        if row["convenor"] != principal.account_id:
            raise Forbidden(
                "仅评标委员会召集人可查看专家身份 / only the convenor sees who they are"
            )
        if row["state"] != DrawState.complete.value:
            raise DomainError("评标委员会尚未组成 / the committee is not complete")
        if row["revealed_at"] is not None:
            return
        await ExpertDraw.update({ExpertDraw.revealed_at: dt.datetime.now(dt.UTC)}).where(
            ExpertDraw.id == draw_id
        )
        await record(
            actor=principal.actor,
            action="expert_draw.reveal",
            object=f"project:{project_id}:draw:{draw_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def draws_of(
    authorizer: Authorizer, principal: Principal, tenant: TenantRef, project_id: int
) -> list[DrawView]:
    """The project's draws, newest first; names only for the convenor of a revealed draw."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "project", "read")
    await project_in(tenant, project_id)
    rows = (
        await ExpertDraw.select(
            *ExpertDraw.all_columns(), ExpertDraw.convenor.display_name.as_alias("convenor_name")
        )
        .where((ExpertDraw.project == project_id) & (ExpertDraw.tenant == tenant.id))
        .order_by(ExpertDraw.id, ascending=False)
    )
    views = []
    for row in rows:
        members = (
            await DrawMember.select()
            .where(DrawMember.draw == row["id"])
            .order_by(DrawMember.position)
        )
        seated = [m for m in members if m["state"] != MemberState.refused.value]
        shown = row["revealed_at"] is not None and row["convenor"] == principal.account_id
        names = await names_of([m["expert"] for m in seated]) if shown else {}
        views.append(
            DrawView(
                id=row["id"],
                state=row["state"],
                specialty_code=row["specialty_code"],
                region_code=row["region_code"],
                committee_size=row["committee_size"],
                representatives=row["representatives"],
                experts_needed=row["committee_size"] - row["representatives"],
                excluded=row["excluded"],
                convenor=row["convenor_name"],
                revealed=row["revealed_at"] is not None,
                members=[
                    MemberView(
                        m["id"],
                        n,
                        m["state"],
                        *(names.get(m["expert"], (None, None))),
                    )
                    for n, m in enumerate(seated, start=1)
                ],
                created_at=row["created_at"],
            )
        )
    return views


class Replay(msgspec.Struct):
    """A draw replayed from its record: the same seed and pool, the same order."""

    seed: str
    pool: list[int]
    order: list[int]
    drawn: list[int]  # the experts invited, in order (refused ones included)
    matches: bool


async def replay(tenant: TenantRef, project_id: int, draw_id: int) -> Replay:
    row = await _draw_in(tenant, project_id, draw_id)
    pool = json.loads(str(row["pool"]))
    order = seeded_order(str(row["seed"]), pool)
    drawn = (
        await DrawMember.select(DrawMember.expert)
        .where(DrawMember.draw == draw_id)
        .order_by(DrawMember.position)
        .output(as_list=True)
    )
    return Replay(str(row["seed"]), pool, order, drawn, order[: len(drawn)] == drawn)


class DrawReplay(msgspec.Struct, frozen=True):
    """A draw as a regulator checks it (抽取复现): the recorded seed and pool, the order they
    give, and whether the experts invited followed it; experts by their anonymous codes."""

    id: int
    created_at: dt.datetime
    specialty_code: str
    region_code: str
    committee_size: int
    excluded: int
    seed: str
    pool: list[str]
    order: list[str]
    drawn: list[str]
    matches: bool


async def replays_of(tenant: TenantRef, project_id: int) -> list[DrawReplay]:
    """Every draw of the project replayed, oldest first (the project is the tenant's)."""
    await project_in(tenant, project_id)
    draws = (
        await ExpertDraw.select()
        .where((ExpertDraw.project == project_id) & (ExpertDraw.tenant == tenant.id))
        .order_by(ExpertDraw.id)
    )
    replays = [await replay(tenant, project_id, d["id"]) for d in draws]
    ids = sorted({e for r in replays for e in r.pool + r.drawn})
    rows = await Expert.select(Expert.id, Expert.code).where(Expert.id.is_in(ids or [0]))
    code = {r["id"]: r["code"] for r in rows}
    return [
        DrawReplay(
            id=d["id"],
            created_at=d["created_at"],
            specialty_code=d["specialty_code"],
            region_code=d["region_code"],
            committee_size=d["committee_size"],
            excluded=d["excluded"],
            seed=r.seed,
            pool=[code[e] for e in r.pool],
            order=[code[e] for e in r.order],
            drawn=[code[e] for e in r.drawn],
            matches=r.matches,
        )
        for d, r in zip(draws, replays, strict=True)
    ]


async def ask_recusal(
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    expert_code: str,
    reason: str,
    context: RequestContext | None = None,
) -> None:
    """A bidder of the project asks in writing that an expert recuse (申请回避)."""
    await project_in(tenant, project_id)
    subject = await own_subject(principal)
    if not await Bid.exists().where(
        (Bid.project == project_id) & (Bid.tenant == tenant.id) & (Bid.subject == subject["id"])
    ):
        raise Forbidden("仅本项目投标人可申请回避 / only the project's bidders ask for recusal")
    if not reason.strip() or len(reason) > 2000:
        raise DomainError("请写明回避理由 / give the reason", detail={"field": "reason"})
    code = expert_code.strip().upper()
    if not code or not await Expert.exists().where(Expert.code == code):
        raise DomainError("专家编号不存在 / no such expert code", detail={"field": "expert_code"})
    async with write_transaction():
        await RecusalRequest.insert(
            RecusalRequest(
                tenant=tenant.id,
                project=project_id,
                subject=subject["id"],
                expert_code=code,
                reason=reason.strip(),
            )
        )
        await record(
            actor=principal.actor,
            action="expert_draw.recusal_request",
            object=f"project:{project_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def expert_statistics(expert_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(times drawn, times refused) by expert, across every sub-platform: head office watches
    repeat selection and refusals."""
    rows = await DrawMember.select(DrawMember.expert, DrawMember.state).where(
        DrawMember.expert.is_in(expert_ids or [0])
    )
    counts: dict[int, tuple[int, int]] = {}
    for r in rows:
        drawn, refused = counts.get(r["expert"], (0, 0))
        counts[r["expert"]] = (drawn + 1, refused + (r["state"] == MemberState.refused.value))
    return counts
