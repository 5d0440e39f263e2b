"""schemathesis over the whole OpenAPI document, in process, as three callers: nobody (on a
sub-site), that sub-site's tenant admin and a head-office admin (on the main portal). No
answer may be a server error or fall outside what the document declares for its operation:
status code, content type and body (CHECKS).

Cost: every operation (81) takes MAX_EXAMPLES generated requests, valid and invalid input,
per caller: about 1,200 requests, 50–75 s per engine measured on 2 busy cores (load average
9–13). Derandomized and without shrinking, so a failure is reproduced, unshrunk, by running
the test again.

How it runs: hypothesis draws each operation's cases (``operation.as_strategy``) and the test
sends them through the session's app with httpx. Not schemathesis's pytest loader
(``from_fixture``): schemathesis 4.32 uses ``Function._nodeid``, which pytest 9 dropped. Not its
ASGI transport: that runs the app in an event loop of its own, while the database pool and
Redis clients belong to the session's.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.serialization import encode_json
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.authz.policies import grant_first_admin, grant_role
from core.identity.tables import AccountKind
from core.tenancy.registry import TenantRef
from tests.conftest import BASE_DOMAIN, client_for, new_account, sign_in, with_csrf

T = TypeVar("T")
MAX_EXAMPLES = 5
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: cheaper, still reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Caller:
    client: httpx.AsyncClient
    loop: asyncio.AbstractEventLoop
    login: str | None  # None: nobody signed in

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        # The test body is synchronous (hypothesis drives it); the app, its pool and its
        # clients live in the session's event loop, idle between tests, so run the call there.
        return self.loop.run_until_complete(call)

    def send(self, case: schemathesis.Case) -> httpx.Response:
        request = self.client.build_request(**_httpx_kwargs(case))
        request.read()  # a multipart body is streamed; the checks read it back
        return self.run(self.client.send(request))

    def stay_signed_in(self) -> None:
        """A generated request may end the session (a sign-in attempt, a password change):
        sign in again, so that every operation is tried as this caller."""
        if self.login and self.run(self.client.get("/api/auth/me")).status_code == 401:
            assert self.run(sign_in(self.client, self.login)).status_code == 200


@pytest.fixture(scope="session")
def openapi(app: Litestar) -> BaseSchema:
    document = json.loads(encode_json(app.openapi_schema.to_schema()))
    return schemathesis.openapi.from_dict(document)


async def _caller(app: Litestar, role: str, tenant: TenantRef) -> AsyncIterator[Caller]:
    """A client on the tenant's sub-site (head office: on the main portal), with the CSRF
    header that the site's pages would send."""
    sub_site = f"{tenant.slug}.{BASE_DOMAIN}"
    login = None
    if role == "anonymous":
        client = await with_csrf(client_for(app, sub_site))
    else:
        authorizer = app.state.authorizer
        hq = await new_account(AccountKind.hq_staff)
        await grant_first_admin(authorizer, hq.account_id, command="openapi-fuzz")
        login = hq.username
        client = client_for(app, BASE_DOMAIN)
        if role == "tenant_admin":
            admin = await new_account(AccountKind.tenant_staff, tenant)
            await grant_role(
                authorizer, hq, account_id=admin.account_id, role=role, tenant_id=tenant.id
            )
            login = admin.username
            client = client_for(app, sub_site)
        assert (await sign_in(client, login)).status_code == 200
    yield Caller(client, asyncio.get_running_loop(), login)
    await client.aclose()


@pytest_asyncio.fixture(scope="session")
async def anonymous(app: Litestar, tenant_a: TenantRef) -> AsyncIterator[Caller]:
    async for caller in _caller(app, "anonymous", tenant_a):
        yield caller


@pytest_asyncio.fixture(scope="session")
async def tenant_admin(app: Litestar, tenant_a: TenantRef) -> AsyncIterator[Caller]:
    async for caller in _caller(app, "tenant_admin", tenant_a):
        yield caller


@pytest_asyncio.fixture(scope="session")
async def hq_admin(app: Litestar, tenant_a: TenantRef) -> AsyncIterator[Caller]:
    async for caller in _caller(app, "hq_admin", tenant_a):
        yield caller


def _httpx_kwargs(case: schemathesis.Case) -> dict[str, Any]:
    """schemathesis prepares ``requests`` arguments; httpx takes raw bodies as ``content``."""
    kwargs = case.as_transport_kwargs(base_url="")
    kwargs.pop("cookies", None)
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if kwargs.get("files"):
        # requests turns a form field's number into text; httpx wants the text.
        kwargs["files"] = [
            (name, (part[0], _as_field(part[1]), *part[2:]) if isinstance(part, tuple) else part)
            for name, part in kwargs["files"]
        ]
    return kwargs


def _as_field(value: object) -> bytes | str:
    return value if isinstance(value, bytes | str) else str(value)


def _fuzz(openapi: BaseSchema, caller: Caller) -> None:
    """Every operation, valid and invalid input; the failures of all operations together."""
    failures: list[str] = []
    for result in openapi.get_all_operations():
        operation = result.ok()
        if caller.login and operation.label == "POST /api/auth/logout":
            continue  # signing out is all it does; tried by the anonymous caller
        caller.stay_signed_in()
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @FUZZ_SETTINGS
        @given(case=cases)
        def check(case: schemathesis.Case) -> None:
            case.validate_response(caller.send(case), checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # reported below, with its operation
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_as_anonymous(openapi: BaseSchema, anonymous: Caller) -> None:
    _fuzz(openapi, anonymous)


def test_as_tenant_admin(openapi: BaseSchema, tenant_admin: Caller) -> None:
    _fuzz(openapi, tenant_admin)


def test_as_hq_admin(openapi: BaseSchema, hq_admin: Caller) -> None:
    _fuzz(openapi, hq_admin)
