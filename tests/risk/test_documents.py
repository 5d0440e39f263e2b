"""What the document rules read of a bid's file (tenants.risk.documents), and the two rules
on their own: the same creation identifier or author, and near-duplicate text."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PageObject, PdfReader

from tenants.risk.documents import NO_FEATURES, features_of, similarity, sketch_of
from tenants.risk.rules import SIMILAR
from tests.risk.documents import edited, ofd_file, pdf_file, prose
from tests.risk.test_rules import bid, found

CHINESE = "".join(
    f"第{n}条 投标人应按招标文件第{n * 7}项要求提供{n % 9}份证明材料。" for n in range(60)
)


def test_a_pdf_gives_its_creation_ids_author_and_text() -> None:
    data = pdf_file(prose(1), author=" Zhang  San ", document_id="uuid:AB-12", file_id=True)
    first_id = PdfReader(io.BytesIO(data)).trailer["/ID"][0].original_bytes.hex()
    features = features_of(data)
    assert features.document_ids == tuple(sorted((first_id, "uuid:ab-12")))
    assert features.authors == ("zhang san",)  # spaces collapsed, casefolded
    assert len(features.sketch) == 256 and list(features.sketch) == sorted(features.sketch)
    # a copy edited and saved again keeps both identifiers, and nearly all of its text
    copy = features_of(edited(data, "one more line of text"))
    assert copy.document_ids == features.document_ids
    assert similarity(copy.sketch, features.sketch) > 0.95


def test_an_ofd_gives_its_doc_id_author_and_text() -> None:
    features = features_of(ofd_file(CHINESE, author="李四", doc_id="6F1A2B3C"))
    assert features.document_ids == ("6f1a2b3c",) and features.authors == ("李四",)
    assert features.sketch == sketch_of(CHINESE)  # both pages' text, in order


def test_generic_authors_and_placeholder_ids_are_ignored() -> None:
    for generic in ("Administrator", "微软用户", "Microsoft Office 用户", "USER", " admin "):
        assert features_of(pdf_file(author=generic)).authors == ()
    assert features_of(ofd_file(author="微软用户", doc_id="0" * 32)) == NO_FEATURES


def test_a_malformed_or_unread_file_gives_nothing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:  # an OFD whose OFD.xml defines an entity
        package.writestr("OFD.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    wide = io.BytesIO()  # the same in UTF-16, which a search for b"<!DOCTYPE" would not see
    with zipfile.ZipFile(wide, "w") as package:
        entity = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "ab12">]>'
        body = (
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocID>&a;</ofd:DocID></ofd:OFD>'
        )
        package.writestr("OFD.xml", (entity + body).encode("utf-16"))
    broken = [
        b"%PDF-1.4\n% not really a PDF\n",
        pdf_file(prose(1), author="张三")[:400],  # cut short
        out.getvalue(),
        wide.getvalue(),
        b"PK\x03\x04 not a zip",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    ]
    assert [features_of(data) for data in broken] == [NO_FEATURES] * len(broken)


def test_an_ofd_page_that_does_not_parse_ends_its_text_and_keeps_its_metadata() -> None:
    whole = ofd_file(CHINESE, author="李四", doc_id="6f1a2b3c")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as package, zipfile.ZipFile(out, "w") as broken:
        for name in package.namelist():
            body = package.read(name)
            broken.writestr(name, body[:50] if name.endswith("Page_1/Content.xml") else body)
    first_page = CHINESE[: len(CHINESE) // 2]
    assert features_of(out.getvalue()) == features_of(ofd_file(first_page, "李四", "6f1a2b3c"))
    assert features_of(out.getvalue()).sketch == sketch_of(first_page) != ()


def test_a_pdf_page_whose_text_fails_ends_the_text_and_keeps_the_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = edited(pdf_file(prose(1), author="张三", document_id="uuid:1"), "second page")
    read = PageObject.extract_text

    def failing(page: PageObject, *args: object, **kwargs: object) -> str:
        if "second" in (text := read(page)):
            raise ValueError("a broken content stream")
        return text

    monkeypatch.setattr(PageObject, "extract_text", failing)
    features = features_of(data)
    assert "uuid:1" in features.document_ids and features.authors == ("张三",)
    assert features.sketch == sketch_of(prose(1))


def test_short_texts_are_not_compared_and_spacing_or_punctuation_hides_nothing() -> None:
    assert sketch_of("投标函：本公司承诺。" * 10) == ()  # under the minimum
    spaced = " ".join(CHINESE).replace("。", "，")
    assert similarity(sketch_of(CHINESE), sketch_of(spaced)) == 1.0
    assert similarity(sketch_of(prose(1)), sketch_of(prose(2))) < 0.3  # eight words each
    assert similarity(sketch_of(prose(1)), ()) == 0.0


def test_same_document_origin_names_the_shared_id_or_author() -> None:
    origin = features_of(pdf_file(prose(1), author="张三", document_id="uuid:1"))
    other = features_of(pdf_file(prose(2), author="王五", document_id="uuid:2"))
    bids = [bid(1, document=origin), bid(2, document=origin), bid(3, document=other)]
    assert found("same_document_origin", bids) == [
        ("id:uuid:1", [101, 102]),
        ("author:张三", [101, 102]),
    ]
    assert found("same_document_origin", [bid(1, document=origin), bid(2, document=other)]) == []
    # generic authors never match: two bidders whose Office says 微软用户 share nothing
    generic = [bid(n, document=features_of(pdf_file(author="微软用户"))) for n in (1, 2)]
    assert found("same_document_origin", generic) == []


def test_similar_text_names_each_pair_with_its_similarity() -> None:
    text = prose(1, words=600)
    copy = text[: len(text) * 19 // 20] + prose(9, words=30)  # the last twentieth rewritten
    bids = [
        bid(1, document=features_of(pdf_file(text))),
        bid(2, document=features_of(pdf_file(copy))),
        bid(3, document=features_of(pdf_file(prose(3, words=600)))),
    ]
    ((value, pair),) = found("similar_text", bids)
    assert pair == [101, 102] and SIMILAR * 100 <= int(value.rstrip("%")) < 100
    # independent texts that share a fifth (the tender's forms) are not a match
    shared = prose(7, words=120)
    own = [features_of(pdf_file(shared + prose(n, words=480))) for n in (4, 5)]
    assert found("similar_text", [bid(1, document=own[0]), bid(2, document=own[1])]) == []
    # identical files are the identical-file rule's, and one bidder is never a pair
    same = features_of(pdf_file(text))
    twins = [bid(1, document=same), bid(2, document=same, digest=bid(1).digest)]
    assert found("similar_text", twins) == [] and found("identical_files", twins)
    replaced = [bid(1, document=same), bid(1, document=same, digest="f" * 64)]
    assert found("similar_text", replaced) == []
