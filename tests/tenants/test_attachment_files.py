"""Word, Excel and ZIP attachments are checked by their content (tenants.announcements.files)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from core.errors import DomainError
from tenants.announcements.files import DOCX, XLSX, ZIP, check_attachment
from tests.tenants.helpers import PDF, WORD_TYPES, docx, package


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "报价"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_word_excel_and_zip_files_are_accepted_by_content() -> None:
    assert check_attachment("招标文件.docx", docx()) == DOCX
    assert check_attachment("报价表.XLSX", xlsx()) == XLSX
    bundle = package({"图纸/总图.pdf": PDF, "清单.xlsx": xlsx()})
    assert check_attachment("附件.zip", bundle) == ZIP
    assert check_attachment("公告.pdf", PDF) == "application/pdf"  # the materials' own rules


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("招标文件.docx", PDF, "损坏"),  # a PDF renamed
        ("招标文件.docx", package({"[Content_Types].xml": WORD_TYPES}), "不符"),
        ("报价表.xlsx", docx(), "不符"),  # a Word file named as Excel
        ("招标文件.docx", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "宏"),
        (
            "招标文件.docx",
            package(
                {
                    "[Content_Types].xml": WORD_TYPES.replace(
                        "document.main+xml", "document.macroEnabled.main+xml"
                    ),
                    "word/document.xml": "<w:document/>",
                }
            ),
            "宏",
        ),
        ("招标文件.docm", docx(), "仅接受"),
        ("招标文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "仅接受"),
        ("附件.zip", package({"setup.exe": b"MZ"}), "可执行"),
        ("附件.zip", package({"报价.xlsm": b"PK"}), "含宏"),
        ("附件.zip", package({"../../etc/passwd": b"x"}), "路径"),
        ("附件.zip", package({"big.txt": b"0" * 5_000_000}), "过大"),  # a bomb's ratio
        ("附件.zip", b"PK\x03\x04 truncated", "损坏"),
        ("附件.zip", b"", "为空"),
    ],
)
def test_bad_attachments_are_refused_with_the_reason(
    filename: str, data: bytes, reason: str
) -> None:
    with pytest.raises(DomainError) as refused:
        check_attachment(filename, data)
    assert reason in refused.value.message, refused.value.message


def test_an_encrypted_archive_is_refused() -> None:
    data = bytearray(package({"a.pdf": PDF}, compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag bit in the local and the central header, as zip tools do.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x01
    with pytest.raises(DomainError) as refused:
        check_attachment("附件.zip", bytes(data))
    assert "加密" in refused.value.message


def with_bad_crc(data: bytes, content: bytes) -> bytes:
    """The archive with one byte of a stored entry's content changed: its CRC no longer fits."""
    spoiled = bytearray(data)
    at = spoiled.index(content)
    spoiled[at] ^= 0xFF
    return bytes(spoiled)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        # [Content_Types].xml spelled in lower case: found, not a KeyError.
        (
            "招标文件.docx",
            package(
                {
                    "[content_types].xml": WORD_TYPES.replace(
                        "document.main+xml", "document.macroEnabled.main+xml"
                    ),
                    "word/document.xml": "<w:document/>",
                }
            ),
        ),
        # A bad CRC in [Content_Types].xml, and in an entry of a bundle.
        (
            "招标文件.docx",
            with_bad_crc(
                package(
                    {"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w:document/>"},
                    compression=zipfile.ZIP_STORED,
                ),
                WORD_TYPES.encode()[-40:],
            ),
        ),
        (
            "附件.zip",
            with_bad_crc(
                package({"a.pdf": PDF + b"tail-of-the-file"}, compression=zipfile.ZIP_STORED),
                b"tail-of-the-file",
            ),
        ),
    ],
)
def test_unreadable_packages_are_refused_not_a_server_error(filename: str, data: bytes) -> None:
    with pytest.raises(DomainError) as refused:
        check_attachment(filename, data)
    assert "损坏" in refused.value.message or "宏" in refused.value.message


def test_a_lower_case_content_types_part_is_read() -> None:
    data = package({"[content_types].xml": WORD_TYPES, "word/document.xml": "<w:document/>"})
    assert check_attachment("招标文件.docx", data) == DOCX


def test_an_oversized_content_types_part_is_refused() -> None:
    data = package(
        {
            "[Content_Types].xml": WORD_TYPES + " " * (1024 * 1024 + 1),
            "word/document.xml": "<w:document/>",
        },
        compression=zipfile.ZIP_STORED,  # below the bomb's ratio: the part's own cap refuses it
    )
    with pytest.raises(DomainError) as refused:
        check_attachment("招标文件.docx", data)
    assert "清单过大" in refused.value.message


@pytest.mark.parametrize(
    "entries",
    [
        {"里层.zip": package({"setup.exe": b"MZ"})},
        {"里层.bin": package({"setup.exe": b"MZ"})},  # a zip by its bytes, whatever its name
        {"资料.rar": b"Rar!\x1a\x07\x00"},
        {"资料.7z": b"7z\xbc\xaf\x27\x1c"},
        {"资料.tar.gz": b"\x1f\x8b\x08"},
        {"资料.cab": b"MSCF"},
    ],
)
def test_archives_inside_a_bundle_are_refused(entries: dict[str, bytes]) -> None:
    with pytest.raises(DomainError) as refused:
        check_attachment("附件.zip", package({"说明.pdf": PDF, **entries}))
    assert "压缩包内不能再含压缩包" in refused.value.message
    assert "archives inside the archive" in refused.value.message


def test_office_files_inside_a_bundle_are_checked_as_packages() -> None:
    macro = docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    with pytest.raises(DomainError) as refused:
        check_attachment("附件.zip", package({"招标文件.docx": macro}))
    assert "宏" in refused.value.message and "招标文件.docx" in refused.value.message


@pytest.mark.parametrize("name", ["setup.exe.", "setup.exe ", "setup.exe. .", "dir/run.BAT.."])
def test_trailing_dots_and_spaces_do_not_hide_an_executable(name: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_attachment("附件.zip", package({name: b"MZ"}))
    assert "可执行" in refused.value.message
