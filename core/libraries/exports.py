"""Library data as CSV or XLSX files, each watermarked with who asked, when and why.

A dataset names its columns and which of them are secret. Secret columns are left out unless
the approved request granted them by name (000 Art. 24: a controlled circle of knowledge).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.libraries.subjects.tables import Subject, SubjectKind
from core.spreadsheets import inert

BATCH = 2000


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@dataclass(frozen=True)
class Column:
    name: str
    title: str  # 中文 / English, the file's header
    secret: bool = False


RowSource = Callable[[Sequence[str]], AsyncIterator[list[object]]]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: RowSource  # yields the values of the named columns, row by row
    # Secret columns only for head office's library managers (an expert's identity), never
    # for a sub-platform, whatever an approval says.
    secrets_for_library_managers_only: bool = False

    def chosen(self, granted_secrets: Sequence[str]) -> list[Column]:
        return [c for c in self.columns if not c.secret or c.name in granted_secrets]

    @property
    def secret_names(self) -> set[str]:
        return {c.name for c in self.columns if c.secret}


SUBJECT_COLUMNS = (
    Column("credit_code", "统一社会信用代码 / credit code"),
    Column("name", "名称 / name"),
    Column("legal_representative", "法定代表人 / legal representative"),
    Column("address", "地址 / address"),
    Column("region_code", "地区代码 / region"),
    Column("state", "状态 / state"),
    Column("contact_name", "联系人 / contact"),
    Column("contact_phone", "联系电话 / phone", secret=True),
    Column("contact_email", "电子邮箱 / e-mail", secret=True),
    Column("business_scope", "经营范围 / business scope"),
    Column("controlling_shareholder", "控股股东 / controlling shareholder"),
    Column("controlling_shareholder_code", "控股股东统一社会信用代码 / its credit code"),
)


def _subject_rows(kind: SubjectKind) -> RowSource:
    async def rows(names: Sequence[str]) -> AsyncIterator[list[object]]:
        columns = [getattr(Subject, n) for n in names]
        last_id = 0
        while True:  # keyset pages: a million rows never sit in memory at once
            batch = (
                await Subject.select(Subject.id, *columns)
                .where((Subject.kind == kind.value) & (Subject.id > last_id))
                .order_by(Subject.id)
                .limit(BATCH)
            )
            if not batch:
                return
            for row in batch:
                yield [row[n] for n in names]
            last_id = batch[-1]["id"]

    return rows


DATASETS: dict[str, Dataset] = {
    "suppliers": Dataset(
        "suppliers", "供应商库 / suppliers", SUBJECT_COLUMNS, _subject_rows(SubjectKind.supplier)
    ),
    "agencies": Dataset(
        "agencies", "代理机构库 / agencies", SUBJECT_COLUMNS, _subject_rows(SubjectKind.agency)
    ),
}


def register_dataset(dataset: Dataset) -> None:
    """Other libraries (experts) add theirs."""
    DATASETS[dataset.name] = dataset


async def render(
    dataset: Dataset, granted: Sequence[str], fmt: ExportFormat, watermark: str
) -> bytes:
    columns = dataset.chosen(granted)
    names = [c.name for c in columns]
    titles = [c.title for c in columns]
    if fmt is ExportFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([f"# {watermark}"])
        writer.writerow(titles)
        async for row in dataset.rows(names):
            writer.writerow([inert(v) for v in row])
        writer.writerow([f"# {watermark}"])
        return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly
    # Imported here: openpyxl costs every worker ~20 MB and ~0.6 s of start-up (P3), for
    # head office's occasional downloads.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "阳光采购服务平台"
    workbook.properties.description = watermark
    sheet = workbook.create_sheet(dataset.name)
    sheet.oddHeader.center.text = watermark  # printed on every page
    sheet.oddFooter.center.text = watermark
    sheet.append([watermark])
    sheet.append(titles)
    async for row in dataset.rows(names):
        sheet.append([inert(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
