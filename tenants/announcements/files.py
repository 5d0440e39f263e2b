"""Announcement attachments (公告附件): besides the materials' PDF, OFD and images, tender
documents come as Word and Excel files and as ZIP bundles. Each is checked by its content, not
its name: a .docx or .xlsx must be an Office Open XML package of that kind with no macros, and
a .zip a plain archive without executables, macro documents, odd paths or a bomb's ratio."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from core.errors import DomainError
from tenants.materials import EXTENSIONS, check_file, check_size

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
# The part that tells the package's kind (ECMA-376 Part 2: [Content_Types].xml lists them).
OOXML_MAIN_PART = {"docx": (DOCX, "word/document.xml"), "xlsx": (XLSX, "xl/workbook.xml")}
ACCEPTED = sorted({*EXTENSIONS, *OOXML_MAIN_PART, "zip"})

MAX_ENTRIES = 2000
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # a bomb packs far more than any real document does
# Inside a bundle: what runs when opened, and Office files that carry macros.
REFUSED_INSIDE = {
    "exe", "com", "bat", "cmd", "scr", "msi", "ps1", "vbs", "vbe", "js", "jse", "wsf", "hta",
    "jar", "lnk", "dll", "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "doc",
    "xls", "ppt",
}  # fmt: skip


def _refuse(zh: str, en: str, filename: str) -> DomainError:
    return DomainError(f"{zh} / {en}", detail={"field": "file", "filename": filename})


def _package(filename: str, data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        damaged = _refuse("文件已损坏或不是压缩包", "the file is damaged or not a zip", filename)
        raise damaged from None
    unpacked = sum(info.file_size for info in infos)
    if (
        len(infos) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked > MAX_RATIO * max(len(data), 1)
    ):
        raise _refuse("压缩包内容过多或过大", "the archive unpacks too large", filename)
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.flag_bits & 0x1:
            raise _refuse("不接受加密的压缩包", "encrypted archives are refused", filename)
        if path.is_absolute() or ".." in path.parts or ":" in info.filename:
            raise _refuse("压缩包内含不安全的路径", "the archive holds unsafe paths", filename)
    return package


def _check_ooxml(filename: str, data: bytes, extension: str) -> str:
    content_type, main_part = OOXML_MAIN_PART[extension]
    with _package(filename, data) as package:
        names = {name.lower() for name in package.namelist()}
        if "[content_types].xml" not in names or main_part not in names:
            raise _refuse(
                f"文件内容与扩展名 .{extension} 不符",
                f"the content is not a .{extension} file",
                filename,
            )
        types = package.read("[Content_Types].xml").decode("utf-8", "replace").lower()
        if (
            any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in names)
            or "macroenabled" in types
            or "vbaproject" in types
        ):
            raise _refuse("不接受含宏的文档", "documents with macros are refused", filename)
    return content_type


def _check_bundle(filename: str, data: bytes) -> str:
    with _package(filename, data) as package:
        for name in package.namelist():
            inner = PurePosixPath(name).suffix.lower().lstrip(".")
            if inner in REFUSED_INSIDE:
                raise _refuse(
                    f"压缩包内不能含可执行文件或含宏文档（{name}）",
                    f"the archive holds an executable or a macro document ({name})",
                    filename,
                )
    return ZIP


def check_attachment(filename: str, data: bytes) -> str:
    """The content type of an acceptable attachment; a DomainError saying why not."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in EXTENSIONS:
        return check_file(filename, data)[1]
    if extension not in (*OOXML_MAIN_PART, "zip"):
        raise _refuse(
            "仅接受 PDF、OFD、JPEG、PNG、Word（.docx）、Excel（.xlsx）和 ZIP 文件",
            "only PDF, OFD, JPEG, PNG, .docx, .xlsx and .zip files are accepted",
            filename,
        )
    check_size(filename, data)
    if extension == "zip":
        return _check_bundle(filename, data)
    return _check_ooxml(filename, data, extension)
