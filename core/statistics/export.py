"""The figures of the page as a CSV or XLSX file: the same tables, one after another (CSV) or a
sheet each (XLSX), money in yuan, each file marked with who took it and when."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from core.spreadsheets import inert
from core.statistics.layout import Cell, Kind, Table


def number(value: Cell, kind: Kind) -> Cell:
    """A cell as a spreadsheet holds it: yuan for fen, a percentage for a rate."""
    if value is None:
        return None
    if kind == "money":
        return Decimal(int(value)) / 100
    if kind == "rate":
        return round(float(value) * 100, 2)
    if kind == "ratio":
        return round(float(value), 2)
    return inert(value)


def _rows(table: Table) -> list[list[Cell]]:
    titles: list[Cell] = [c.title for c in table.columns]
    return [titles] + [
        [number(v, c.kind) for v, c in zip(row, table.columns, strict=True)] for row in table.rows
    ]


def to_csv(tables: list[Table], watermark: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"# {watermark}"])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(_rows(table))
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly


def to_xlsx(tables: list[Table], watermark: str) -> bytes:
    # Imported here: openpyxl costs a worker ~20 MB and ~0.6 s of start-up (P3).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "阳光采购服务平台"
    workbook.properties.description = watermark
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])  # Excel's limit on a sheet's name
        sheet.oddHeader.center.text = watermark
        sheet.append([watermark])
        for row in _rows(table):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
