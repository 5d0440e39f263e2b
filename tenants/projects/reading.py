"""Reading projects: a purchaser sees its own unit's, the sub-platform's staff every one of
the tenant's, head office the overdue registrations of every tenant."""

from __future__ import annotations

import datetime as dt

import msgspec

from core.approvals import service as approvals
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.errors import NotFound
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.storage import ObjectKey, ObjectStorage
from core.tenancy.registry import TenantRef
from tenants.projects.registration import NO_SUCH_PROJECT, agent_of, checklist_of, registrant
from tenants.projects.tables import Lot, Project, ProjectMaterial, ProjectState

PAGE = 50  # projects a list page


class MaterialView(msgspec.Struct):
    item: str
    title: str  # "中文 / English"
    required: bool
    filename: str | None
    size: int | None


class LotView(msgspec.Struct):
    number: int
    code: str
    title: str


class ProjectView(msgspec.Struct):
    id: int
    code: str
    title: str
    purchaser_id: int
    purchaser_name: str
    track: str
    method: str
    category: str
    budget_fen: int
    state: str
    created_at: dt.datetime
    complete_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    service_owner: str | None  # the service owner's display name
    service_owner_id: int | None
    registered_at: dt.datetime | None
    request_id: int | None
    opening_notice: int | None
    bid_deadline: dt.datetime | None
    agency_id: int | None
    terminated_at: dt.datetime | None  # its termination notice (终止公告) published
    lots: list[LotView]
    materials: list[MaterialView]
    deficiencies: list[approvals.Deficiency]


def lot_code(project_code: str, number: int) -> str:
    """Project → tender project (001: one per project here) → section (标段), three digits
    each, as the national data specification nests them."""
    return f"{project_code}001{number:03d}"


async def may_read_all(authorizer: Authorizer, principal: Principal, tenant: TenantRef) -> bool:
    return await authorizer.allowed(
        principal.casbin_subject, tenant_domain(tenant.id), "project", "read"
    )


async def _reader_scope(
    authorizer: Authorizer, principal: Principal, tenant: TenantRef
) -> tuple[str, int] | None:
    """None for the sub-platform's staff (every project); ("purchaser", its unit) for a
    purchaser's account; ("agency", its entry) for an agency's; else 403."""
    if await may_read_all(authorizer, principal, tenant):
        return None
    if principal.kind is AccountKind.agency:
        return "agency", await agent_of(authorizer, principal, tenant)
    return "purchaser", await registrant(authorizer, principal, tenant)


async def project_list(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    *,
    state: ProjectState | None = None,
    overdue_only: bool = False,
    before: int | None = None,
    limit: int = PAGE,
) -> list[ProjectView]:
    """Newest first, ``limit`` a page; ``before``: the page after the one ending at that id."""
    scope = await _reader_scope(authorizer, principal, tenant)
    where = Project.tenant == tenant.id
    if scope is not None:
        where &= getattr(Project, scope[0]) == scope[1]
    if state is not None:
        where &= Project.state == state.value
    if overdue_only:
        where &= (Project.state == ProjectState.submitted.value) & (
            Project.due_at < dt.datetime.now(dt.UTC)
        )
    if before is not None:
        where &= Project.id < before
    rows = (
        await Project.select(
            *Project.all_columns(),
            Project.purchaser.name.as_alias("purchaser_name"),
            Project.service_owner.display_name.as_alias("owner_name"),
        )
        .where(where)
        .order_by(Project.id, ascending=False)
        .limit(limit)
    )
    return [_view(r, [], [], []) for r in rows]


