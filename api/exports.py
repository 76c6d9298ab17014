"""Reports as files finance can open: CSV, and XLSX with real numbers (finance works in Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], money: set[str], fmt: str, name: str
) -> Response:
    """`rows` hold money as two-decimal strings, as the JSON does: the figures stay the same;
    in a sheet the `money` columns become numbers formatted as such."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([[row.get(column, "") for column in columns] for row in rows])
        body, media_type = buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        sheet.append(list(columns))
        for row in rows:
            sheet.append([
                Decimal(row[column]) if column in money else row.get(column) for column in columns
            ])  # fmt: skip
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        buffer_bytes = io.BytesIO()
        book.save(buffer_bytes)
        body, media_type = buffer_bytes.getvalue(), XLSX
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, media_type=media_type, headers=headers)
