"""Readings taken from the reports offices already download (issue 22): any .xlsx or .csv with one row per unit, in
its own layout, mapped once to our indicators and saved as a profile of the issuing unit, reused every month.

Pure but for reading the file: the sheet becomes a grid of values (merged header cells filled, so a two-row header
"Hồ sơ trực tuyến › Tổng số | Số hóa" labels each column fully); a header row is suggested; the unit column is
matched to the plan's collectives by code or by name without diacritics, case and words such as "UBND", "xã",
"phường"; total rows ("Tổng cộng", "Cộng") are skipped. The rows it produces are judged and written by the Excel
import's own functions (``scoring.excel.judge_readings``, ``import_readings``): same checks, preview, history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from campaigns.models import Participant
from campaigns.vietnamese import fold
from core.uploads import check_xlsx

MAX_ROWS = 5_000  # a ministry's report of every commune has 3,321 rows
MAX_COLUMNS = 80
# Words that name the kind of body, not the body: "UBND xã Tây Hiếu" and "Xã Tây Hiếu" are the same unit.
UNIT_WORDS = (
    "uy ban nhan dan",
    "ubnd",
    "thi tran",
    "thi xa",
    "thanh pho",
    "xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "tp",
    "tt",
)
# A total row: "Tổng cộng", "Tổng số", "Toàn tỉnh"… or a bare "Tổng"/"Cộng" ("Công an xã" is a unit, not a total).
TOTAL_STARTS = ("tong cong", "tong so", "toan tinh", "toan huyen", "toan xa")
TOTAL_WORDS = ("tong", "cong")
FIGURES = ("numerator", "denominator", "value")


@dataclass
class Table:
    """One sheet as rows of plain values (str, int, Decimal, date or None), merged cells filled with their value."""

    sheet: str
    rows: list[list[Any]]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def read_tables(content: bytes, filename: str) -> list[Table]:
    """The sheets of an .xlsx (checked like every upload first) or the one table of a .csv (UTF-8, comma or
    semicolon); a Vietnamese ValidationError for anything else."""
    if filename.lower().endswith(".csv"):
        return [_csv_table(content)]
    check_xlsx(content)
    try:
        book = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged package
        raise ValidationError(_("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.")) from None
    tables = []
    for sheet in book.worksheets:
        rows = [
            [_plain(cell) for cell in row[:MAX_COLUMNS]]
            for row in sheet.iter_rows(max_row=MAX_ROWS + 50, max_col=MAX_COLUMNS, values_only=True)
        ]
        for merged in sheet.merged_cells.ranges:  # a merged header labels every column it spans
            value = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else None
            for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if c - 1 < len(rows[r - 1]):
                        rows[r - 1][c - 1] = value
        tables.append(Table(sheet.title, _trimmed(rows)))
    book.close()
    return tables


def _csv_table(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Tệp CSV phải lưu bằng bảng mã UTF-8 (Excel: “CSV UTF-8”).")) from None
    dialect = "excel" if text[:2000].count(",") >= text[:2000].count(";") else "excel-semicolon"
    if dialect == "excel-semicolon":
        reader = csv.reader(io.StringIO(text), delimiter=";")
    else:
        reader = csv.reader(io.StringIO(text))
    rows = [[_plain(cell) for cell in row[:MAX_COLUMNS]] for _index, row in zip(range(MAX_ROWS + 50), reader)]
    return Table("CSV", _trimmed(rows))


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Without the blank rows at the end and the blank columns on the right (a sheet's used range is often wider)."""
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    width = max(
        (max((i + 1 for i, value in enumerate(row) if value is not None), default=0) for row in rows), default=0
    )
    return [row[:width] + [None] * (width - len(row[:width])) for row in rows]


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and not _number(value)[1]


def suggest_header_row(table: Table) -> int:
    """The 1-based number of the last header row: the row before the first row that holds two or more numbers,
    when the row itself is mostly labels; 1 when nothing looks like data."""
    for index, row in enumerate(table.rows):
        numbers = sum(1 for value in row if _number(value)[1])
        if numbers >= 2 and index > 0:
            return index
    return 1


def column_labels(table: Table, header_row: int) -> list[str]:
    """Each column's label: the header row's text, with the row above's when it differs (a merged group title)."""
    if not 1 <= header_row <= len(table.rows):
        return []
    own = table.rows[header_row - 1]
    above = table.rows[header_row - 2] if header_row >= 2 else []
    labels = []
    for index in range(table.width):
        text = str(own[index]) if index < len(own) and own[index] is not None else ""
        group = str(above[index]) if index < len(above) and above[index] is not None else ""
        if group and group != text and _is_label(above[index]):
            text = f"{group} › {text}" if text else group
        labels.append(text or _("Cột %(letter)s") % {"letter": letter(index)})
    return labels


def letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def unit_key(name: str) -> str:
    """A unit's name as reports and our tree both write it: folded, without the words naming the kind of body."""
    words = fold(name).replace(".", " ").split()
    text = " " + " ".join(words) + " "
    for word in UNIT_WORDS:
        text = text.replace(f" {word} ", " ")
    return " ".join(text.split())


