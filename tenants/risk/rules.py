"""The rules (预警规则): each a class with its id, Chinese name, legal basis, severity and a
``check`` over one opened section's current bids, returning its evidence — one item per shared
value, naming the bidders that share it. No evidence: nothing to warn about.

The rules run once a section is opened (:mod:`tenants.risk.service`): the file-based ones need
the bids unsealed, and the submission-based ones are complete only once bidding has closed.
The identical-file rule compares the receipts' SHA-256 digests, so it needs no decryption; the
document rules read the features taken from each file at submission (:mod:`tenants.risk.documents`),
sealed with the bid and unsealed only for the bids the opening decrypted."""

from __future__ import annotations

import ipaddress
import itertools
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

import msgspec

from tenants.risk.documents import NO_FEATURES, DocumentFeatures, similarity
from themes.text import yuan


class Severity(StrEnum):
    high = "high"  # 高
    medium = "medium"  # 中
    low = "low"  # 低: supporting only, never proof on its own


class BidderRef(msgspec.Struct, frozen=True):
    bid: int
    subject: int
    bidder: str  # the supplier's name


class Evidence(msgspec.Struct, frozen=True):
    """One shared value and the bidders that share it."""

    value: str
    bidders: list[BidderRef]


@dataclass(frozen=True)
class SectionBid:
    """What the rules see of one current bid of the section."""

    bidder: BidderRef
    digest: str
    price_fen: int | None  # None before the opening, or when it did not decrypt
    client_ip: str
    device_id: str
    machine_code: str
    contact_phone: str
    contact_email: str
    deposit_account: str
    legal_representative: str
    credit_code: str = ""  # the bidder's own
    controlling_shareholder: str = ""  # as declared in the library
    controlling_shareholder_code: str = ""
    document: DocumentFeatures = NO_FEATURES  # before the opening, and for older bids


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    legal_basis: ClassVar[str]
    severity: ClassVar[Severity]

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        raise NotImplementedError


def shared(bids: list[SectionBid], *values: str) -> list[Evidence]:
    """For each of the named fields, every non-empty value two or more distinct bidders share."""
    return [e for field in values for e in common((getattr(b, field), b.bidder) for b in bids)]


def common(seen: Iterable[tuple[str, BidderRef]]) -> list[Evidence]:
    """Every non-empty value seen with two or more distinct bidders, with those bidders."""
    groups: dict[str, dict[int, BidderRef]] = defaultdict(dict)
    for value, bidder in seen:
        if value:
            groups[value].setdefault(bidder.subject, bidder)
    return [
        Evidence(value, sorted(by.values(), key=lambda b: b.bid))
        for value, by in sorted(groups.items())
        if len(by) > 1
    ]


class SameMachine(Rule):
    id = "same_machine"
    name = "不同投标人使用同一台电脑上传投标文件"
    legal_basis = (
        "《招标投标法实施条例》第四十条第（二）项（不同投标人委托同一单位或者个人办理投标事宜）；"
        "闽建筑〔2018〕29号"
    )
    severity = Severity.high

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return shared(bids, "device_id", "machine_code")


class SameIp(Rule):
    id = "same_ip"
    name = "不同投标人在投标期间使用同一IP地址递交投标文件"
    legal_basis = "《招标投标法实施条例》第四十条第（二）项（辅助证据）"
    severity = Severity.low

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        # A private, loopback or shared address stands for a whole office network or a proxy
        # in front of the platform: no evidence about who uploaded.
        public = [b for b in bids if _is_public(b.client_ip)]
        return shared(public, "client_ip")


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


class SameContact(Rule):
    id = "same_contact"
    name = "不同投标人的联系人电话或电子邮箱相同"
    legal_basis = (
        "《招标投标法实施条例》第四十条；《政府采购货物和服务招标投标管理办法》（财政部令"
        "第87号）第三十七条（不同供应商的投标文件由同一单位或者个人编制、联系人为同一人）"
    )
    severity = Severity.high

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return shared(bids, "contact_phone", "contact_email")


