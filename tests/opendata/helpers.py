"""A sub-platform project taken through tender, award and contract, so it has all three
releases; and the operator's application that gives the sub-platform its PLATFORM_CODE."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema_rs
from litestar import Litestar

from core.audit.chain import RequestContext
from core.identity.tables import AccountKind
from tenants.projects import evaluation
from tenants.projects.tables import Bid, EvaluationResult
from tenants.tables import Application
from tests.conftest import new_account
from tests.libraries.helpers import credit_code
from tests.portal.helpers import Site, draft
from tests.projects.helpers import evaluating_project
from themes.i18n import BEIJING

CONTEXT = RequestContext()
SCHEMA = Path(__file__).parent.parent / "fixtures" / "release-schema-1__1__4.json"
VALIDATOR = jsonschema_rs.Draft4Validator(json.loads(SCHEMA.read_text()))
SERVICE_PLATFORM = "12370000MB28561234"  # a PUB_SERVICE_PLAT_CODE as the setting gives it


def schema_errors(release: dict) -> list[str]:
    return [f"{e.instance_path}: {e.message}" for e in VALIDATOR.iter_errors(release)]


async def with_operator(site: Site) -> str:
    """The application that established ``site``'s sub-platform, as provisioning leaves it."""
    applicant = await new_account(AccountKind.applicant)
    code = credit_code()
    await Application.insert(
        Application(
            applicant=applicant.account_id,
            org_name=site.tenant.name,
            kind="city",
            region_code="370100",
            credit_code=code,
            contact_name="王运营",
            contact_phone="0531-88888888",
            contact_email="ops@example.cn",
            requested_slug=site.tenant.slug,
            tenant_id=site.tenant.id,
        )
    )
    return code


async def contracted_project(app: Litestar, site: Site):  # type: ignore[no-untyped-def]
    """A project whose section 1 is awarded and its contract recorded: the project id and
    the purchaser (whose client the caller closes)."""
    authorizer, admin, tenant = app.state.authorizer, site.admin, site.tenant
    project_id, members, _, buyer, _ = await evaluating_project(app, site)
    bids = await Bid.select(Bid.id).where(Bid.project == project_id)
    scores = {(m, b["id"]): Decimal("50") for m in members for b in bids}
    await evaluation.report(authorizer, admin, tenant, project_id, 1, scores, CONTEXT)
    publicity = await site.client.post(
        "/api/console/announcements",
        json=draft(type="candidate_publicity", project=project_id, deadline_at=None),
    )
    assert publicity.status_code == 201, publicity.text
    done = await site.client.post(f"/api/console/announcements/{publicity.json()['id']}/publish")
    assert done.status_code == 200, done.text
    await EvaluationResult.update(
        {EvaluationResult.publicity_ends_at: dt.datetime.now(dt.UTC)}
    ).where(EvaluationResult.project == project_id)
    await evaluation.award(authorizer, admin, tenant, project_id, 1, CONTEXT)
    today = dt.datetime.now(BEIJING).date()
    await evaluation.record_contract(
        authorizer, admin, tenant, project_id, 1, 90_000, today, CONTEXT
    )
    return project_id, buyer
