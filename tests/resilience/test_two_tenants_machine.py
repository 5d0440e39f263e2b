"""Two tenants' staff and suppliers act in an interleaved order that hypothesis chooses, and no
answer to one tenant's clients ever names the other's data: its announcement ids, or the
marker that every title, file name, note and branding text of that tenant carries.

Cost: MAX_EXAMPLES runs of at most STEPS steps, one to three requests each, in process;
derandomized, so a failure is reproduced by running the test again.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest_asyncio
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from litestar import Litestar

from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import Site, close, draft, new_site

T = TypeVar("T")
MAX_EXAMPLES = 20
STEPS = 20
PDF = b"%PDF-1.7 two tenants\n"
_serial = itertools.count(1)


@dataclass
class Side:
    """One tenant: its site (admin and visitor clients), a supplier signed in there, and what
    it has written so far, over all runs (ids and markers never return to the other)."""

    site: Site
    supplier: httpx.AsyncClient
    subject_id: int  # the supplier's entry in the shared library
    marker: str  # in every text this tenant writes
    announcements: set[int] = field(default_factory=set)

    def text(self, what: str) -> str:
        return f"{self.marker} {what} {next(_serial)}"


@dataclass
class World:
    app: Litestar
    loop: asyncio.AbstractEventLoop
    sides: tuple[Side, Side]

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        # Hypothesis drives the machine synchronously; the app and its clients live in the
        # session's event loop, idle between tests, so each call runs there.
        return self.loop.run_until_complete(call)


@pytest_asyncio.fixture(scope="session")
async def world(app: Litestar) -> AsyncIterator[World]:
    sides = []
    for name in ("甲", "乙"):
        marker = f"MK{uuid.uuid4().hex[:10]}"
        site = await new_site(app, f"{name}市阳光采购服务分平台{marker[-4:]}")
        subject_id, _, supplier = await registered_supplier(app, site)
        sides.append(Side(site, supplier, subject_id, marker))
    yield World(app, asyncio.get_running_loop(), (sides[0], sides[1]))
    for side in sides:
        await side.supplier.aclose()
    await close(*(side.site for side in sides))


def _announcement_ids(payload: Any) -> set[int]:
    """The ids of announcements in a list answer (public page or console list)."""
    items = payload["items"] if isinstance(payload, dict) else payload
    return {item["id"] for item in items}


class TwoTenants(RuleBasedStateMachine):
    world: World  # set by the test, before hypothesis builds machines

    def __init__(self) -> None:
        super().__init__()
        self.drafts: tuple[list[int], list[int]] = ([], [])
        self.published: tuple[list[int], list[int]] = ([], [])

    # -- requests, every answer checked ------------------------------------------------

    def call(
        self, who: int, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        response = self.world.run(client.request(method, url, **kwargs))
        assert response.status_code < 500, (method, url, response.status_code, response.text)
        other = self.world.sides[1 - who]
        for marker in (other.marker, other.site.tenant.slug, other.site.tenant.name):
            assert marker not in response.text, f"{marker!r} of the other tenant in {url}"
        return response

    def staff(self, who: int, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.call(who, self.world.sides[who].site.client, method, url, **kwargs)

    # -- writing -----------------------------------------------------------------------

    @rule(who=st.sampled_from([0, 1]))
    def create(self, who: int) -> None:
        side = self.world.sides[who]
        created = self.staff(
            who, "POST", "/api/console/announcements", json=draft(title=side.text("公告"))
        )
        assert created.status_code == 201, created.text
        side.announcements.add(created.json()["id"])
        self.drafts[who].append(created.json()["id"])

    @precondition(lambda self: any(self.drafts))
    @rule(who=st.sampled_from([0, 1]), pick=st.integers(min_value=0))
    def edit(self, who: int, pick: int) -> None:
        if not self.drafts[who]:
            return
        target = self.drafts[who][pick % len(self.drafts[who])]
        side = self.world.sides[who]
        changed = self.staff(
            who, "PUT", f"/api/console/announcements/{target}", json=draft(title=side.text("改"))
        )
        assert changed.status_code == 204, changed.text

    @precondition(lambda self: any(self.drafts))
    @rule(who=st.sampled_from([0, 1]), pick=st.integers(min_value=0))
    def attach(self, who: int, pick: int) -> None:
        if not self.drafts[who]:
            return
        target = self.drafts[who][pick % len(self.drafts[who])]
        name = self.world.sides[who].text("附件").replace(" ", "-") + ".pdf"
        attached = self.staff(
            who,
            "POST",
            f"/api/console/announcements/{target}/attachments",
            files={"file": (name, PDF, "application/pdf")},
        )
        # A draft takes a bounded number of files; beyond, a clean refusal.
        assert attached.status_code in (201, 400), attached.text

    @precondition(lambda self: any(self.drafts))
    @rule(who=st.sampled_from([0, 1]))
    def publish(self, who: int) -> None:
        if not self.drafts[who]:
            return
        target = self.drafts[who].pop(0)
        done = self.staff(who, "POST", f"/api/console/announcements/{target}/publish")
        assert done.status_code == 200, done.text
        self.published[who].append(target)

    @precondition(lambda self: any(self.published))
    @rule(who=st.sampled_from([0, 1]), pick=st.integers(min_value=0))
    def correct(self, who: int, pick: int) -> None:
        if not self.published[who]:
            return
        target = self.published[who][pick % len(self.published[who])]
        side = self.world.sides[who]
        body = draft(title=side.text("更正"), type="correction", corrects=target)
        created = self.staff(who, "POST", "/api/console/announcements", json=body)
        assert created.status_code == 201, created.text
        side.announcements.add(created.json()["id"])
        self.drafts[who].append(created.json()["id"])

    @rule(who=st.sampled_from([0, 1]))
    def brand(self, who: int) -> None:
        side = self.world.sides[who]
        body = {"display_name": side.text("分平台"), "footer_text": side.text("页脚")}
        done = self.staff(who, "PUT", "/api/branding", json=body)
        assert done.status_code == 204, done.text

    @rule(who=st.sampled_from([0, 1]), whose=st.sampled_from([0, 1]))
    def note(self, who: int, whose: int) -> None:
        """Either tenant notes either supplier: the entry is shared, the note is not."""
        subject_id = self.world.sides[whose].subject_id
        body = {"note": self.world.sides[who].text("备注"), "rating": 3}
        done = self.staff(who, "PUT", f"/api/library/subjects/{subject_id}/note", json=body)
        assert done.status_code == 204, done.text

    @precondition(lambda self: any(self.published))
    @rule(who=st.sampled_from([0, 1]), pick=st.integers(min_value=0))
    def take_part(self, who: int, pick: int) -> None:
        if not self.published[who]:
            return
        target = self.published[who][pick % len(self.published[who])]
        supplier = self.world.sides[who].supplier
        done = self.call(who, supplier, "POST", f"/api/announcements/{target}/participations")
        assert done.status_code in (201, 409), done.text  # 409: a correction takes none

    # -- reaching across: the other tenant's ids answer as absent ------------------------

    @precondition(lambda self: any(self.drafts) or any(self.published))
    @rule(
        who=st.sampled_from([0, 1]),
        pick=st.integers(min_value=0),
        how=st.sampled_from(["get", "edit", "publish", "attach", "participants", "take_part"]),
    )
    def reach_across(self, who: int, pick: int, how: str) -> None:
        theirs = self.drafts[1 - who] + self.published[1 - who]
        if not theirs:
            return
        target = theirs[pick % len(theirs)]
        side = self.world.sides[who]
        console = f"/api/console/announcements/{target}"
        if how == "get":
            answer = self.call(who, side.site.public, "GET", f"/api/announcements/{target}")
        elif how == "edit":
            answer = self.staff(who, "PUT", console, json=draft(title=side.text("越权")))
        elif how == "publish":
            answer = self.staff(who, "POST", f"{console}/publish")
        elif how == "attach":
            files = {"file": ("x.pdf", PDF, "application/pdf")}
            answer = self.staff(who, "POST", f"{console}/attachments", files=files)
        elif how == "participants":
            answer = self.staff(who, "GET", f"{console}/participations")
        else:
            url = f"/api/announcements/{target}/participations"
            answer = self.call(who, side.supplier, "POST", url)
        assert answer.status_code == 404, (how, answer.status_code, answer.text)

    # -- reading -----------------------------------------------------------------------

    @rule(who=st.sampled_from([0, 1]))
    def read_lists(self, who: int) -> None:
        side, other = self.world.sides[who], self.world.sides[1 - who]
        public = side.site.public
        listed = self.call(who, public, "GET", "/api/announcements")
        assert listed.status_code == 200
        assert _announcement_ids(listed.json()) <= side.announcements
        own = self.staff(who, "GET", "/api/console/announcements")
        assert own.status_code == 200
        assert _announcement_ids(own.json()) <= side.announcements
        searched = self.call(
            who, public, "GET", "/api/announcements", params={"keyword": other.marker}
        )
        assert searched.status_code == 200 and not searched.json()["items"]

    @rule(
        who=st.sampled_from([0, 1]),
        path=st.sampled_from(["/", "/announcements", "/contact", "/api/site"]),
    )
    def read_page(self, who: int, path: str) -> None:
        page = self.call(who, self.world.sides[who].site.public, "GET", path)
        assert page.status_code == 200

    @precondition(lambda self: any(self.drafts) or any(self.published))
    @rule(who=st.sampled_from([0, 1]), pick=st.integers(min_value=0))
    def read_own(self, who: int, pick: int) -> None:
        mine = self.drafts[who] + self.published[who]
        if not mine:
            return
        target = mine[pick % len(mine)]
        if target in self.published[who]:
            shown = self.call(
                who, self.world.sides[who].site.public, "GET", f"/announcements/{target}"
            )
            assert shown.status_code == 200
        participants = self.staff(who, "GET", f"/api/console/announcements/{target}/participations")
        assert participants.status_code == 200

    @rule(who=st.sampled_from([0, 1]), whose=st.sampled_from([0, 1]))
    def read_library(self, who: int, whose: int) -> None:
        subject_id = self.world.sides[whose].subject_id
        entry = self.staff(who, "GET", f"/api/library/subjects/{subject_id}")
        assert entry.status_code == 200
        for path in ("/api/branding", "/api/branding/change-requests"):
            assert self.staff(who, "GET", path).status_code == 200


def test_two_tenants_never_see_each_other(world: World) -> None:
    TwoTenants.world = world
    run_state_machine_as_test(
        TwoTenants,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
