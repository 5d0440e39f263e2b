"""Bids and the opening (投标、开标) through the pages: sealed bids with receipts, replace and
withdraw until the deadline, late bids refused, no decryption before the opening time, fewer
bids than the method needs → no opening, and the opening record told to the bidders."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.notifications.tables import Notice
from core.storage import ObjectKey
from tenants.projects import bids
from tenants.projects.tables import Bid, Opening, OpeningEntry, Project
from tests.libraries.helpers import blacklist, library_manager, registered_supplier
from tests.portal.helpers import Site, close, draft, new_site
from tests.projects.helpers import bid_contact, bid_file, purchaser_of, send, tendering_project


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "投标开标测试分平台")
    yield made
    await close(made)


async def past_deadline(project_id: int) -> None:
    await Project.update({Project.bid_deadline: dt.datetime.now(dt.UTC)}).where(
        Project.id == project_id
    )


@pytest.mark.asyncio
async def test_bid_replace_withdraw_late_and_open(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(4)]
    try:
        project_id = await tendering_project(site.client, buyer)
        page = await suppliers[0][2].get(f"/projects/{project_id}/bids")
        assert page.status_code == 200 and "第 1 标段" in page.text and "加密递交" in page.text

        for n, (_, body, client) in enumerate(suppliers[:3], start=1):
            sent = await send(client, project_id, 1, f"{n}00,000.50", f"{body['username']} 的标书")
            assert sent.status_code == 303, sent.text
            mine = await client.get(f"/projects/{project_id}/bids")
            digest = hashlib.sha256(bid_file(f"{body['username']} 的标书")).hexdigest()
            assert digest in mine.text and "已于" in mine.text
        for _, _, client in suppliers[:2]:  # two bids only on the second section
            assert (await send(client, project_id, 2, "50000", "第二标段")).status_code == 303
        replaced = await send(suppliers[0][2], project_id, 1, "90000", "替换后的标书")
        assert replaced.status_code == 303
        fourth = suppliers[3][2]
        assert (await send(fourth, project_id, 1, "80000", "第四家")).status_code == 303
        withdrawn = await fourth.post(f"/projects/{project_id}/bids/1/withdrawal")
        assert withdrawn.status_code == 303
        states = sorted(
            r["state"] for r in await Bid.select(Bid.state).where(Bid.project == project_id)
        )
        assert states == ["current"] * 5 + ["replaced", "withdrawn"]

        # Sealed: neither the bucket nor the rows hold anything of the bid.
        row = (await Bid.select().where(Bid.state == "current").where(Bid.project == project_id))[0]
        stored = await app.state.object_storage.get(ObjectKey(row["object_key"]))
        assert b"%PDF" not in stored and "标书".encode() not in stored

        early = await site.client.post(f"/console/projects/{project_id}/lots/1/opening")
        assert early.status_code == 400 and "开标时间" in early.text
        assert not await Opening.exists().where(Opening.project == project_id)

        await past_deadline(project_id)
        late = await send(fourth, project_id, 1, "70000", "迟到的标书")
        assert late.status_code == 400 and "已过" in late.text
        late_withdrawal = await suppliers[1][2].post(f"/projects/{project_id}/bids/1/withdrawal")
        assert late_withdrawal.status_code == 400

        opened = await site.client.post(f"/console/projects/{project_id}/lots/1/opening")
        assert opened.status_code == 303, opened.text
        record = await site.client.get(f"/console/projects/{project_id}")
        shown = record.text.split("开标记录", 1)[1]
        assert "有效投标 3 家" in shown and "90,000.00" in shown and "200,000.50" in shown
        assert "与回执一致" in shown and "<td>否</td>" not in shown
        failed = await site.client.post(f"/console/projects/{project_id}/lots/2/opening")
        assert failed.status_code == 303
        record = await site.client.get(f"/console/projects/{project_id}")
        assert "流标" in record.text
        again = await site.client.post(f"/console/projects/{project_id}/lots/1/opening")
        assert again.status_code == 303
        assert await Opening.count().where(Opening.project == project_id) == 2

        bidder = await suppliers[1][2].get(f"/projects/{project_id}/bids")
        assert "开标记录" in bidder.text and "200,000.50" in bidder.text
        told = await Notice.select(Notice.subject).where(
            Notice.account
            == (
                await Account.select(Account.id).where(
                    Account.username == suppliers[1][1]["username"]
                )
            )[0]["id"]
        )
        assert any("开标" in n["subject"] for n in told)
    finally:
        await buyer.client.aclose()
        for _, _, client in suppliers:
            await client.aclose()


@pytest.mark.asyncio
async def test_bad_bids_are_refused_and_nothing_is_kept(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    subject_id, _, client = await registered_supplier(app, site)
    _, manager = await library_manager(app)
    try:
        project_id = await tendering_project(site.client, buyer)
        for lot, price, words in (
            (1, "十万", "「投标报价（元）」"),
            (1, "0", "「投标报价（元）」"),
            (9, "1000", "标段不存在"),
        ):
            answer = await send(client, project_id, lot, price, "标书")
            assert answer.status_code in (400, 404), answer.text
            if answer.status_code == 400:
                assert words in answer.text
        fake = {"file": ("投标文件.pdf", b"MZ not a pdf", "application/pdf")}
        refused = await client.post(
            f"/projects/{project_id}/bids",
            data={"lot": "1", "price": "100", **bid_contact()},
            files=fake,
        )
        assert refused.status_code == 400 and "不符" in refused.text
        assert not await Bid.exists().where(Bid.project == project_id)

        await blacklist(manager, subject_id)
        blocked = await send(client, project_id, 1, "1000", "黑名单")
        assert blocked.status_code == 403 and "黑名单" in blocked.text
        assert not await Bid.exists().where(Bid.project == project_id)
    finally:
        for c in (buyer.client, client, manager):
            await c.aclose()


@pytest.mark.asyncio
async def test_twenty_racing_submissions_leave_one_current_bid(app: Litestar, site: Site) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    _, body, client = await registered_supplier(app, site)
    try:
        project_id = await tendering_project(site.client, buyer)
        account = (await Account.select(Account.id).where(Account.username == body["username"]))[0][
            "id"
        ]
        supplier = Principal(account, body["username"], AccountKind.supplier)
        receipts = await asyncio.gather(
            *(
                bids.submit_bid(
                    app.state.authorizer,
                    supplier,
                    app.state.object_storage,
                    site.tenant,
                    project_id,
                    1,
                    f"第{n}版.pdf",
                    bid_file(f"第{n}版"),
                    1000 + n,
                )
                for n in range(20)
            )
        )
        assert len({r.bid_id for r in receipts}) == 20
        rows = await Bid.select(Bid.state).where(Bid.project == project_id)
        assert sorted(r["state"] for r in rows) == ["current"] + ["replaced"] * 19
    finally:
        await buyer.client.aclose()
        await client.aclose()


@pytest.mark.asyncio
async def test_a_swapped_seal_does_not_open_and_the_rest_still_do(
    app: Litestar, site: Site
) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    suppliers = [await registered_supplier(app, site) for _ in range(3)]
    try:
        project_id = await tendering_project(site.client, buyer)
        for n, (_, _, client) in enumerate(suppliers):
            assert (await send(client, project_id, 1, f"{n + 1}000", f"标书{n}")).status_code == 303
        first, second = await Bid.select().where(Bid.project == project_id).limit(2)
        # Someone with write access to the database moves one bid's sealed price to another.
        await Bid.update({Bid.sealed_price: first["sealed_price"]}).where(Bid.id == second["id"])
        await past_deadline(project_id)
        assert (
            await site.client.post(f"/console/projects/{project_id}/lots/1/opening")
        ).status_code == 303
        entries = await OpeningEntry.select().where(
            OpeningEntry.bid.is_in([first["id"], second["id"]])
        )
        by_bid = {e["bid"]: e for e in entries}
        assert by_bid[first["id"]]["decrypted"] and by_bid[first["id"]]["verified"]
        assert not by_bid[second["id"]]["decrypted"]
        page = await site.client.get(f"/console/projects/{project_id}")
        assert "无法解密，视为撤回" in page.text
        # The deadline is not moved once a section is opened, so bidding does not open again.
        notice = (await Project.select(Project.opening_notice).where(Project.id == project_id))[0]
        moved = await site.client.post(
            "/api/console/announcements",
            json=draft(
                type="correction",
                corrects=notice["opening_notice"],
                title="开标后的更正公告",
                deadline_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).isoformat(),
            ),
        )
        assert moved.status_code == 400 and "不能再变更截止时间" in moved.text
        again = await send(suppliers[0][2], project_id, 1, "500", "开标后")
        assert again.status_code == 400
        huge = await suppliers[0][2].post(
            f"/projects/{project_id}/bids", data={"lot": "9" * 25, "price": "1"}
        )
        assert huge.status_code == 400
    finally:
        await buyer.client.aclose()
        for _, _, client in suppliers:
            await client.aclose()
