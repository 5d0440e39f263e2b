"""People and records for the library tests: credit codes, registrations, managers."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import httpx
from litestar import Litestar

from core.authz.policies import grant_role
from core.identifiers import USCC_CHARSET, uscc_check_character
from core.identity.principal import Principal
from core.identity.tables import AccountKind
from tests.conftest import BASE_DOMAIN, PASSWORD, client_for, new_account, sign_in, unique_slug
from tests.portal.helpers import Site
from tests.tenants.helpers import hq_people, main_client_as


def credit_code() -> str:
    """A fresh valid unified social credit code (legal-person, enterprise)."""
    body = "91370100" + "".join(random.choice(USCC_CHARSET[:10]) for _ in range(9))
    return body + uscc_check_character(body)


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
_representatives = itertools.count()


def representative() -> str:
    """A legal representative's name, another for each registration in a run (600 before one
    comes again): suppliers registered one after the other for a project never share one,
    which the collusion rules (tenants.risk) would warn about."""
    n = next(_representatives)
    return _SURNAMES[n % 20] + _GIVEN[n // 20 % 30]


def registration(code: str, **profile: str) -> dict[str, object]:
    return {
        "username": unique_slug("supplier"),
        "password": PASSWORD,
        "profile": {
            "credit_code": code,
            "name": f"山东测试供应商{code[-6:]}有限公司",
            "legal_representative": representative(),
            "address": "济南市历下区经十路 1 号",
            "region_code": "370102",
            "contact_name": "李四",
            "contact_phone": "0531-88886666",
            "contact_email": "sales@example.cn",
            "business_scope": "办公设备销售",
            **profile,
        },
    }


async def library_manager(app: Litestar) -> tuple[Principal, httpx.AsyncClient]:
    people = await hq_people(app)
    manager = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, people["admin"], account_id=manager.account_id, role="hq_library"
    )
    return manager, await main_client_as(app, manager)


async def approve_subject(app: Litestar, subject_id: int) -> None:
    await decide_subject(app, subject_id, "approve")


async def decide_subject(app: Litestar, subject_id: int, decision: str) -> None:
    """A library manager decides the open review of ``subject_id``."""
    _, client = await library_manager(app)
    try:
        queue = await client.get(
            "/api/approvals", params={"type": "subject_registration", "state": "submitted"}
        )
        request_id = next(r["id"] for r in queue.json() if r["subject"] == f"subject:{subject_id}")
        done = await client.post(
            f"/api/approvals/{request_id}/decision", json={"decision": decision, "note": "材料不符"}
        )
        assert done.status_code == 200, done.text
    finally:
        await client.aclose()


async def registered_supplier(app: Litestar, site: Site) -> tuple[int, dict, httpx.AsyncClient]:
    """A supplier registered through ``site``, approved, and signed in there."""
    body = registration(credit_code())
    created = await site.public.post("/api/library/suppliers", json=body)
    assert created.status_code == 201, created.text
    subject_id = created.json()["id"]
    await approve_subject(app, subject_id)
    client = client_for(app, f"{site.tenant.slug}.{BASE_DOMAIN}")
    assert (await sign_in(client, body["username"])).status_code == 200
    return subject_id, body, client


async def blacklist(manager: httpx.AsyncClient, subject_id: int) -> None:
    """A blacklist record in force from today against the subject, by a library manager."""
    listed = await manager.post(
        f"/api/library/subjects/{subject_id}/credit-records",
        json={
            "kind": "blacklist",
            "source": "山东省财政厅",
            "legal_basis": "《政府采购法》第七十七条",
            "authority": "山东省财政厅",
            "summary": "提供虚假材料谋取中标",
            "starts_on": dt.date.today().isoformat(),
        },
    )
    assert listed.status_code == 201, listed.text