class SameDepositAccount(Rule):
    id = "same_deposit_account"
    name = "不同投标人的投标保证金从同一账户转出"
    legal_basis = (
        "《招标投标法实施条例》第四十条第（六）项（不同投标人的投标保证金从同一单位或者个人的"
        "账户转出）"
    )
    severity = Severity.high

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return shared(bids, "deposit_account")


class IdenticalFiles(Rule):
    id = "identical_files"
    name = "不同投标人的投标文件完全相同"
    legal_basis = "《招标投标法实施条例》第四十条第（四）项（不同投标人的投标文件异常一致）"
    severity = Severity.high

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return shared(bids, "digest")


class SameDocumentOrigin(Rule):
    """Two bidders' files made from one document (the same creation identifier: a PDF's XMP
    DocumentID or first trailer /ID, an OFD's DocID) or by one author (the metadata's author,
    generic ones left out). The evidence value says which: ``id:…`` or ``author:…``.

    A file that bidders all derived from the purchaser's own PDF or OFD keeps its identifier,
    so a reviewer who finds the shared identifier is the tender documents' dismisses it."""

    id = "same_document_origin"
    name = "不同投标人的投标文件创建标识或作者信息相同"
    legal_basis = (
        "《招标投标法实施条例》第四十条第（一）项（不同投标人的投标文件由同一单位或者个人编制）、"
        "第（二）项（不同投标人委托同一单位或者个人办理投标事宜）"
    )
    severity = Severity.high

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return common(
            (f"id:{i}", b.bidder) for b in bids for i in b.document.document_ids
        ) + common((f"author:{a}", b.bidder) for b in bids for a in b.document.authors)


SIMILAR = 0.8


class SimilarText(Rule):
    """Two bidders' texts nearly the same: the estimated Jaccard similarity of their sets of
    five-character shingles (normalised: letters and digits only) at least ``SIMILAR``.

    Why 0.8: bids in one section rightly share the tender documents' forms (投标函, 承诺书) and
    the requirements they restate, but each bidder writes its own technical and commercial
    parts; at 0.8 some 89% of either text's phrases are in the other, more than forms and
    quotations make up, while a copy re-edited for a second bidder (names, prices, a few
    paragraphs) stays above. The sketch's standard error is under 3%, so a pair truly at 0.7
    crosses 0.8 less than once in a thousand. One evidence item per pair, with its
    similarity; identical files are the identical-file rule's, not repeated here. Medium: a
    template-heavy section can come close, so a person reads the two files."""

    id = "similar_text"
    name = "不同投标人的投标文件内容高度雷同"
    legal_basis = "《招标投标法实施条例》第四十条第（四）项（不同投标人的投标文件异常一致）"
    severity = Severity.medium

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        sketched = sorted((b for b in bids if b.document.sketch), key=lambda b: b.bidder.bid)
        found = []
        for a, b in itertools.combinations(sketched, 2):
            if a.bidder.subject == b.bidder.subject or a.digest == b.digest:
                continue
            if (alike := similarity(a.document.sketch, b.document.sketch)) >= SIMILAR:
                # in whole percent, rounded down: "100%" only where the sketches agree wholly
                found.append(Evidence(f"{math.floor(alike * 100)}%", [a.bidder, b.bidder]))
        return found


