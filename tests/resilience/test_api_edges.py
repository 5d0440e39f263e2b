"""Inputs the OpenAPI fuzz found answered with a server error: each is bad input (400)."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.portal.helpers import close, draft, new_site
from tests.tenants.helpers import PDF, applicant, application_form

TOO_BIG = 2**64  # beyond every database's integer column


@pytest.mark.asyncio
async def test_ids_beyond_64_bits_are_bad_input(app: Litestar) -> None:
    site = await new_site(app, "边界测试分平台")
    try:
        for client, method, path in (
            (site.public, "GET", f"/api/announcements/{TOO_BIG}"),
            (site.public, "GET", f"/announcements/{TOO_BIG}"),
            (site.client, "PUT", f"/api/console/announcements/{TOO_BIG}"),
            (site.client, "GET", f"/api/console/announcements/{TOO_BIG}/participations"),
            (site.client, "GET", f"/api/library/subjects/{TOO_BIG}"),
        ):
            body = draft() if method == "PUT" else None
            answer = await client.request(method, path, json=body)
            assert answer.status_code == 400, (path, answer.status_code, answer.text)
        correction = draft(type="correction", corrects=TOO_BIG)
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
