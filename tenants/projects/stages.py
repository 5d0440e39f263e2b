"""A project's announcements follow its stage (公告随项目阶段): a registered project opens its
procedure with the one notice its track uses, with a bid deadline no earlier than its method's
statutory period allows; a correction moves that deadline and the clock follows; a candidate
publicity waits for an evaluation report and starts its 3 days, an award notice for an award.
A termination notice (终止公告) ends the whole project, every section, once its notice is out
and before any contract (87号令 29: after the notice, only by a published termination with its
reason); a terminated project takes no further announcement or step (registration.py's
``refuse_terminated``). Called by the announcements service, in its transactions."""

from __future__ import annotations

import datetime as dt

from core.audit.chain import RequestContext, record
from core.errors import DomainError
from core.identity.principal import Principal
from core.identity.tables import Account
from core.libraries.subjects.tables import Subject
from core.notifications.service import notify
from core.richtext import plain_text
from core.tenancy.registry import TenantRef
from core.workdays.service import calendar
from tenants.announcements.tables import OPENS_PROCEDURE, AnnouncementType, Participation
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.opendata import releases
from tenants.projects import evaluation
from tenants.projects.methods import METHODS, Period
from tenants.projects.registration import locked_project, project_in, refuse_terminated
from tenants.projects.scheduling import schedule_openings
from tenants.projects.tables import Bid, Contract, Opening, Project, ProjectState, Track
from themes.i18n import DEFAULT_LOCALE, local, translate

T = AnnouncementType
OPENING: dict[Track, AnnouncementType] = {
    Track.tender: T.tender_notice,
    Track.government: T.procurement_notice,
    Track.enterprise: T.procurement_notice,
}
PUBLICITY = frozenset({T.candidate_publicity, T.deal_result_publicity})
AWARDS = frozenset({T.award_notice, T.deal_notice})
NOT_PROCUREMENT = frozenset({T.grant_notice, T.transfer_notice})


def _refuse(zh: str, en: str, field: str = "project") -> DomainError:
    return DomainError(f"{zh} / {en}", detail={"field": field})


def _type_name(kind: AnnouncementType, locale: str) -> str:
    return translate(f"label.announcement_type.{kind.value}", locale)


async def project_of_announcement(
    tenant: TenantRef,
    project_id: int,
    kind: AnnouncementType,
    deadline: dt.datetime | None,
) -> dict[str, object]:
    """The project an announcement of ``kind`` may belong to now, or a refusal saying why."""
    project = await project_in(tenant, project_id)
    if project["state"] != ProjectState.registered.value:
        raise _refuse("项目尚未完成登记", "the project is not registered yet")
    refuse_terminated(project)
    if kind is T.termination:
        await _may_terminate(tenant, project)
    if kind in NOT_PROCUREMENT:
        raise _refuse("出让、转让公告不属于采购项目", "grant and transfer notices are no purchase")
    if kind in PUBLICITY and not await evaluation.has_results(tenant, project_id):
        raise _refuse(
            "项目尚未完成评标，不能发布结果类公告",
            "no result announcement before the evaluation report",
            "type",
        )
    if kind in AWARDS and not await evaluation.has_awards(tenant, project_id):
        raise _refuse(
            "项目尚未定标，不能发布中标（成交）公告",
            "no award notice before the award",
            "type",
        )
    if kind in OPENS_PROCEDURE:
        wanted = OPENING[Track(project["track"])]
        if kind is not wanted:
            raise _refuse(
                f"本项目应发布「{_type_name(wanted, 'zh-CN')}」",
                f"this project's notice is a {_type_name(wanted, 'en')}",
                "type",
            )
        if project["opening_notice"] is not None:
            raise _refuse(
                "本项目已发布公告，变更请发布更正公告",
                "the project's notice is out: publish a correction",
                "type",
            )
        if deadline is None:
            raise _refuse("请填写投标（响应）截止时间", "the bid deadline is needed", "deadline_at")
    if deadline is not None and kind is T.correction:
        await _may_move(tenant, project)
    if deadline is not None and kind in (*OPENS_PROCEDURE, T.correction):
        await check_deadline(project, kind, deadline, dt.datetime.now(dt.UTC))
    return project


async def _may_terminate(tenant: TenantRef, project: dict[str, object]) -> None:
    """A project is terminated once its tender (procurement) notice is out, and not after a
    contract of it is recorded: then the procurement is done, not ended."""
    if project["opening_notice"] is None:
        raise _refuse(
            "本项目尚未发布招标（采购）公告，无需发布终止公告",
            "no notice is out: there is nothing to terminate",
            "type",
        )
    if await Contract.exists().where(
        (Contract.project == project["id"]) & (Contract.tenant == tenant.id)
    ):
        raise _refuse(
            "本项目已有合同备案，不能终止",
            "a contract of the project is recorded: it is not terminated",
            "type",
        )


async def _may_move(tenant: TenantRef, project: dict[str, object]) -> None:
    """A correction moves the bid deadline only of an opening notice out, before that
    deadline and before any section is opened."""
    deadline = project["bid_deadline"]
    if project["opening_notice"] is None or not isinstance(deadline, dt.datetime):
        raise _refuse(
            "本项目尚未发布招标（采购）公告，没有可变更的截止时间",
            "no notice is out: there is no deadline to move",
            "deadline_at",
        )
    opened = await Opening.exists().where(
        (Opening.project == project["id"]) & (Opening.tenant == tenant.id)
    )
    if opened or deadline <= dt.datetime.now(dt.UTC):
        raise _refuse(
            "投标截止时间已过或已开标，不能再变更截止时间",
            "the deadline has passed or a section is opened: it is not moved",
            "deadline_at",
        )