class RegularPrices(Rule):
    """Three or more opened prices in an exact arithmetic progression (to the fen) or an
    exact geometric one (to the ten-thousandth).

    Why three: two prices always have "a" difference, so two bids are never evidence; three
    independent prices falling on one step to the fen is what a single hand pricing several
    bids leaves (Art. 40(4)). Equal prices (step 0) are left to the other rules: several
    bidders quoting a published maximum price is ordinary."""

    id = "regular_prices"
    name = "不同投标人的投标报价呈规律性差异"
    legal_basis = "《招标投标法实施条例》第四十条第（四）项（投标报价呈规律性差异）"
    severity = Severity.medium

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        priced = sorted((b for b in bids if b.price_fen), key=lambda b: b.price_fen or 0)
        if len(priced) < 3:
            return []
        prices = [b.price_fen or 0 for b in priced]
        steps = {b - a for a, b in itertools.pairwise(prices)}
        ratios = {b * 10_000 // a for a, b in itertools.pairwise(prices)}
        if steps == {0} or (len(steps) > 1 and len(ratios) > 1):
            return []
        if len(steps) == 1:
            value = f"报价依次相差 {yuan(next(iter(steps)))} 元"
        else:
            value = f"报价依次为前一家的 {next(iter(ratios)) / 100:.2f}%"
        return [Evidence(value, [b.bidder for b in priced])]


class CommonLegalRepresentative(Rule):
    """The supplier library holds the representative's name only (no identity number), so
    the rule compares names, ignoring spaces; two unrelated people may share a common name,
    which is why this warning is medium and a person confirms or dismisses it."""

    id = "common_legal_representative"
    name = "同一标段的不同投标人法定代表人为同一人"
    legal_basis = (
        "《招标投标法实施条例》第三十四条第二款（单位负责人为同一人的不同单位，不得参加同一"
        "标段投标）"
    )
    severity = Severity.medium

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        return shared(bids, "legal_representative")


def holder_key(name: str) -> str:
    """A name as compared: full-width brackets and letters folded (NFKC), spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


class ControllingShareholder(Rule):
    """Two bidders controlled by one shareholder, or one the other's controlling shareholder.

    The controlling shareholder is what each supplier declares in the library. Two
    declarations are the same shareholder by their credit codes when both give one (two
    codes that differ are two organisations, whatever the names), else by the names. That
    one bidder controls another is read from codes only: the declared code is the other
    bidder's own. Medium: a name may be a common person's name, and bidders under one
    shareholder (sister companies) are not barred by the letter of Art. 34(2), which names
    a controlling or managing relation between the bidders themselves — a person judges."""

    id = "controlling_shareholder"
    name = "同一标段的不同投标人存在控股关系或同一控股股东"
    legal_basis = (
        "《招标投标法实施条例》第三十四条第二款（存在控股、管理关系的不同单位，不得参加同一"
        "标段投标）"
    )
    severity = Severity.medium

    def check(self, bids: list[SectionBid]) -> list[Evidence]:
        by_subject = {b.bidder.subject: b for b in sorted(bids, key=lambda b: b.bidder.bid)}
        distinct = list(by_subject.values())
        found = [
            Evidence(
                f"{controller.bidder.bidder}是{held.bidder.bidder}的控股股东",
                sorted((controller.bidder, held.bidder), key=lambda b: b.bid),
            )
            for held in distinct
            for controller in distinct
            if controller is not held
            and held.controlling_shareholder_code
            and held.controlling_shareholder_code == controller.credit_code
        ]
        # one shareholder's bidders: the components of "the same shareholder", in bid order
        group_of = {b.bidder.subject: b.bidder.subject for b in distinct}

        def root(subject: int) -> int:
            while group_of[subject] != subject:
                subject = group_of[subject]
            return subject

        for a, b in itertools.combinations(distinct, 2):
            if _same_holder(a, b):
                group_of[root(b.bidder.subject)] = root(a.bidder.subject)
        groups: dict[int, list[SectionBid]] = defaultdict(list)
        for bid in distinct:
            groups[root(bid.bidder.subject)].append(bid)
        found += [
            Evidence(f"控股股东同为{_holder_named(members)}", [m.bidder for m in members])
            for members in groups.values()
            if len(members) > 1
        ]
        return found


def _same_holder(a: SectionBid, b: SectionBid) -> bool:
    if a.controlling_shareholder_code and b.controlling_shareholder_code:
        return a.controlling_shareholder_code == b.controlling_shareholder_code
    name = holder_key(a.controlling_shareholder)
    return bool(name) and name == holder_key(b.controlling_shareholder)


def _holder_named(members: list[SectionBid]) -> str:
    """The shareholder as the first bidder declared it, with its code if one was given."""
    first = members[0]
    codes = {m.controlling_shareholder_code for m in members} - {""}
    return first.controlling_shareholder + (f"（{codes.pop()}）" if len(codes) == 1 else "")


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        SameMachine(),
        SameIp(),
        SameContact(),
        SameDepositAccount(),
        IdenticalFiles(),
        SameDocumentOrigin(),
        SimilarText(),
        RegularPrices(),
        CommonLegalRepresentative(),
        ControllingShareholder(),
    )
}
