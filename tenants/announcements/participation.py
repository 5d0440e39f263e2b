"""报名: a supplier of the shared library takes part in a tenant's announced procurement.

Only announcement types that open a procedure take it (``OPENS_PROCEDURE``); on any other
the answer is 409: the request is well-formed, the announcement's type refuses it.
The same library entry works on every sub-platform. It must have passed review, and no
blacklist record may be in force against it (checked at the moment of participation, on every
tenant alike). Taking part twice answers with the first participation.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.engine import write_transaction
from core.data.errors import is_unique_violation
from core.errors import Conflict, DomainError
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.subjects.credit import blacklisted
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import SubjectState
from core.notifications.service import notify
from core.tenancy.registry import TenantRef
from core.tenancy.site import Site
from tenants.announcements.queries import Detail, detail
from tenants.announcements.tables import OPENS_PROCEDURE, TYPE_LABELS, Participation
from tenants.projects.registration import project_in, refuse_terminated
from themes.i18n import DEFAULT_LOCALE, translate

PARTICIPANT_KINDS = (AccountKind.supplier, AccountKind.agency)


class Seen(msgspec.Struct, frozen=True):
    """The 报名 block of an announcement's page, as its viewer sees it."""

    offered: bool  # the announcement's type opens a procedure
    viewer_may: bool = False  # a signed-in supplier or agency views it
    open: bool = False  # before its deadline
    taken_part_at: dt.datetime | None = None


async def as_seen_by(viewer: Principal | None, site: Site, announcement: Detail) -> Seen:
    """What the page offers: anonymous visitors (whose page is cached for everyone) see only
    that 报名 is possible; a signed-in supplier sees the button, or when it took part."""
    summary = announcement.summary
    offered = site.tenant is not None and summary.type in OPENS_PROCEDURE
    if not offered or viewer is None or viewer.kind not in PARTICIPANT_KINDS:
        return Seen(offered)
    now = dt.datetime.now(dt.UTC)
    row = await (
        Participation.select(Participation.created_at)
        .where(
            (Participation.announcement == summary.id)
            & (Participation.subject.account == viewer.account_id)
        )
        .first()
    )
    return Seen(
        offered,
        viewer_may=True,
        open=summary.deadline_at is None or now < summary.deadline_at,
        taken_part_at=None if row is None else row["created_at"],
    )


async def take_part(
    authorizer: Authorizer,
    principal: Principal,
    tenant: TenantRef,
    announcement_id: int,
    context: RequestContext | None = None,
) -> int:
    await authorize(authorizer, principal, tenant_domain(tenant.id), "participation", "create")
    announcement = await detail(tenant.id, announcement_id)  # published, of this tenant
    if (kind := announcement.summary.type) not in OPENS_PROCEDURE:
        chinese, english = TYPE_LABELS[kind]
        raise Conflict(
            f"{chinese}不接受报名，请在招标公告或采购公告上报名 / a {english.lower()} opens no "
            "procedure: take part on the tender or procurement notice",
            detail={"field": "type"},
        )
    if announcement.summary.project is not None:
        refuse_terminated(await project_in(tenant, announcement.summary.project))
    deadline = announcement.summary.deadline_at
    if deadline is not None and deadline <= dt.datetime.now(dt.UTC):
        raise DomainError("报名已截止 / the deadline has passed", detail={"field": "deadline"})
    subject = await own_subject(principal)
    if subject["state"] != SubjectState.approved.value:
        raise Forbidden("主体信息尚未通过审核 / the library entry has not passed review yet")
    if (record_in_force := await blacklisted(subject["id"])) is not None:
        until = (
            record_in_force.ends_on.isoformat() if record_in_force.ends_on else "解除为止 / lifted"
        )
        raise Forbidden(
            f"已被列入黑名单（{record_in_force.authority}，{record_in_force.legal_basis}），"
            f"至 {until} 不得参与 / blacklisted: no participation until {until}",
            detail={"credit_record": record_in_force.id},
        )
    key = f"{announcement_id}:{subject['id']}"
    try:
        return await _insert_once(principal, tenant, announcement, subject["id"], key, context)
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
    # A concurrent call inserted it first (PostgreSQL read committed): answer with that one.
    existing = await Participation.select(Participation.id).where(Participation.key == key)
    return int(existing[0]["id"])


async def _insert_once(
    principal: Principal,
    tenant: TenantRef,
    announcement: Detail,
    subject_id: int,
    key: str,
    context: RequestContext | None,
) -> int:
    announcement_id = announcement.summary.id
    async with write_transaction():
        existing = await Participation.select(Participation.id).where(Participation.key == key)
        if existing:
            return int(existing[0]["id"])
        rows = await Participation.insert(
            Participation(
                tenant=tenant.id, announcement=announcement_id, subject=subject_id, key=key
            )
        ).returning(Participation.id)
        email = await Account.select(Account.email).where(Account.id == principal.account_id)
        await notify(
            recipients=[(principal.account_id, email[0]["email"] if email else None)],
            subject=translate("notice.participated.subject", DEFAULT_LOCALE),
            body=translate(
                "notice.participated.body",
                DEFAULT_LOCALE,
                title=announcement.summary.title,
                site=tenant.shown_name,
            ),
            tenant_id=tenant.id,
        )
        await record(
            actor=principal.actor,
            action="participation.create",
            object=f"announcement:{announcement_id}",
            tenant_id=tenant.id,
            context=context,
        )
    return int(rows[0]["id"])


async def participants_of(tenant_id: int, announcement_id: int) -> list[dict[str, object]]:
    """Who has taken part in the tenant's announcement, first come first."""
    return await (
        Participation.select(
            Participation.id,
            Participation.subject.id.as_alias("subject_id"),
            Participation.subject.name.as_alias("name"),
            Participation.subject.credit_code.as_alias("credit_code"),
            Participation.created_at,
        )
        .where(
            (Participation.announcement == announcement_id) & (Participation.tenant == tenant_id)
        )
        .order_by(Participation.id)
    )
