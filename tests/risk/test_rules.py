"""The rules on their own (预警规则): what each takes as evidence, and what it leaves alone."""

from __future__ import annotations

import dataclasses

from tenants.risk.rules import RULES, BidderRef, SectionBid


def bid(n: int, **seen: object) -> SectionBid:
    base = SectionBid(
        bidder=BidderRef(bid=n, subject=100 + n, bidder=f"供应商{n}"),
        digest=f"{n:064x}",
        price_fen=None,
        client_ip="",
        device_id="",
        machine_code="",
        contact_phone=f"1390000000{n}",
        contact_email=f"bid{n}@example.cn",
        deposit_account=f"62220000000{n}",
        legal_representative=f"代表{n}",
    )
    return dataclasses.replace(base, **seen)


def found(rule: str, bids: list[SectionBid]) -> list[tuple[str, list[int]]]:
    return [(e.value, [b.subject for b in e.bidders]) for e in RULES[rule].check(bids)]


def test_regular_prices_need_three_bids_on_one_step() -> None:
    def priced(*fen: int) -> list[SectionBid]:
        return [bid(n, price_fen=p) for n, p in enumerate(fen, 1)]

    assert found("regular_prices", priced(8_000_000, 9_000_000)) == []  # two: always "a step"
    assert found("regular_prices", priced(8_000_000, 9_000_000, 10_000_000)) == [
        ("报价依次相差 10,000.00 元", [101, 102, 103])
    ]
    assert found("regular_prices", priced(8_000_000, 9_350_000, 10_120_000)) == []
    assert found("regular_prices", priced(5_000_000, 5_000_000, 5_000_000)) == []  # equal
    assert found("regular_prices", priced(1_000_000, 1_100_000, 1_210_000)) == [
        ("报价依次为前一家的 110.00%", [101, 102, 103])
    ]
    # a bid that did not decrypt has no price and does not count
    assert found("regular_prices", [*priced(100, 200), bid(3, price_fen=None)]) == []


def test_shared_values_name_each_bidder_once() -> None:
    bids = [
        bid(1, device_id="a" * 32),
        bid(2, device_id="a" * 32),
        bid(3, machine_code="PC-01"),
        bid(4, machine_code="PC-01"),
    ]
    assert found("same_machine", bids) == [("a" * 32, [101, 102]), ("PC-01", [103, 104])]
    # one supplier's replaced bid is not a second bidder
    same_subject = [bid(1, device_id="b" * 32), dataclasses.replace(bid(1), device_id="b" * 32)]
    assert found("same_machine", same_subject) == []


def test_private_addresses_are_no_evidence_of_one_uploader() -> None:
    office = [bid(1, client_ip="10.0.0.8"), bid(2, client_ip="10.0.0.8")]
    assert found("same_ip", office) == []
    public = [bid(1, client_ip="202.102.128.68"), bid(2, client_ip="202.102.128.68")]
    assert found("same_ip", public) == [("202.102.128.68", [101, 102])]


def test_contacts_accounts_files_and_representatives() -> None:
    bids = [bid(1), bid(2, contact_email="bid1@example.cn"), bid(3)]
    assert found("same_contact", bids) == [("bid1@example.cn", [101, 102])]
    bids = [bid(1), bid(2), bid(3, deposit_account="622200000001")]
    assert found("same_deposit_account", bids) == [("622200000001", [101, 103])]
    bids = [bid(1), bid(2, digest=f"{1:064x}")]
    assert found("identical_files", bids) == [(f"{1:064x}", [101, 102])]
    bids = [bid(1, legal_representative="王伟"), bid(2, legal_representative="王伟"), bid(3)]
    assert found("common_legal_representative", bids) == [("王伟", [101, 102])]
    assert all(found(rule, [bid(1), bid(2), bid(3)]) == [] for rule in RULES)


HOLDER = "91370100MA00000013"  # a shareholder's credit code, as declared (not checked here)


def test_a_common_controlling_shareholder_by_code_else_by_name() -> None:
    # by code when both declare one: a differently written name is the same organisation
    bids = [
        bid(1, controlling_shareholder="山东甲集团有限公司", controlling_shareholder_code=HOLDER),
        bid(2, controlling_shareholder="山东甲集团", controlling_shareholder_code=HOLDER),
        bid(3, controlling_shareholder="山东乙集团有限公司"),
    ]
    assert found("controlling_shareholder", bids) == [
        (f"控股股东同为山东甲集团有限公司（{HOLDER}）", [101, 102])
    ]
    # two codes that differ are two organisations, whatever the names say
    other = "91370100MA00000021"
    bids = [
        bid(1, controlling_shareholder="甲集团", controlling_shareholder_code=HOLDER),
        bid(2, controlling_shareholder="甲集团", controlling_shareholder_code=other),
    ]
    assert found("controlling_shareholder", bids) == []
    # by name, spaces and full-width brackets folded, when one of the two gives no code
    bids = [
        bid(1, controlling_shareholder="山东甲（集团）公司", controlling_shareholder_code=HOLDER),
        bid(2, controlling_shareholder="山东甲 (集团) 公司"),
        bid(3, controlling_shareholder="王伟"),
        bid(4, controlling_shareholder="王 伟"),
    ]
    assert found("controlling_shareholder", bids) == [
        (f"控股股东同为山东甲（集团）公司（{HOLDER}）", [101, 102]),
        ("控股股东同为王伟", [103, 104]),
    ]


def test_one_bidder_the_others_controlling_shareholder_by_code() -> None:
    parent = bid(1, credit_code=HOLDER)
    child = bid(2, controlling_shareholder="供应商1", controlling_shareholder_code=HOLDER)
    assert found("controlling_shareholder", [parent, child, bid(3)]) == [
        ("供应商1是供应商2的控股股东", [101, 102])
    ]
    # a name alone does not say which organisation holds the shares
    by_name = bid(2, controlling_shareholder="供应商1")
    assert found("controlling_shareholder", [parent, by_name]) == []
    # undeclared shareholders are nothing in common, and one supplier's two bids are one bidder
    assert found("controlling_shareholder", [bid(1), bid(2), bid(3)]) == []
    twice = [child, dataclasses.replace(child, bidder=BidderRef(9, 102, "供应商2"))]
    assert found("controlling_shareholder", twice) == []
