"""Project registration (项目登记), service standard 6.2.

A purchaser's staff register a project with its method's materials; the sub-platform's staff
review it through the one approval mechanism: all deficiencies returned at once (一次性告知),
a named service owner (受理人), and a due time at the end of the second working day after the
materials were complete (6.2.4). Every lookup takes the tenant, and another tenant's project is
"not found", like a missing one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from piccolo.engine.postgres import PostgresEngine

from core.approvals import service as approvals
from core.audit.chain import RequestContext, record
from core.audit.labels import register_object_label, word_label
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import get_engine, write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.subjects.credit import blacklisted
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import Subject, SubjectKind, SubjectState
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.registry import TenantRef
from core.workdays.service import calendar
from tenants.announcements.tables import Category
from tenants.announcements.tables import ProcurementMethod as Method
from tenants.materials import GENERAL, ChecklistItem, check_file
from tenants.projects.methods import checklist, every_item, rules_of
from tenants.projects.purchasers import unit_of
from tenants.projects.tables import Lot, Project, ProjectMaterial, ProjectState, Track
from themes.i18n import in_locale

REGISTRATION_TYPE = "project_registration"
REGISTRATION_DAYS = 2  # working days, once the materials are complete (service standard 6.2.4)
NO_SUCH_PROJECT = "项目不存在 / no such project"
EDITABLE = (ProjectState.draft.value, ProjectState.returned.value)


class ProjectDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=4, max_length=200)]
    track: Track
    method: Method
    category: Category
    budget_fen: Annotated[int, msgspec.Meta(gt=0, le=10**15)]
    lots: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=2, max_length=200)]],
        msgspec.Meta(max_length=99),
    ] = []


async def registrant(authorizer: Authorizer, principal: Principal, tenant: TenantRef) -> int:
    """The unit a purchaser's account registers for; refused for anyone else."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "project", "register")
    unit = await unit_of(principal, tenant)
    if unit is None:
        raise Forbidden("您的账号未关联采购人单位 / your account acts for no purchaser unit")
    return unit