async def project_detail(
    authorizer: Authorizer, principal: Principal, tenant: TenantRef, project_id: int
) -> ProjectView:
    scope = await _reader_scope(authorizer, principal, tenant)
    row = (
        await Project.select(
            *Project.all_columns(),
            Project.purchaser.name.as_alias("purchaser_name"),
            Project.service_owner.display_name.as_alias("owner_name"),
        )
        .where((Project.id == project_id) & (Project.tenant == tenant.id))
        .first()
    )
    if row is None or (scope is not None and row[scope[0]] != scope[1]):
        raise NotFound(NO_SUCH_PROJECT)
    lots = await Lot.select().where(Lot.project == project_id).order_by(Lot.number)
    files = {
        m["item"]: m
        for m in await ProjectMaterial.select().where(ProjectMaterial.project == project_id)
    }
    materials = [
        MaterialView(
            i.code,
            i.title,
            i.required,
            files[i.code]["filename"] if i.code in files else None,
            files[i.code]["size"] if i.code in files else None,
        )
        for i in checklist_of(row)
    ]
    return _view(
        row,
        [
            LotView(lot["number"], lot_code(row["code"], lot["number"]), lot["title"])
            for lot in lots
        ],
        materials,
        await _latest_deficiencies(row),
    )


def _view(
    row: dict[str, object],
    lots: list[LotView],
    materials: list[MaterialView],
    deficiencies: list[approvals.Deficiency],
) -> ProjectView:
    due = row["due_at"]
    overdue = (
        row["state"] == ProjectState.submitted.value
        and isinstance(due, dt.datetime)
        and due < dt.datetime.now(dt.UTC)
    )
    return ProjectView(
        id=row["id"],  # type: ignore[arg-type]
        code=row["code"] or "",  # type: ignore[arg-type]
        title=row["title"],  # type: ignore[arg-type]
        purchaser_id=row["purchaser"],  # type: ignore[arg-type]
        purchaser_name=row["purchaser_name"],  # type: ignore[arg-type]
        track=row["track"],  # type: ignore[arg-type]
        method=row["method"],  # type: ignore[arg-type]
        category=row["category"],  # type: ignore[arg-type]
        budget_fen=row["budget_fen"],  # type: ignore[arg-type]
        state=row["state"],  # type: ignore[arg-type]
        created_at=row["created_at"],  # type: ignore[arg-type]
        complete_at=row["complete_at"],  # type: ignore[arg-type]
        due_at=due,  # type: ignore[arg-type]
        overdue=overdue,
        service_owner=row["owner_name"],  # type: ignore[arg-type]
        service_owner_id=row["service_owner"],  # type: ignore[arg-type]
        registered_at=row["registered_at"],  # type: ignore[arg-type]
        request_id=row["request_id"],  # type: ignore[arg-type]
        opening_notice=row["opening_notice"],  # type: ignore[arg-type]
        bid_deadline=row["bid_deadline"],  # type: ignore[arg-type]
        agency_id=row["agency"],  # type: ignore[arg-type]
        terminated_at=row["terminated_at"],  # type: ignore[arg-type]
        lots=lots,
        materials=materials,
        deficiencies=deficiencies,
    )


async def _latest_deficiencies(row: dict[str, object]) -> list[approvals.Deficiency]:
    if row["request_id"] is None or row["state"] != ProjectState.returned.value:
        return []
    returns = [e for e in await approvals.history(row["request_id"]) if e.action == "return"]  # type: ignore[arg-type]
    return returns[-1].deficiencies if returns else []


async def material_file(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    tenant: TenantRef,
    project_id: int,
    item: str,
) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of one item, for the project's readers."""
    await project_detail(authorizer, principal, tenant, project_id)  # its access rule
    row = (
        await ProjectMaterial.select()
        .where(
            (ProjectMaterial.project == project_id)
            & (ProjectMaterial.item == item)
            & (ProjectMaterial.tenant == tenant.id)
        )
        .first()
    )
    if row is None:
        raise NotFound("材料不存在 / no such material")
    return row["filename"], row["content_type"], await storage.get(ObjectKey(row["object_key"]))


async def overdue_everywhere(limit: int = 500) -> list[dict[str, object]]:
    """Head office's view: every sub-platform's registrations past their due time."""
    return (
        await Project.select(
            Project.id,
            Project.code,
            Project.title,
            Project.due_at,
            Project.complete_at,
            Project.tenant.name.as_alias("tenant_name"),
            Project.purchaser.name.as_alias("purchaser_name"),
            Project.service_owner.display_name.as_alias("owner_name"),
        )
        .where(
            (Project.state == ProjectState.submitted.value)
            & (Project.due_at < dt.datetime.now(dt.UTC))
        )
        .order_by(Project.due_at)
        .limit(limit)
    )