def _period(project: dict[str, object], kind: AnnouncementType) -> Period:
    rules = METHODS[Method(project["method"])]
    return rules.correction_period if kind is T.correction else rules.bid_period


async def check_deadline(
    project: dict[str, object], kind: AnnouncementType, deadline: dt.datetime, start: dt.datetime
) -> None:
    """Refuse a deadline earlier than the method's statutory period from ``start`` allows."""
    period = _period(project, kind)
    earliest = period.earliest_end(await calendar(), start)
    if deadline < earliest:
        unit_zh, unit_en = ("个工作日", "working days") if period.working else ("日", "days")
        raise _refuse(
            f"截止时间不得早于 {local(earliest)}（至少 {period.days} {unit_zh}）",
            f"the deadline may not be before {local(earliest)} (at least {period.days} {unit_en})",
            "deadline_at",
        )


async def on_published(
    tenant: TenantRef,
    announcement: dict[str, object],
    at: dt.datetime,
    principal: Principal,
    context: RequestContext | None,
) -> None:
    """An opening notice sets the project's bid deadline, a correction with a deadline moves
    it; the period is counted from the publication itself. A correction of a project is also
    its open data's tender amendment; a termination ends the project."""
    project_id, deadline = announcement["project"], announcement["deadline_at"]
    kind = AnnouncementType(announcement["type"])
    if project_id is not None:  # a draft written before the project was terminated
        refuse_terminated(await project_in(tenant, project_id))  # type: ignore[arg-type]
    if project_id is not None and kind in PUBLICITY:
        await evaluation.start_publicity(tenant, project_id, at, principal, context)  # type: ignore[arg-type]
        return
    if project_id is not None and kind is T.termination:
        await _terminate(tenant, project_id, announcement, at, principal, context)  # type: ignore[arg-type]
        return
    if project_id is not None and kind is T.correction:  # open data: the tender amended
        project = await project_in(tenant, project_id)  # type: ignore[arg-type]
        await releases.on_amendment(tenant.id, project, announcement, at)
    if project_id is None or not isinstance(deadline, dt.datetime):
        return
    if kind not in OPENS_PROCEDURE and kind is not T.correction:
        return
    project = await locked_project(tenant, project_id)  # type: ignore[arg-type]
    if kind is T.correction:
        await _may_move(tenant, project)
    if kind in OPENS_PROCEDURE and project["opening_notice"] not in (None, announcement["id"]):
        raise _refuse(  # two drafts: the first published is the notice
            "本项目已发布公告，变更请发布更正公告",
            "the project's notice is out: publish a correction",
            "type",
        )
    await check_deadline(project, kind, deadline, at)
    await schedule_openings(tenant, project_id, deadline)  # type: ignore[arg-type]
    values: dict[object, object] = {Project.bid_deadline: deadline}
    if kind in OPENS_PROCEDURE:
        values[Project.opening_notice] = announcement["id"]
    await Project.update(values).where(  # type: ignore[arg-type]
        (Project.id == project_id) & (Project.tenant == tenant.id)
    )
    if kind in OPENS_PROCEDURE:
        await releases.on_tender(tenant.id, project, announcement, at)
    await record(
        actor=principal.actor,
        action="project.deadline_set" if kind in OPENS_PROCEDURE else "project.deadline_move",
        object=f"project:{project_id}",
        tenant_id=tenant.id,
        context=context,
    )


async def _terminate(
    tenant: TenantRef,
    project_id: int,
    announcement: dict[str, object],
    at: dt.datetime,
    principal: Principal,
    context: RequestContext | None,
) -> None:
    """The termination notice ends the project: checked again under the project's lock (a
    contract recorded since the draft was written refuses it), its open data's tender
    cancelled, and everyone who registered or bid told (service standard 6.5.8)."""
    project = await locked_project(tenant, project_id)
    refuse_terminated(project)
    await _may_terminate(tenant, project)
    await Project.update({Project.terminated_at: at}).where(
        (Project.id == project_id) & (Project.tenant == tenant.id)
    )
    await releases.on_termination(tenant.id, project, announcement, at)
    await _tell_suppliers(tenant, project, announcement)
    await record(
        actor=principal.actor,
        action="project.terminate",
        object=f"project:{project_id}",
        tenant_id=tenant.id,
        context=context,
    )


async def _tell_suppliers(
    tenant: TenantRef, project: dict[str, object], announcement: dict[str, object]
) -> None:
    """A notice to each account that registered (报名) on the project's notice or bid on it."""
    registered = await Participation.select(Participation.subject).where(
        (Participation.announcement == project["opening_notice"])
        & (Participation.tenant == tenant.id)
    )
    subjects = await Subject.select(Subject.account).where(
        Subject.id.is_in([int(str(r["subject"])) for r in registered] or [0])
    )
    bidders = await Bid.select(Bid.submitted_by).where(
        (Bid.project == project["id"]) & (Bid.tenant == tenant.id)
    )
    ids = {int(str(s["account"])) for s in subjects if s["account"] is not None}
    ids |= {int(str(b["submitted_by"])) for b in bidders}
    if not ids:
        return
    accounts = await Account.select(Account.id, Account.email).where(Account.id.is_in(list(ids)))
    words = {
        "title": project["title"],
        "code": project["code"],
        "site": tenant.shown_name,
        "reason": plain_text(str(announcement["body_html"])),
    }
    await notify(
        recipients=[(a["id"], a["email"]) for a in accounts],
        subject=translate("notice.terminated.subject", DEFAULT_LOCALE),
        body=translate("notice.terminated.body", DEFAULT_LOCALE, **words),
        tenant_id=tenant.id,
    )
