"""Small bid documents made in the test: PDFs written with pypdf (text, Info author, XMP
DocumentID, trailer /ID) and OFD packages written with zipfile."""

from __future__ import annotations

import io
import random
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject
from pypdf.generic import NameObject as N
from pypdf.xmp import XmpInformation

WORDS = ("tender", "steel", "cement", "delivery", "warranty", "service", "schedule", "quality")


def prose(seed: int, words: int = 400) -> str:
    """A bidder's own text: a different seed, a different text."""
    rng = random.Random(seed)
    return " ".join(f"{rng.choice(WORDS)}{rng.randrange(1000)}" for _ in range(words))


def _page(writer: PdfWriter, text: str) -> None:
    font = DictionaryObject(
        {N("/Type"): N("/Font"), N("/Subtype"): N("/Type1"), N("/BaseFont"): N("/Helvetica")}
    )
    page = writer.add_blank_page(612, 792)
    page[N("/Resources")] = DictionaryObject({N("/Font"): DictionaryObject({N("/F1"): font})})
    lines = " ".join(f"({text[i : i + 90]}) '" for i in range(0, len(text), 90))
    contents = ContentStream(None, writer)
    contents.set_data(f"BT /F1 9 Tf 20 780 Td 11 TL {lines} ET".encode())
    page.replace_contents(contents)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_file(
    text: str = "", author: str = "", document_id: str = "", file_id: bool = False
) -> bytes:
    writer = PdfWriter()
    _page(writer, text)
    if author:
        writer.add_metadata({"/Author": author})
    if document_id:
        xmp = XmpInformation.create()
        xmp.xmpmm_document_id = document_id
        writer.xmp_metadata = xmp
    if file_id:
        writer.generate_file_identifiers()
    return _written(writer)


def edited(data: bytes, text: str) -> bytes:
    """The PDF opened, a page added and saved again, as a second bidder would edit a copy:
    its metadata and its first file identifier stay (the second changes)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    _page(writer, text)
    writer.generate_file_identifiers()
    return _written(writer)


def ofd_file(text: str = "", author: str = "", doc_id: str = "") -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    info = f"<ofd:DocID>{doc_id}</ofd:DocID><ofd:Author>{author}</ofd:Author>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "OFD.xml",
            f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>{info}'
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        package.writestr("Doc_0/Document.xml", f"<ofd:Document {ns}/>")
        for n, part in enumerate((text[: len(text) // 2], text[len(text) // 2 :])):
            package.writestr(
                f"Doc_0/Pages/Page_{n}/Content.xml",
                f"<ofd:Page {ns}><ofd:Content><ofd:Layer><ofd:TextObject>"
                f'<ofd:TextCode X="0" Y="10">{part}</ofd:TextCode>'
                "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>",
            )
    return out.getvalue()
