"""The streaming .xlsx writer of the readings export: what it writes reads back in a spreadsheet (here openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from scoring.xlsx_stream import CELL_LIMIT, CellStyle, StreamingWorkbook

STYLES = {
    "integer": CellStyle(number_format="#,##0"),
    "percent": CellStyle(number_format="0.00"),
    "yes_no": CellStyle(number_format='"Có";"Có";"Không"'),
    "header": CellStyle(bold=True, fill="DDE4EE", wrap=True),
}


def _saved(workbook: StreamingWorkbook, **options):
    handle = io.BytesIO()
    workbook.save(handle, **options)
    handle.seek(0)
    return load_workbook(handle)


def test_values_styles_and_layout_read_back():
    workbook = StreamingWorkbook(STYLES)
    sheet = workbook.add_sheet("Khối xã – Tỷ lệ", widths=[6, 30], frozen="C3", merged=["A1:B1"])
    sheet.append([("Tháng 01/2024", "header"), ("", "header")])
    sheet.append([("Tử số", "header"), ("Mẫu số", "header")])
    sheet.append([(1234, "integer"), (Decimal("91.8182"), "percent"), (None, None), (1, "yes_no"), (True, None)])
    book = _saved(workbook)
    result = book["Khối xã – Tỷ lệ"]
    assert result.freeze_panes == "C3"
    assert {str(merged) for merged in result.merged_cells.ranges} == {"A1:B1"}
    assert result.column_dimensions["B"].width == 30
    assert result["A1"].font.b and result["A1"].fill.fgColor.rgb == "FFDDE4EE" and result["A1"].alignment.wrap_text
    assert result["A3"].value == 1234 and result["A3"].number_format == "#,##0"
    assert float(result["B3"].value) == 91.8182 and result["B3"].number_format == "0.00"
    assert result["C3"].value is None  # a missing figure stays blank
    assert result["D3"].value == 1 and result["D3"].number_format == '"Có";"Có";"Không"'
    assert result["E3"].value is True


def test_text_a_user_typed_is_kept_escaped_and_cleaned():
    workbook = StreamingWorkbook(STYLES)
    sheet = workbook.add_sheet("Số liệu")
    sheet.append([('  <b>Số & liệu</b> "trích"  ', None), ("có\x01ký\x0btự lạ", None), ("x" * (CELL_LIMIT + 10), None)])
    result = _saved(workbook)["Số liệu"]
    assert result["A1"].value == '  <b>Số & liệu</b> "trích"  '  # markup as text, surrounding spaces kept
    assert result["B1"].value == "cókýtự lạ"  # characters XML cannot carry are dropped, not a broken file
    assert len(result["C1"].value) == CELL_LIMIT  # Excel's limit per cell


def test_rows_go_to_any_sheet_in_any_order_and_sheets_are_saved_in_the_order_given():
    workbook = StreamingWorkbook(STYLES)
    counts = workbook.add_sheet("Số lượng")
    rates = workbook.add_sheet("Tỷ lệ")
    for number in range(1, 4):
        rates.append([(number, "integer")])
        counts.append([(number * 10, "integer")])
    book = _saved(workbook, order=[rates, counts])
    assert book.sheetnames == ["Tỷ lệ", "Số lượng"]
    assert [row[0] for row in book["Số lượng"].iter_rows(values_only=True)] == [10, 20, 30]
