"""Inputs the OpenAPI fuzz found answered with a server error: each is bad input (400)."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.portal.helpers import close, draft, new_site
from tests.tenants.helpers import PDF, applicant, application_form

# Beyond the keys' integer columns: PostgreSQL's (32 bits), then SQLite's too (64 bits).
TOO_BIG = (2**31, 2**64)


@pytest.mark.asyncio
async def test_ids_beyond_the_key_columns_are_bad_input(app: Litestar) -> None:
    site = await new_site(app, "边界测试分平台")
    try:
        for too_big in TOO_BIG:
            for client, method, path in (
                (site.public, "GET", f"/api/announcements/{too_big}"),
                (site.public, "GET", f"/announcements/{too_big}"),
                (site.client, "PUT", f"/api/console/announcements/{too_big}"),
                (site.client, "GET", f"/api/console/announcements/{too_big}/participations"),
                (site.client, "GET", f"/api/library/subjects/{too_big}"),
            ):
                body = draft() if method == "PUT" else None
                answer = await client.request(method, path, json=body)
                assert answer.status_code == 400, (path, answer.status_code, answer.text)
            correction = draft(type="correction", corrects=too_big)
            answer = await site.client.post("/api/console/announcements", json=correction)
            assert answer.status_code == 400, answer.text
    finally:
        await close(site)


@pytest.mark.asyncio
async def test_a_form_field_that_is_not_utf8_is_bad_input(app: Litestar) -> None:
    site = await new_site(app, "编码测试分平台")
    boundary = "sunshine-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'.encode()
        + b"\xff\xfe"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    try:
        answer = await site.client.post(
            "/api/library/me/qualifications",
            content=body,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert answer.status_code == 400, answer.text
        assert "UTF-8" in answer.json()["error"]
    finally:
        await close(site)


@pytest.mark.asyncio
async def test_a_material_upload_without_its_file_is_bad_input(app: Litestar) -> None:
    _, client = await applicant(app)
    try:
        created = await client.post("/api/applications", json=application_form())
        path = f"/api/applications/{created.json()['id']}/materials/application"
        for name in ("username", "data"):  # a plain field, not a file
            answer = await client.post(path, files={name: (None, "x")})
            assert answer.status_code == 400, (name, answer.text)
        answer = await client.post(path, files={"data": ("x.pdf", PDF)})
        assert answer.status_code == 204, answer.text
    finally:
        await client.aclose()
