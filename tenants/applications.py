"""Applications for a sub-platform (设立申请): fill in, upload materials, submit, resubmit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.audit.chain import RequestContext, record
from core.audit.labels import register_object_label
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identifiers import validate_uscc
from core.identity.principal import Principal
from core.storage import ObjectKey, ObjectStorage, discard
from core.tenancy.regions import region_exists
from core.tenancy.registry import find_tenant_by_slug, validate_slug
from core.tenancy.tables import TenantKind
from tenants.materials import check_file, checklist_item, item_title, missing_items
from tenants.tables import Application, Material
from themes.i18n import in_locale

APPLICATION_TYPE = "application"


class ApplicationForm(msgspec.Struct, forbid_unknown_fields=True):
    org_name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    kind: TenantKind
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    credit_code: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    contact_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    contact_phone: Annotated[str, msgspec.Meta(pattern=r"^[0-9+\- ]{7,30}$")]
    contact_email: Annotated[
        str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    ]
    requested_slug: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]


class ApplicationRecord(msgspec.Struct):
    """An application row, typed."""

    id: int
    applicant: int
    org_name: str
    kind: TenantKind
    region_code: str
    credit_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    requested_slug: str
    request_id: int | None
    tenant_id: int | None
    created_at: dt.datetime


def as_record(row: dict[str, object]) -> ApplicationRecord:
    return msgspec.convert(row, ApplicationRecord)


class MaterialView(msgspec.Struct):
    item: str
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class ApplicationView(msgspec.Struct):
    id: int
    applicant_id: int
    org_name: str
    kind: str
    region_code: str
    credit_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    requested_slug: str
    state: str  # "draft" until submitted, then the approval request's state
    request_id: int | None
    tenant_id: int | None
    materials: list[MaterialView]
    missing: list[str]  # required checklist items not yet uploaded
    deficiencies: list[approvals.Deficiency]  # of the latest return (一次性告知)


async def _check_form(form: ApplicationForm) -> dict[str, object]:
    slug = validate_slug(form.requested_slug.strip().lower())
    if await find_tenant_by_slug(slug) is not None:
        raise DomainError(
            f"子域名 {slug} 已被使用 / the sub-domain {slug} is taken",
            detail={"field": "requested_slug"},
        )
    if not await region_exists(form.region_code):
        raise DomainError(
            f"未知地区 / unknown region: {form.region_code}", detail={"field": "region_code"}
        )
    return {
        "org_name": form.org_name.strip(),
        "kind": form.kind.value,
        "region_code": form.region_code,
        "credit_code": validate_uscc(form.credit_code),
        "contact_name": form.contact_name.strip(),
        "contact_phone": form.contact_phone.strip(),
        "contact_email": form.contact_email.strip(),
        "requested_slug": slug,
    }


async def _may_apply(authorizer: Authorizer, principal: Principal) -> None:
    await authorize(authorizer, principal, HQ, "application", "manage")


async def _own(principal: Principal, application_id: int) -> ApplicationRecord:
    """The applicant's own application; anyone else's is "not found"."""
    mine = (Application.id == application_id) & (Application.applicant == principal.account_id)
    row = await Application.select().where(mine).first()
    if row is None:
        raise NotFound("申请不存在 / no such application")
    return as_record(row)


async def _state(application: ApplicationRecord) -> str:
    if application.request_id is None:
        return "draft"
    request = (
        await ApprovalRequest.select(ApprovalRequest.state)
        .where(ApprovalRequest.id == application.request_id)
        .first()
    )
    return request["state"] if request else "draft"


async def _editable(application: ApplicationRecord) -> None:
    if await _state(application) not in ("draft", ApprovalState.returned.value):
        raise DomainError(
            "申请审核中或已办结，不能修改 / the application is under review or decided"
        )


async def create_application(
    authorizer: Authorizer, principal: Principal, form: ApplicationForm, context: RequestContext
) -> int:
    await _may_apply(authorizer, principal)
    values = await _check_form(form)
    async with write_transaction():
        rows = await Application.insert(
            Application(applicant=principal.account_id, **values)  # type: ignore[arg-type]
        ).returning(Application.id)
        application_id = rows[0]["id"]
        await record(
            actor=principal.actor,
            action="application.create",
            object=f"application:{application_id}",
            context=context,
        )
    return application_id


async def update_application(
    authorizer: Authorizer,
    principal: Principal,
    application_id: int,
    form: ApplicationForm,
    context: RequestContext,
) -> None:
    await _may_apply(authorizer, principal)
    await _editable(await _own(principal, application_id))
    values = await _check_form(form)
    async with write_transaction():
        await Application.update(values).where(Application.id == application_id)  # type: ignore[arg-type]
        await record(
            actor=principal.actor,
            action="application.update",
            object=f"application:{application_id}",
            context=context,
        )


async def upload_material(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    application_id: int,
    item: str,
    filename: str,
    data: bytes,
    context: RequestContext,
) -> None:
    """Store one checklist item, replacing an earlier upload of it. A refused file stores
    nothing; a failed write leaves no row pointing at a missing object."""
    await _may_apply(authorizer, principal)
    application = await _own(principal, application_id)
    await _editable(application)
    checklist_item(application.kind, item)
    extension, content_type = check_file(filename, data)
    key = ObjectKey.for_head_office(
        "applications", str(application_id), f"{item}-{uuid.uuid4().hex}.{extension}"
    )
    await storage.put(key, data, content_type)
    try:
        async with write_transaction():
            previous = await Material.select(Material.id, Material.object_key).where(
                (Material.application == application_id) & (Material.item == item)
            )
            await Material.delete().where(Material.id.is_in([p["id"] for p in previous] or [0]))
            await Material.insert(
                Material(
                    application=application_id,
                    item=item,
                    filename=filename[:200],
                    content_type=content_type,
                    size=len(data),
                    object_key=key.value,
                )
            )
            await record(
                actor=principal.actor,
                action="application.material_upload",
                object=f"application:{application_id}:{item}",
                context=context,
            )
    except BaseException:
        await discard(storage, key)
        raise
    for old in previous:
        await discard(storage, ObjectKey(old["object_key"]))


async def submit_application(
    authorizer: Authorizer, principal: Principal, application_id: int, context: RequestContext
) -> int:
    """Submit (or, once returned, resubmit). Missing required items are listed all at once."""
    await _may_apply(authorizer, principal)
    application = await _own(principal, application_id)
    uploaded = set(
        await Material.select(Material.item)
        .where(Material.application == application_id)
        .output(as_list=True)
    )
    missing = missing_items(application.kind, uploaded)
    if missing:
        raise DomainError(
            "以下必需材料尚未上传："
            + "、".join(in_locale(item.title, "zh-CN") for item in missing)
            + " / required materials are missing: "
            + "; ".join(in_locale(item.title, "en") for item in missing),
            detail={"field": "materials", "missing": [item.code for item in missing]},
        )
    state = await _state(application)
    if state == ApprovalState.returned.value and application.request_id is not None:
        await approvals.resubmit(application.request_id, principal, context)
        return application.request_id
    if state != "draft":
        raise DomainError("申请已提交 / the application is already submitted")
    async with write_transaction():
        request_id = await approvals.submit(
            type=APPLICATION_TYPE,
            subject=f"application:{application_id}",
            submitter=principal,
            context=context,
        )
        await Application.update({Application.request_id: request_id}).where(
            Application.id == application_id
        )
    return request_id


async def view(application: ApplicationRecord) -> ApplicationView:
    materials = (
        await Material.select().where(Material.application == application.id).order_by(Material.id)
    )
    fields = msgspec.structs.asdict(application)
    return ApplicationView(
        **{k: v for k, v in fields.items() if k not in ("applicant", "created_at", "kind")},
        applicant_id=application.applicant,
        kind=application.kind.value,
        state=await _state(application),
        materials=[
            MaterialView(m["item"], m["filename"], m["content_type"], m["size"], m["uploaded_at"])
            for m in materials
        ],
        missing=[i.code for i in missing_items(application.kind, {m["item"] for m in materials})],
        deficiencies=await _latest_deficiencies(application.request_id),
    )


async def _latest_deficiencies(request_id: int | None) -> list[approvals.Deficiency]:
    if request_id is None:
        return []
    returns = [e for e in await approvals.history(request_id) if e.action == "return"]
    return returns[-1].deficiencies if returns else []


async def my_applications(authorizer: Authorizer, principal: Principal) -> list[ApplicationView]:
    await _may_apply(authorizer, principal)
    rows = await Application.select().where(Application.applicant == principal.account_id)
    return [await view(as_record(r)) for r in rows]


async def my_application(
    authorizer: Authorizer,
    principal: Principal,
    application_id: int,
) -> ApplicationView:
    await _may_apply(authorizer, principal)
    return await view(await _own(principal, application_id))


def _material_in_words(rest: str, locale: str) -> str | None:
    """The audit log's ``application:<id>:<item>`` as "<id> · <the item's title>"."""
    number, _, item = rest.partition(":")
    title = item_title(item) if item else None
    return f"{number} · {in_locale(title, locale)}" if title else None


register_object_label("application", _material_in_words)
