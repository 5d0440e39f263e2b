"""What the collusion rules read of a bid's file (投标文件特征): the identifier the document was
created with, the author its metadata names, and a sketch of its text.

They are taken at submission, the one moment the platform holds the file in plain, and sealed
with the bid (:func:`tenants.projects.sealing.seal_features`): the database holds ciphertext
only, and the rules see them once the opening has decrypted the bid.

Bids are PDF, OFD, JPEG or PNG (:func:`tenants.materials.check_file`). PDF is read with pypdf:
the XMP ``xmpMM:DocumentID`` and the first element of the trailer's ``/ID`` (which the PDF
specification keeps for the life of a file, §14.4) are its creation identifiers, ``/Author``
its author. ``/Creator`` and ``/Producer`` name the software ("Microsoft Word", "WPS"), shared
by most bids of a section, so they are not read. OFD (GB/T 33190-2016) is a zip of XML: its
``OFD.xml`` ``DocInfo`` holds ``DocID`` (a UUID minted when the document is made) and
``Author``, and each page's ``Content.xml`` its text in ``TextCode``. Images carry nothing the
rules compare. Word and Excel files are not accepted as bids, so they are not read.

Whatever the file, reading it never fails a submission: a document that does not parse gives
no features (logged at debug), and the rules see nothing of it.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import itertools
import logging
import re
import unicodedata
import zipfile
import zlib
from xml.etree import ElementTree
from xml.parsers import expat

import msgspec
from pypdf import PdfReader

from tenants.materials import sniff

log = logging.getLogger(__name__)
# pypdf warns of every flaw it works around; in a bidder's file that is the bidder's business
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_TEXT = 200_000  # characters of text read from a document: its first hundred pages or so
MAX_PAGES = 500  # pages looked at for that text: a scanned bid has none to find
MAX_XML = 8 * 1024 * 1024  # bytes read of one member of an OFD package (a zip bomb stops here)
MAX_UNPACKED = 32 * 1024 * 1024  # and of all its pages together
SHINGLE = 5  # characters: about two Chinese words, so that a shared phrase is not a match
SKETCH = 256  # hashes kept per document; the estimate's standard error is at most 1/(2·√256) ≈ 3%
MIN_TEXT = 500  # normalised characters below which a document's text is not compared

# Values that the software writes when nobody set them — the Windows or Office account of a
# fresh or pre-installed machine — shared by unrelated bidders everywhere: no evidence of a
# common author. Compared once casefolded and with spaces collapsed.
GENERIC_AUTHORS = frozenset(
    {
        "admin",
        "administrator",
        "user",
        "owner",
        "author",
        "unknown",
        "microsoft office user",
        "windows user",
        "用户",
        "作者",
        "未知",
        "微软用户",
        "microsoft office 用户",
        "windows 用户",
    }
)

_OFD = "{http://www.ofdspec.org/2016}"
_REPEATED = re.compile(r"(.)\1*")  # an identifier of one repeated character: a placeholder
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


class DocumentFeatures(msgspec.Struct, frozen=True):
    document_ids: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    sketch: tuple[int, ...] = ()  # the SKETCH smallest hashes of the text's shingles, ascending


NO_FEATURES = DocumentFeatures()


def features_of(data: bytes) -> DocumentFeatures:
    """The file's features; none when it is not a document we read or does not parse."""
    kind = sniff(data)
    try:
        if kind == "application/pdf":
            return _pdf(data)
        if kind == "application/ofd":
            return _ofd(data)
    except Exception as exc:  # a malformed upload is the bidder's business, not the platform's
        log.debug("no features from a %s bid file: %r", kind, exc)
    return NO_FEATURES


def _features(ids: list[str], authors: list[str], text: str) -> DocumentFeatures:
    return DocumentFeatures(
        document_ids=tuple(sorted({i for i in map(_id, ids) if i})),
        authors=tuple(sorted({a for a in map(author_of, authors) if a})),
        sketch=sketch_of(text),
    )


def _id(value: str) -> str:
    value = value.strip().lower()
    return "" if _REPEATED.fullmatch(value) else value[:100]


