"""The document rules end to end: three bids submitted through the bid form, two of them one
PDF edited for a second bidder. The features are sealed with the bids (nothing of the author
in the rows), unsealed only once the opening decrypts them, and the opening raises exactly the
two document warnings with their legal basis, shown in words."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar import Litestar

from tenants.projects.tables import Bid, Lot
from tenants.risk import service
from tenants.risk.documents import NO_FEATURES
from tenants.risk.tables import BidEvidence, RiskWarning
from tests.libraries.helpers import registered_supplier
from tests.portal.helpers import Site, close, new_site
from tests.projects.helpers import (
    PRICES,
    bid_contact,
    open_now,
    purchaser_of,
    tendering_project,
)
from tests.risk.documents import edited, pdf_file, prose
from tests.tenants.helpers import hq_people, main_client_as
from tests.test_console_pages import raw_values

AUTHOR = "张三"


@pytest_asyncio.fixture
async def site(app: Litestar) -> AsyncIterator[Site]:
    made = await new_site(app, "投标文件预警测试分平台")
    yield made
    await close(made)


@pytest.mark.asyncio
async def test_one_pdf_edited_for_two_bidders_raises_the_two_document_warnings(
    app: Litestar, site: Site
) -> None:
    buyer = await purchaser_of(app, site.client, site.tenant.slug)
    bidders = [await registered_supplier(app, site) for _ in range(3)]
    admin = await main_client_as(app, (await hq_people(app))["admin"])
    try:
        project_id = await tendering_project(site.client, buyer)
        original = pdf_file(prose(1, 600), author=AUTHOR, document_id="uuid:5e1f", file_id=True)
        files = [original, edited(original, "second bidder"), pdf_file(prose(2, 600), "李四")]
        for price, data, (_, _, client) in zip(PRICES, files, bidders, strict=True):
            sent = await client.post(
                f"/projects/{project_id}/bids",
                data={"lot": "1", "price": price, **bid_contact()},
                files={"file": ("投标文件.pdf", data, "application/pdf")},
            )
            assert sent.status_code == 303, sent.text

        # Sealed: the rows hold nothing of the author, and before the opening the rules see
        # no features.
        rows = await Bid.select().where(Bid.project == project_id)
        assert len(rows) == 3 and all(r["sealed_features"] for r in rows)
        seen = await BidEvidence.select().where(BidEvidence.project == project_id)
        for row in [*rows, *seen]:
            assert all(AUTHOR not in str(v) and "uuid:5e1f" not in str(v) for v in row.values())
        for row in rows:  # the sealed value is ciphertext, not an encoding of the features
            assert AUTHOR.encode() not in base64.b64decode(row["sealed_features"])
        lot = await Lot.select().where((Lot.project == project_id) & (Lot.number == 1)).first()
        before = await service._section_bids(site.tenant.id, lot["id"])
        assert [b.document for b in before] == [NO_FEATURES] * 3

        await open_now(app, site, project_id)
        raised = await RiskWarning.select().where(RiskWarning.project == project_id)
        assert {r["rule"] for r in raised} == {"same_document_origin", "similar_text"}
        subjects = [s for s, _, _ in bidders]
        listed = (await admin.get("/api/risk/warnings")).json()
        ours = {w["rule"]: w for w in listed if w["project_id"] == project_id}
        origin, similar = ours["same_document_origin"], ours["similar_text"]
        assert "第四十条第（一）项" in origin["legal_basis"] and origin["severity"] == "high"
        assert "第四十条第（四）项" in similar["legal_basis"] and similar["severity"] == "medium"
        values = {e["value"] for e in origin["evidence"]}
        assert f"author:{AUTHOR}" in values and "id:uuid:5e1f" in values
        assert len(values) == 3  # the XMP DocumentID, the first trailer /ID, the author
        for found in (*origin["evidence"], *similar["evidence"]):
            assert [b["subject"] for b in found["bidders"]] == subjects[:2]
        (pair,) = similar["evidence"]
        assert 80 <= int(pair["value"].rstrip("%")) <= 100

        names = [body["profile"]["name"] for _, body, _ in bidders]
        page = await admin.get(f"/admin/risk/{origin['id']}")
        assert page.status_code == 200, page.text
        assert "不同投标人的投标文件创建标识或作者信息相同" in page.text
        assert f"投标文件属性中的作者相同：{AUTHOR}" in page.text
        assert "投标文件的创建标识相同（出自同一份电子文件）：uuid:5e1f" in page.text
        assert names[0] in page.text and names[2] not in page.text
        assert not raw_values(page.text)
        page = await admin.get(f"/admin/risk/{similar['id']}")
        assert f"投标文件文字内容高度雷同，相似度约 {pair['value']}" in page.text
        rules = await admin.get("/admin/risk/rules")
        assert "不同投标人的投标文件内容高度雷同" in rules.text and not raw_values(rules.text)

        # A bid submitted before the features were taken has none: the rules see nothing.
        await Bid.update({Bid.sealed_features: ""}).where(Bid.id == rows[0]["id"])
        after = {
            b.bidder.bid: b.document for b in await service._section_bids(site.tenant.id, lot["id"])
        }
        assert after[rows[0]["id"]] == NO_FEATURES and after[rows[1]["id"]] != NO_FEATURES
    finally:
        await buyer.client.aclose()
        await admin.aclose()
        for _, _, client in bidders:
            await client.aclose()