async def create_project(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    draft: ProjectDraft,
    context: RequestContext,
) -> int:
    """A draft registration with its lots; its code is given at once."""
    unit = await registrant(authorizer, principal, tenant)
    if rules_of(draft.track, draft.method) is None:
        raise DomainError(
            "该采购方式不适用于所选类型 / this method is not used on this track",
            detail={"field": "method"},
        )
    titles = [t.strip() for t in draft.lots if t.strip()] or [draft.title.strip()]
    async with write_transaction():
        rows = await Project.insert(
            Project(
                tenant=tenant.id,
                purchaser=unit,
                title=draft.title.strip(),
                track=draft.track.value,
                method=draft.method.value,
                category=draft.category.value,
                budget_fen=draft.budget_fen,
                created_by=principal.account_id,
            )
        ).returning(Project.id)
        project_id = rows[0]["id"]
        year = dt.datetime.now(dt.UTC).year
        code = f"{tenant.region_code or '000000'}{year}{project_id:08d}"
        await Project.update({Project.code: code}).where(Project.id == project_id)
        await Lot.insert(
            *[
                Lot(tenant=tenant.id, project=project_id, number=n, title=title)
                for n, title in enumerate(titles, start=1)
            ]
        )
        await record(
            actor=principal.actor,
            action="project.create",
            object=f"project:{project_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return project_id


async def project_in(tenant: TenantRef, project_id: int) -> dict[str, object]:
    row = (
        await Project.select()
        .where((Project.id == project_id) & (Project.tenant == tenant.id))
        .first()
    )
    if row is None:
        raise NotFound(NO_SUCH_PROJECT)
    return row


def refuse_terminated(project: dict[str, object]) -> None:
    """A terminated project (终止公告 published) takes no further step: no 报名, bid, opening,
    draw, evaluation, award or contract, and no further announcement."""
    if project["terminated_at"] is not None:
        raise DomainError(
            "本项目已终止（已发布终止公告），不再进行任何采购活动 / the project is terminated "
            "(its termination notice is published): nothing of it goes on",
            detail={"field": "project"},
        )


async def locked_project(tenant: TenantRef, project_id: int) -> dict[str, object]:
    """The project, its row locked until the transaction ends (SQLite: the write lock that
    ``write_transaction`` takes at BEGIN does it): for read-then-write steps."""
    if isinstance(get_engine(), PostgresEngine):
        await Project.raw(
            "SELECT id FROM project WHERE id = {} AND tenant = {} FOR UPDATE",
            project_id,
            tenant.id,
        )
    return await project_in(tenant, project_id)


async def lot_in(tenant: TenantRef, project_id: int, number: int) -> dict[str, object]:
    """The project's section of that number (标段), of this tenant."""
    lot = (
        await Lot.select()
        .where((Lot.project == project_id) & (Lot.number == number) & (Lot.tenant == tenant.id))
        .first()
    )
    if lot is None:
        raise NotFound("标段不存在 / no such section")
    return lot


async def agent_of(authorizer: Authorizer, principal: Principal, tenant: TenantRef) -> int:
    """The library entry of an agency's account, acting for the projects it is entrusted with."""
    await authorize(authorizer, principal, tenant_domain(tenant.id), "project", "act_as_agent")
    return int((await own_subject(principal))["id"])  # type: ignore[call-overload]


async def _own_project(
    authorizer: Authorizer, principal: Principal, tenant: TenantRef, project_id: int
) -> dict[str, object]:
    """A project of the registrant's own unit, or one its agency is entrusted with (another's
    is "not found")."""
    if principal.kind is AccountKind.agency:
        agency = await agent_of(authorizer, principal, tenant)
        project = await project_in(tenant, project_id)
        if project["agency"] != agency:
            raise NotFound(NO_SUCH_PROJECT)
        return project
    unit = await registrant(authorizer, principal, tenant)
    project = await project_in(tenant, project_id)
    if project["purchaser"] != unit:
        raise NotFound(NO_SUCH_PROJECT)
    return project


async def entrust(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    credit_code: str,
    context: RequestContext,
) -> None:
    """The purchaser entrusts a reviewed agency of the shared library with its project (委托代理);
    an empty code takes the entrustment back. Only while the registration may be changed."""
    unit = await registrant(authorizer, principal, tenant)
    agency_id = None
    if credit_code.strip():
        agency = (
            await Subject.select(Subject.id, Subject.state)
            .where(
                (Subject.credit_code == credit_code.strip().upper())
                & (Subject.kind == SubjectKind.agency.value)
            )
            .first()
        )
        if agency is None or agency["state"] != SubjectState.approved.value:
            raise DomainError(
                "共享库中没有该代理机构，或尚未通过审核 / no reviewed agency with this credit code",
                detail={"field": "credit_code"},
            )
        if await blacklisted(agency["id"]) is not None:
            raise Forbidden("该代理机构已被列入黑名单 / the agency is blacklisted")
        agency_id = agency["id"]
    async with write_transaction():
        project = await locked_project(tenant, project_id)
        if project["purchaser"] != unit:
            raise NotFound(NO_SUCH_PROJECT)
        if project["state"] not in EDITABLE:
            raise DomainError("已提交的登记不能修改 / a submitted registration cannot be changed")
        await Project.update({Project.agency: agency_id}).where(Project.id == project_id)
        await record(
            actor=principal.actor,
            action="project.entrust",
            object=f"project:{project_id}",
            tenant_id=tenant.id,
            context=context,
        )


def checklist_of(project: dict[str, object]) -> tuple[ChecklistItem, ...]:
    return checklist(Track(project["track"]), Method(project["method"]))


async def upload_material(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    project_id: int,
    item: str,
    filename: str,
    data: bytes,
    context: RequestContext,
) -> None:
    """Store one checklist item's file, replacing an earlier one. A refused file stores
    nothing; a failed write leaves no row pointing at a missing object."""
    project = await _own_project(authorizer, principal, tenant, project_id)
    if project["state"] not in EDITABLE:
        raise DomainError("已提交的登记不能修改 / a submitted registration cannot be changed")
    if item not in {i.code for i in checklist_of(project)}:
        raise DomainError("清单中没有此项 / no such checklist item", detail={"field": "item"})
    extension, content_type = check_file(filename, data)
    key = ObjectKey.for_tenant(
        tenant.id, "projects", str(project_id), f"{item}-{uuid.uuid4().hex}.{extension}"
    )
    await storage.put(key, data, content_type)
    try:
        async with write_transaction():
            previous = await ProjectMaterial.select(
                ProjectMaterial.id, ProjectMaterial.object_key
            ).where((ProjectMaterial.project == project_id) & (ProjectMaterial.item == item))
            if previous:
                await ProjectMaterial.delete().where(
                    ProjectMaterial.id.is_in([p["id"] for p in previous])
                )
            await ProjectMaterial.insert(
                ProjectMaterial(
                    tenant=tenant.id,
                    project=project_id,
                    item=item,
                    filename=filename[:200],
                    content_type=content_type,
                    size=len(data),
                    object_key=key.value,
                )
            )
            await record(
                actor=principal.actor,
                action="project.material_upload",
                object=f"project:{project_id}:{item}",
                tenant_id=tenant.id,
                context=context,
            )
    except BaseException:
        await discard(storage, key)
        raise
    for old in previous:
        await discard(storage, ObjectKey(old["object_key"]))


async def submit_project(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    context: RequestContext,
) -> None:
    """Submit (or, once returned, resubmit). Every missing required item is named at once;
    once complete the clock starts again: due at the end of the 2nd working day after."""
    project = await _own_project(authorizer, principal, tenant, project_id)
    uploaded = set(
        await ProjectMaterial.select(ProjectMaterial.item)
        .where(ProjectMaterial.project == project_id)
        .output(as_list=True)
    )
    missing = [i for i in checklist_of(project) if i.required and i.code not in uploaded]
    if missing:
        raise DomainError(
            "以下必需材料尚未上传："
            + "、".join(in_locale(i.title, "zh-CN") for i in missing)
            + " / required materials are missing: "
            + "; ".join(in_locale(i.title, "en") for i in missing),
            detail={"field": "materials", "missing": [i.code for i in missing]},
        )
    now = dt.datetime.now(dt.UTC)
    due = (await calendar()).due_after(now, REGISTRATION_DAYS)
    async with write_transaction():
        state = (await locked_project(tenant, project_id))["state"]  # again, under the lock
        if state == ProjectState.returned.value:
            await approvals.resubmit(project["request_id"], principal, context)  # type: ignore[arg-type]
            request_id = project["request_id"]
        elif state == ProjectState.draft.value:
            request_id = await approvals.submit(
                type=REGISTRATION_TYPE,
                subject=f"project:{project_id}",
                submitter=principal,
                tenant_id=tenant.id,
                context=context,
            )
        else:
            raise DomainError("该项目登记已提交 / this registration is already submitted")
        await Project.update(
            {
                Project.state: ProjectState.submitted.value,
                Project.complete_at: now,
                Project.due_at: due,
                Project.request_id: request_id,
            }
        ).where(Project.id == project_id)


async def _may_review(authorizer: Authorizer, principal: Principal, tenant: TenantRef) -> None:
    await authorize(
        authorizer, principal, tenant_domain(tenant.id), f"approval:{REGISTRATION_TYPE}", "decide"
    )


async def accept(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    context: RequestContext,
) -> None:
    """Take a submitted registration as its service owner (受理). Taking one's own again
    changes nothing; one another person holds is refused with their name."""
    await _may_review(authorizer, principal, tenant)
    async with write_transaction():
        project = await locked_project(tenant, project_id)
        if project["state"] != ProjectState.submitted.value:
            raise DomainError("只有待登记的项目可以受理 / only a submitted registration is taken")
        owner = project["service_owner"]
        if owner == principal.account_id:
            return
        if owner is not None:
            name = await _name(owner)  # type: ignore[arg-type]
            raise Forbidden(f"已由{name}受理 / {name} already took it")
        await Project.update({Project.service_owner: principal.account_id}).where(
            Project.id == project_id
        )
        await record(
            actor=principal.actor,
            action="project.accept",
            object=f"project:{project_id}",
            tenant_id=tenant.id,
            context=context,
        )


async def decide(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    project_id: int,
    decision: approvals.Decision,
    *,
    deficiencies: list[approvals.Deficiency],
    note: str,
    context: RequestContext,
) -> None:
    """Register, return with every deficiency, or refuse: only by the service owner (the
    decider becomes it when nobody has taken the registration yet)."""
    await _may_review(authorizer, principal, tenant)
    project = await project_in(tenant, project_id)
    if project["state"] != ProjectState.submitted.value or project["request_id"] is None:
        raise DomainError("只有待登记的项目可以审核 / only a submitted registration is decided")
    await accept(authorizer, principal, tenant, project_id, context)
    await approvals.decide(
        authorizer,
        principal,
        project["request_id"],  # type: ignore[arg-type]
        decision,
        deficiencies=deficiencies,
        note=note,
        context=context,
    )


async def _name(account_id: int) -> str:
    row = await Account.select(Account.display_name).where(Account.id == account_id).first()
    return row["display_name"] if row else ""


async def _registered(request: dict[str, object], _: Principal) -> None:
    await _set_state(request, ProjectState.registered, registered=True)


async def _returned(request: dict[str, object], _: Principal) -> None:
    await _set_state(request, ProjectState.returned)


async def _rejected(request: dict[str, object], _: Principal) -> None:
    await _set_state(request, ProjectState.rejected)


async def _set_state(
    request: dict[str, object], state: ProjectState, *, registered: bool = False
) -> None:
    project_id = int(str(request["subject"]).removeprefix("project:"))
    values: dict[object, object] = {Project.state: state.value}
    if registered:
        values[Project.registered_at] = dt.datetime.now(dt.UTC)
    await Project.update(values).where(  # type: ignore[arg-type]
        (Project.id == project_id) & (Project.tenant == request["tenant_id"])
    )


async def _item_titles(request: dict[str, object]) -> dict[str, str]:
    project_id = int(str(request["subject"]).removeprefix("project:"))
    row = (
        await Project.select(Project.track, Project.method).where(Project.id == project_id).first()
    )
    items = checklist_of(row) if row else ()
    return {**{i.code: i.title for i in items}, GENERAL: "其他问题 / other problems"}


approvals.register(
    approvals.ApprovalType(
        REGISTRATION_TYPE,
        on_approved=_registered,
        on_rejected=_rejected,
        on_returned=_returned,
        returnable=True,
        item_titles=_item_titles,
        tenant_decides=True,
    )
)


def _project_in_words(rest: str, locale: str) -> str | None:
    """The audit log's ``project:<id>:<item>`` as "<id> · <the item's title>", and
    ``project:<id>:lot:<n>`` as "<id> · 标段 <n>"."""
    number, _, item = rest.partition(":")
    for kind in ("lot", "draw", "objection"):  # project:<id>:<kind>:<n>
        if item.startswith(f"{kind}:"):
            return f"{number} · {word_label(kind, locale)} {item.removeprefix(f'{kind}:')}"
    titles = {i.code: i.title for i in every_item()}
    return f"{number} · {in_locale(titles[item], locale)}" if item in titles else None


register_object_label("project", _project_in_words)