def _number(value: Any) -> tuple[int | None, bool]:
    """A whole number ≥ 0 from a report's cell, thousands written "1.234" or "1,234" accepted; (None, False) if not."""
    if isinstance(value, bool) or value is None:
        return None, False
    if isinstance(value, int):
        return (value, True) if value >= 0 else (None, False)
    if isinstance(value, Decimal):
        return (int(value), True) if value >= 0 and value == value.to_integral_value() else (None, False)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = text.replace(".", "").replace(",", "")
    if text.isdigit() and len(text) <= 12:
        return int(text), True
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, False
    if number >= 0 and number == number.to_integral_value():
        return int(number), True
    return None, False


@dataclass
class Mapping:
    """Which sheet, header row and columns (0-based) hold the unit and each indicator's figures."""

    sheet: str
    header_row: int
    unit_column: int
    columns: dict[str, dict[str, int]] = field(default_factory=dict)  # indicator code → {"numerator": 3, …}

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "thidua-report-mapping/1",
            "sheet": self.sheet,
            "header_row": self.header_row,
            "unit_column": letter(self.unit_column),
            "columns": {
                code: {name: letter(i) for name, i in figures.items()} for code, figures in self.columns.items()
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """A mapping read back from a profile or a shared file; a Vietnamese ValidationError when malformed."""
        bad = ValidationError(_("Tệp cấu hình không đúng mẫu của Thi đua (thidua-report-mapping/1)."))
        if not isinstance(data, dict) or data.get("format") != "thidua-report-mapping/1":
            raise bad
        try:
            columns = {
                str(code): {str(name): _column_index(str(col)) for name, col in figures.items() if name in FIGURES}
                for code, figures in dict(data["columns"]).items()
            }
            return cls(
                sheet=str(data["sheet"]),
                header_row=int(data["header_row"]),
                unit_column=_column_index(str(data["unit_column"])),
                columns={code: figures for code, figures in columns.items() if figures},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise bad from None


def _column_index(text: str) -> int:
    text = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", text):
        raise ValueError(text)
    number = 0
    for char in text:
        number = number * 26 + ord(char) - 64
    return number - 1


@dataclass
class MappedReport:
    """What a mapping makes of a table: rows for ``judge_readings`` and what it could not use."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # the sheet row of each of ``rows``
    matched: dict[int, str] = field(default_factory=dict)  # participant id → the name the report wrote
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, name) matching no collective
    totals: list[int] = field(default_factory=list)  # sheet rows skipped as totals
    problems: list[str] = field(default_factory=list)


def match_participants(participants: list[Participant]) -> dict[str, Participant]:
    """Lookup of the plan's collectives by their unit's code and by their name's ``unit_key``."""
    lookup: dict[str, Participant] = {}
    for participant in participants:
        if participant.kind != Participant.Kind.COLLECTIVE:
            continue
        for key in (participant.name, participant.unit_name, getattr(participant.unit, "name", "")):
            if key:
                lookup.setdefault(unit_key(key), participant)
        code = getattr(participant.unit, "code", "")
        if code:
            lookup.setdefault(f"#{code.lower()}", participant)
    return lookup


def map_report(
    table: Table, mapping: Mapping, *, participants: list[Participant], window_start: dt.date
) -> MappedReport:
    """The rows of the report below its header as readings of ``window_start``, by the mapping."""
    result = MappedReport()
    lookup = match_participants(participants)
    seen: dict[int, int] = {}
    for number in range(mapping.header_row + 1, len(table.rows) + 1):
        row = table.rows[number - 1]
        cell = row[mapping.unit_column] if mapping.unit_column < len(row) else None
        if cell is None:
            continue
        name = str(cell).strip()
        folded = fold(name)
        if folded.rstrip(":") in TOTAL_WORDS or folded.startswith(TOTAL_STARTS):
            result.totals.append(number)
            continue
        participant = lookup.get(f"#{name.lower()}") or lookup.get(unit_key(name))
        if participant is None:
            result.unknown.append((number, name))
            continue
        if participant.pk in seen:
            result.problems.append(
                _("Dòng %(row)s: “%(name)s” trùng đơn vị với dòng %(first)s.")
                % {"row": number, "name": name, "first": seen[participant.pk]}
            )
            continue
        seen[participant.pk] = number
        result.matched[participant.pk] = name
        for code, figures in mapping.columns.items():
            values: dict[str, Any] = {}
            for figure, column in figures.items():
                raw = row[column] if column < len(row) else None
                parsed, ok = _number(raw)
                values[figure] = parsed if ok else (None if raw is None else str(raw))
            if all(values.get(figure) is None for figure in FIGURES):
                continue  # an empty cell leaves the reading as it is, as in our template
            result.rows.append({"participant": participant.pk, "indicator": code, "window": window_start, **values})
            result.row_numbers.append(number)
    return result
