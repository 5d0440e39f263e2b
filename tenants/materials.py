"""Application materials: the checklist of each operator kind, and files checked by content.

City institution (seed 000 Art. 8): six items, the sixth only when asked for.
Provincial enterprise (Art. 9): five items, the fifth only when asked for.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from core.errors import DomainError
from core.tenancy.tables import TenantKind

MAX_MATERIAL_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    title: str
    required: bool = True


CHECKLISTS: dict[TenantKind, tuple[ChecklistItem, ...]] = {
    TenantKind.city: (
        ChecklistItem("application", "设立申请 / application"),
        ChecklistItem(
            "agreement", "与运营公司签订的合作协议 / agreement with the operator company"
        ),
        ChecklistItem("licence", "营业执照、章程及管理制度 / business licence, articles, rules"),
        ChecklistItem("premises", "场所及设备证明 / proof of premises and equipment"),
        ChecklistItem("audit", "近三年审计报告及信用证明 / three years' audits, credit proof"),
        ChecklistItem("other", "其他要求提供的材料 / other materials asked for", required=False),
    ),
    TenantKind.enterprise: (
        ChecklistItem("application", "设立申请 / application"),
        ChecklistItem("licence", "营业执照、章程、采购及管理制度 / licence, articles, rules"),
        ChecklistItem(
            "agreement", "与运营公司签订的合作协议 / agreement with the operator company"
        ),
        ChecklistItem("audit", "近三年审计报告及信用证明 / three years' audits, credit proof"),
        ChecklistItem("other", "其他要求提供的材料 / other materials asked for", required=False),
    ),
}

# Extension → the content type its bytes must show.
EXTENSIONS = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def checklist_item(kind: TenantKind, code: str) -> ChecklistItem:
    for item in CHECKLISTS[kind]:
        if item.code == code:
            return item
    raise DomainError(f"清单中没有此项 / no checklist item {code}", detail={"field": "item"})


GENERAL = "general"  # a deficiency that is about no one item


def deficiency_titles(kind: TenantKind) -> dict[str, str]:
    """What a returned application's deficiency items are called (item code → title)."""
    return {
        **{item.code: item.title for item in CHECKLISTS[kind]},
        GENERAL: "其他问题 / other problems",
    }


def item_title(code: str) -> str | None:
    """A checklist item's title, whichever kind's list it is from (the first that has it)."""
    return next((i.title for items in CHECKLISTS.values() for i in items if i.code == code), None)


def sniff(data: bytes) -> str | None:
    """The content type the bytes themselves show, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:  # OFD (GB/T 33190-2016) is a zip package whose root holds OFD.xml
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                if "OFD.xml" in package.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def check_size(filename: str, data: bytes) -> None:
    if len(data) > MAX_MATERIAL_BYTES:
        raise DomainError(
            f"文件超过 {MAX_MATERIAL_BYTES // 1024 // 1024} MB / the file is larger than "
            f"{MAX_MATERIAL_BYTES // 1024 // 1024} MB",
            detail={"field": "file", "filename": filename},
        )
    if not data:
        raise DomainError("文件为空 / the file is empty", detail={"field": "file"})


def check_file(filename: str, data: bytes) -> tuple[str, str]:
    """(extension, content type) when the file is acceptable; a DomainError saying why not."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise DomainError(
            "仅接受 PDF、OFD、JPEG、PNG 文件 / only PDF, OFD, JPEG and PNG files are accepted",
            detail={"field": "file", "filename": filename},
        )
    check_size(filename, data)
    actual = sniff(data)
    if actual != EXTENSIONS[extension]:
        raise DomainError(
            f"文件内容与扩展名 .{extension} 不符 / the content is not a .{extension} file",
            detail={"field": "file", "filename": filename},
        )
    return extension, actual


def missing_items(kind: TenantKind, uploaded: set[str]) -> list[ChecklistItem]:
    return [item for item in CHECKLISTS[kind] if item.required and item.code not in uploaded]