def author_of(value: str) -> str:
    """The author as compared: spaces collapsed, casefolded; "" for a generic one."""
    value = " ".join(value.split()).casefold()[:100]
    return "" if value in GENERIC_AUTHORS else value


def _pdf(data: bytes) -> DocumentFeatures:
    reader = PdfReader(io.BytesIO(data))
    ids, authors = [], []
    if (xmp := reader.xmp_metadata) is not None and xmp.xmpmm_document_id:
        ids.append(str(xmp.xmpmm_document_id))
    if (trailer_id := reader.trailer.get("/ID")) and len(trailer_id) > 0:
        ids.append(getattr(trailer_id[0].get_object(), "original_bytes", b"").hex())
    if (info := reader.metadata) is not None and info.author:
        authors.append(str(info.author))
    text: list[str] = []
    read = 0
    try:
        for page in itertools.islice(reader.pages, MAX_PAGES):
            if read >= MAX_TEXT:
                break
            text.append(page.extract_text())
            read += len(text[-1])
    except Exception as exc:  # a page that does not parse ends the text; the metadata counts
        log.debug("a bid PDF's text stops at page %d: %r", len(text) + 1, exc)
    return _features(ids, authors, "".join(text)[:MAX_TEXT])


def _xml(package: zipfile.ZipFile, name: str, limit: int = MAX_XML) -> ElementTree.Element:
    with package.open(name) as member:
        body = member.read(limit)
    _refuse_dtd(name, body)
    return ElementTree.fromstring(body)  # noqa: S314 (no DTD, so no entity is expanded)


def _refuse_dtd(name: str, body: bytes) -> None:
    """OFD declares no DTD; one here could only define entities to expand. Expat itself looks
    for it, in whatever encoding the part is written (a byte search misses UTF-16), and stops
    at the declaration, before any entity is defined or expanded."""

    def refuse(*_: object) -> None:
        raise ValueError(f"{name} declares a DTD")

    scan = expat.ParserCreate()
    scan.StartDoctypeDeclHandler = refuse
    scan.Parse(body, True)


def _ofd(data: bytes) -> DocumentFeatures:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = _xml(package, "OFD.xml")
        ids = [e.text or "" for e in root.iter(f"{_OFD}DocID")]
        authors = [e.text or "" for e in root.iter(f"{_OFD}Author")]
        pages = [n for n in package.namelist() if re.search(r"(^|/)Pages/[^/]+/Content\.xml$", n)]
        text: list[str] = []
        read, unpacked = 0, MAX_UNPACKED
        for name in pages[:MAX_PAGES]:
            if read >= MAX_TEXT or unpacked <= 0:
                break
            unpacked -= (size := min(MAX_XML, unpacked, package.getinfo(name).file_size))
            try:
                page = _xml(package, name, size)
            except (
                ElementTree.ParseError,
                expat.ExpatError,
                ValueError,
                zipfile.BadZipFile,
                NotImplementedError,
                EOFError,
                zlib.error,
            ):
                break  # the text so far, and the metadata, still count
            for code in page.iter(f"{_OFD}TextCode"):
                text.append(code.text or "")
                read += len(text[-1])
    return _features(ids, authors, "".join(text)[:MAX_TEXT])


def normalised(text: str) -> str:
    """Letters and digits only (NFKC, casefolded): layout, spacing and punctuation differ
    between two renderings of one text, and are easily changed to hide a copy."""
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKC", text).casefold())


def sketch_of(text: str) -> tuple[int, ...]:
    """A bottom-k MinHash sketch of the text's character shingles (one 64-bit hash each, the
    SKETCH smallest kept); nothing for a text too short to compare."""
    text = normalised(text)
    if len(text) < MIN_TEXT:
        return ()
    shingles = {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}
    hashes = (
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    )
    return tuple(heapq.nsmallest(SKETCH, hashes))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two texts' shingle sets: of the SKETCH smallest
    hashes of their union, the share found in both (exact when both texts are short)."""
    if not a or not b:
        return 0.0
    first, second = set(a), set(b)
    union = heapq.nsmallest(SKETCH, first | second)
    return sum(1 for h in union if h in first and h in second) / len(union)
