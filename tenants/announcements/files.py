"""Announcement attachments (公告附件): besides the materials' PDF, OFD and images, tender
documents come as Word and Excel files and as ZIP bundles. Each is checked by its content, not
its name: a .docx or .xlsx must be an Office Open XML package of that kind with no macros, and
a .zip a plain archive without executables, macro documents, archives inside it, odd paths or a
bomb's ratio. A file that cannot be read as what it claims to be is refused as damaged, never a
server error."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from core.errors import DomainError
from tenants.materials import EXTENSIONS, MAX_MATERIAL_BYTES, check_file, check_size

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
# The part that tells the package's kind (ECMA-376 Part 2: [Content_Types].xml lists them).
OOXML_MAIN_PART = {"docx": (DOCX, "word/document.xml"), "xlsx": (XLSX, "xl/workbook.xml")}
# Office files inside a bundle are themselves ZIP packages: checked as such, not refused.
OOXML_INSIDE = {**OOXML_MAIN_PART, "pptx": (PPTX, "ppt/presentation.xml")}
ACCEPTED = sorted({*EXTENSIONS, *OOXML_MAIN_PART, "zip"})

CONTENT_TYPES = "[content_types].xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # a real one is a few kB
MAX_ENTRIES = 2000
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # a bomb packs far more than any real document does
# Inside a bundle: what runs when opened, and Office files that carry macros.
REFUSED_INSIDE = {
    "exe", "com", "bat", "cmd", "scr", "msi", "ps1", "vbs", "vbe", "js", "jse", "wsf", "hta",
    "jar", "lnk", "dll", "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "doc",
    "xls", "ppt",
}  # fmt: skip
# Archives inside a bundle would hide their content from these checks.
ARCHIVES = {"zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "cab"}
ZIP_MAGIC = b"PK\x03\x04"
# What reading a damaged, truncated or odd archive raises (bad CRC, bad deflate stream, an
# unsupported compression method, a missing member, an encrypted member).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    KeyError,
    RuntimeError,
    EOFError,
    ValueError,
)


def _refuse(zh: str, en: str, filename: str) -> DomainError:
    return DomainError(f"{zh} / {en}", detail={"field": "file", "filename": filename})


def _damaged(filename: str) -> DomainError:
    return _refuse("文件已损坏或不是压缩包", "the file is damaged or not a zip", filename)


def _package(filename: str, data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except UNREADABLE:
        raise _damaged(filename) from None
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


def _read(package: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The entry's bytes, or None when it declares or unpacks to more than limit."""
    if info.file_size > limit:
        return None
    with package.open(info) as entry:
        data = entry.read(limit + 1)
    return None if len(data) > limit else data


def _check_ooxml(filename: str, data: bytes, extension: str) -> str:
    content_type, main_part = OOXML_INSIDE[extension]
    with _package(filename, data) as package:
        try:
            return _check_ooxml_package(filename, package, extension, content_type, main_part)
        except UNREADABLE:
            raise _damaged(filename) from None


def _check_ooxml_package(
    filename: str, package: zipfile.ZipFile, extension: str, content_type: str, main_part: str
) -> str:
    infos = {info.filename.lower(): info for info in package.infolist()}
    if CONTENT_TYPES not in infos or main_part not in infos:
        raise _refuse(
            f"文件内容与扩展名 .{extension} 不符",
            f"the content is not a .{extension} file",
            filename,
        )
    raw = _read(package, infos[CONTENT_TYPES], MAX_CONTENT_TYPES_BYTES)
    if raw is None:
        raise _refuse(
            "文件的内容类型清单过大", "the file's [Content_Types].xml is too large", filename
        )
    types = raw.decode("utf-8", "replace").lower()
    if (
        any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in infos)
        or "macroenabled" in types
        or "vbaproject" in types
    ):
        raise _refuse("不接受含宏的文档", "documents with macros are refused", filename)
    return content_type


def _entry_extension(name: str) -> str:
    """Windows ignores trailing dots and spaces: `setup.exe.` opens as setup.exe."""
    last = PurePosixPath(name.replace("\\", "/")).name.rstrip(". ")
    return PurePosixPath(last).suffix.lower().lstrip(".")


def _check_bundle(filename: str, data: bytes) -> str:
    with _package(filename, data) as package:
        try:
            for info in package.infolist():
                if not info.is_dir():
                    _check_bundle_entry(filename, package, info)
        except UNREADABLE:
            raise _damaged(filename) from None
    return ZIP


def _check_bundle_entry(filename: str, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    name = info.filename
    inner = _entry_extension(name)
    if inner in REFUSED_INSIDE:
        raise _refuse(
            f"压缩包内不能含可执行文件或含宏文档（{name}）",
            f"the archive holds an executable or a macro document ({name})",
            filename,
        )
    nested = _refuse(
        f"压缩包内不能再含压缩包，请解压后分别上传（{name}）",
        f"archives inside the archive are refused; unpack and upload them instead ({name})",
        filename,
    )
    if inner in ARCHIVES:
        raise nested
    with package.open(info) as entry:
        magic = entry.read(len(ZIP_MAGIC))
    if magic != ZIP_MAGIC:
        return
    if inner not in OOXML_INSIDE:
        raise nested
    # A Word, Excel or PowerPoint file: a package of its own, checked like an attachment.
    content = _read(package, info, MAX_MATERIAL_BYTES)
    if content is None:
        raise _refuse(
            f"压缩包内的文件过大（{name}）",
            f"a file in the archive is too large ({name})",
            filename,
        )
    try:
        _check_ooxml(name, content, inner)
    except DomainError as refused:
        zh, _, en = refused.message.partition(" / ")
        raise _refuse(f"{zh}（{name}）", f"{en} ({name})", filename) from None


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
