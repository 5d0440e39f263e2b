"""Object storage unreachable during uploads: a clear 503, no row pointing at a missing object,
and uploads work again once it is back."""

from __future__ import annotations

import httpx
import pytest

from core.outages import OBJECT_STORAGE
from tests.faults.conftest import (
    REAL_SERVICES,
    assert_clean_failure,
    draft,
    query,
    signed_in,
    tenant_host,
)
from tests.faults.rig import HOST, Rig
from tests.faults.seed import PDF, Seeded
from tests.portal.helpers import image

pytestmark = REAL_SERVICES


async def _upload_everything(
    staff: httpx.AsyncClient,
    supplier: httpx.AsyncClient,
    applicant: httpx.AsyncClient,
    announcement_id: int,
    application_id: int,
) -> list[httpx.Response]:
    """One upload of each kind: attachment, logo, qualification, checklist item."""
    return [
        await staff.post(
            f"/api/console/announcements/{announcement_id}/attachments",
            files={"file": ("tender.pdf", PDF, "application/pdf")},
        ),
        await staff.put("/api/branding/logo", files={"file": ("logo.png", image())}),
        await supplier.post(
            "/api/library/me/qualifications",
            data={"name": "营业执照", "number": "QF-1"},
            files={"file": ("licence.pdf", PDF, "application/pdf")},
        ),
        await applicant.post(
            f"/api/applications/{application_id}/materials/application",
            files={"data": ("application.pdf", PDF, "application/pdf")},
        ),
    ]


async def _object_rows(faults: Rig) -> list[str]:
    """Every object key a row points at."""
    rows = await query(
        faults,
        """SELECT object_key FROM announcement_attachment
           UNION ALL SELECT object_key FROM tenant_application_material
           UNION ALL SELECT object_key FROM library_qualification WHERE object_key IS NOT NULL
           UNION ALL SELECT value FROM tenant, jsonb_each_text(branding::jsonb -> 'images')
             WHERE value IS NOT NULL""",
    )
    return [r[0] for r in rows]


@pytest.mark.asyncio
async def test_uploads_fail_cleanly_while_s3_is_unreachable(
    faults: Rig, seeded: Seeded, clients: list[httpx.AsyncClient]
) -> None:
    staff = await signed_in(faults, clients, tenant_host(seeded), "jinan-admin")
    supplier = await signed_in(faults, clients, HOST, seeded.supplier)
    applicant = await signed_in(faults, clients, HOST, seeded.applicant)
    created = await staff.post("/api/console/announcements", json=draft(1))
    assert created.status_code == 201, created.text
    announcement_id = created.json()["id"]
    application = await applicant.post(
        "/api/applications",
        json={
            "org_name": "日照市公共资源交易服务中心",
            "kind": "city",
            "region_code": "370100",
            "credit_code": "91330100716105852F",
            "contact_name": "李主任",
            "contact_phone": "0633-88889999",
            "contact_email": "rz@example.cn",
            "requested_slug": "rizhao",
        },
    )
    assert application.status_code == 201, application.text
    application_id = application.json()["id"]
    rows_before = sorted(await _object_rows(faults))

    faults.s3.cut()
    try:
        refused = await _upload_everything(
            staff, supplier, applicant, announcement_id, application_id
        )
        for response in refused:
            assert_clean_failure(response, OBJECT_STORAGE)
        assert sorted(await _object_rows(faults)) == rows_before  # nothing half-written
        # What needs no object storage still works.
        assert (await staff.get("/api/console/announcements")).status_code == 200
    finally:
        faults.s3.restore()

    stored = await _upload_everything(staff, supplier, applicant, announcement_id, application_id)
    assert [r.status_code for r in stored] == [201, 200, 201, 204], [r.text for r in stored]
    keys = await _object_rows(faults)
    new = sorted(set(keys) - set(rows_before))
    assert len(new) == 4, new
    missing = [key for key in keys if not faults.object_exists(key)]
    assert missing == []
