"""People and files for the lifecycle tests."""

from __future__ import annotations

import io
import re
import zipfile

import httpx
from litestar import Litestar

from core.authz.policies import grant_first_admin, grant_role
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from core.notifications.tables import Notice
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, new_account, sign_in, unique_slug

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def ofd() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


WORD_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def package(entries: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra: bytes | str) -> bytes:
    return package(
        {"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w:document/>", **extra}
    )


CITY_ITEMS = ("application", "agreement", "licence", "premises", "audit")


def application_form(slug: str | None = None, kind: str = "city") -> dict[str, str]:
    return {
        "org_name": "临沂市公共资源交易服务中心",
        "kind": kind,
        "region_code": "370100",
        "credit_code": "91330100716105852F",
        "contact_name": "王主任",
        "contact_phone": "0531-88889999",
        "contact_email": "ops@example.cn",
        "requested_slug": slug or unique_slug("linyi"),
    }


async def hq_people(app: Litestar) -> dict[str, Principal]:
    """An hq_admin, a reviewer and a supervisor for the whole province."""
    authorizer = app.state.authorizer
    admin = await new_account(AccountKind.hq_staff)
    await grant_first_admin(authorizer, admin.account_id, command="test")
    reviewer = await new_account(AccountKind.hq_staff)
    await grant_role(authorizer, admin, account_id=reviewer.account_id, role="hq_reviewer")
    supervisor = await new_account(AccountKind.hq_staff)
    await grant_role(
        authorizer,
        admin,
        account_id=supervisor.account_id,
        role="hq_supervisor",
        region_code="370000",
    )
    return {"admin": admin, "reviewer": reviewer, "supervisor": supervisor}


async def main_client_as(app: Litestar, principal: Principal) -> httpx.AsyncClient:
    client = client_for(app, BASE_DOMAIN)
    response = await sign_in(client, principal.username)
    assert response.status_code == 200, response.text
    return client


async def applicant(app: Litestar) -> tuple[str, httpx.AsyncClient]:
    client = client_for(app, BASE_DOMAIN)
    from tests.conftest import with_csrf

    await with_csrf(client)
    username = unique_slug("applicant")
    created = await client.post(
        "/api/applicants",
        json={
            "username": username,
            "password": PASSWORD,
            "display_name": "申请人",
            "email": "applicant@example.cn",
        },
    )
    assert created.status_code == 201, created.text
    assert (await sign_in(client, username)).status_code == 200
    return username, client


async def upload(
    client: httpx.AsyncClient,
    application_id: int,
    item: str,
    name: str = "doc.pdf",
    data: bytes = PDF,
) -> httpx.Response:
    return await client.post(
        f"/api/applications/{application_id}/materials/{item}",
        files={"data": (name, data, "application/octet-stream")},
    )


async def invitation_token(account_id: int) -> str:
    notices = await Notice.select(Notice.body).where(Notice.account == account_id)
    for notice in notices:
        match = re.search(r"/invitations/([A-Za-z0-9_-]+)", notice["body"])
        if match:
            return match[1]
    raise AssertionError("no invitation in the notices")
