"""Provisioning on approval (分平台开通), in the approval's own transaction: the tenant, its
default branding, its Casbin policies and the operator's account with an invitation.

The operator then confirms its operating unit and only then receives the management role
(seed 000 Art. 10, second paragraph): until then its account holds ``tenant_operator``.
"""

from __future__ import annotations

import datetime as dt

from core.approvals.service import ApprovalType, register
from core.audit.chain import RequestContext, record
from core.authz.adapter import PiccoloAdapter
from core.authz.authorizer import Authorizer
from core.authz.model import subject, tenant_domain
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.accounts import create_account
from core.identity.invitations import invite
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.notifications.service import notify
from core.settings import get_settings
from core.tenancy.registry import register_tenant
from core.tenancy.resolver import TENANT_CACHE
from core.tenancy.tables import Tenant, TenantKind
from core.tenancy.urls import tenant_url
from tenants.applications import APPLICATION_TYPE, as_record
from tenants.materials import deficiency_titles
from tenants.tables import Application
from themes.cache import PORTAL_CACHE
from themes.i18n import DEFAULT_LOCALE, translate

_adapter = PiccoloAdapter()


async def provision(request: dict[str, object], decider: Principal) -> None:
    """The ``application`` type's approval: runs inside the decision's transaction."""
    application_id = int(str(request["subject"]).split(":", 1)[1])
    row = await Application.select().where(Application.id == application_id).first()
    if row is None:
        raise DomainError(f"application {application_id} is gone")
    application = as_record(row)
    tenant = await register_tenant(
        slug=application.requested_slug,
        name=application.org_name,
        kind=application.kind,
        region_code=application.region_code,
    )
    operator_id = await create_account(
        username=f"{tenant.slug}-admin",
        display_name=f"{application.org_name}管理员",
        kind=AccountKind.tenant_staff,
        password=None,  # the invitation sets it
        tenant_id=tenant.id,
        email=application.contact_email,
    )
    await Tenant.update(
        {
            Tenant.operator_account: operator_id,
            Tenant.branding: {"tokens": {"display_name": application.org_name}},
        }
    ).where(Tenant.id == tenant.id)
    await _adapter.add_policy(
        "g", "g", [subject(operator_id), "tenant_operator", tenant_domain(tenant.id)]
    )
    token = await invite(operator_id)
    await Application.update({Application.tenant_id: tenant.id}).where(
        Application.id == application_id
    )
    link = f"{tenant_url(get_settings(), tenant)}invitations/{token}"
    await notify(
        recipients=[
            (application.applicant, application.contact_email),
            (operator_id, application.contact_email),
        ],
        subject=translate("notice.provisioned.subject", DEFAULT_LOCALE, name=tenant.name),
        body=translate(
            "notice.provisioned.body",
            DEFAULT_LOCALE,
            site=tenant_url(get_settings(), tenant),
            username=f"{tenant.slug}-admin",
            link=link,
        ),
        tenant_id=tenant.id,
    )
    await record(
        actor=decider.actor,
        action="tenant.provision",
        object=f"tenant:{tenant.id}",
        tenant_id=tenant.id,
    )


async def _list_on_main_portal(_request: dict[str, object]) -> None:
    await TENANT_CACHE.changed()  # a visit before it existed may have cached "no such site"
    await PORTAL_CACHE.invalidate(None)  # the directory of sub-platforms


async def _checklist_titles(request: dict[str, object]) -> dict[str, str]:
    row = (
        await Application.select(Application.kind)
        .where(Application.request_id == request["id"])
        .first()
    )
    return deficiency_titles(TenantKind(row["kind"])) if row else {}


register(
    ApprovalType(
        name=APPLICATION_TYPE,
        on_approved=provision,
        after_approved=_list_on_main_portal,
        item_titles=_checklist_titles,
        returnable=True,  # the applicant mends it and resubmits (tenants.applications)
    )
)


async def confirm_operating_unit(
    authorizer: Authorizer, principal: Principal, tenant_id: int, context: RequestContext
) -> None:
    """The operator confirms its operating unit and receives the management role."""
    dom = tenant_domain(tenant_id)
    await authorize(authorizer, principal, dom, "operating_unit", "confirm")
    async with write_transaction():
        tenant = (
            await Tenant.select(Tenant.operating_unit_confirmed_at, Tenant.operator_account)
            .where(Tenant.id == tenant_id)
            .first()
        )
        if tenant is None or tenant["operator_account"] != principal.account_id:
            raise DomainError(
                "只有运营机构的管理账号可以确认 / only the operator's account confirms"
            )
        if tenant["operating_unit_confirmed_at"] is None:
            await Tenant.update(
                {Tenant.operating_unit_confirmed_at: dt.datetime.now(dt.UTC)}
            ).where(Tenant.id == tenant_id)
            sub = subject(principal.account_id)
            await _adapter.remove_policy("g", "g", [sub, "tenant_operator", dom])
            await _adapter.add_policy("g", "g", [sub, "tenant_admin", dom])
            await record(
                actor=principal.actor,
                action="tenant.operating_unit_confirm",
                object=f"tenant:{tenant_id}",
                tenant_id=tenant_id,
                context=context,
            )
    await authorizer.changed(dom)
