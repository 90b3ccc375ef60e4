"""The cell values of a large read-only worksheet, three times faster than openpyxl's own row iteration.

The Excel import reads 10,000-row sheets: openpyxl's ``iter_rows(values_only=True)`` builds a dict per cell in Python
and was most of the import's reading time. ``sheet_rows`` streams the same sheet XML with lxml and gives exactly the
same rows (same padding, gaps, ``<dimension>`` limit, shared strings, dates, numbers, booleans; a workbook opened with
``data_only=True``), reusing openpyxl's workbook, styles and converters. Whatever it does not recognise — an
openpyxl without the attributes it relies on, a DTD, an unusual cell reference, a value it cannot convert, broken
XML — makes it hand over to openpyxl, which then reads the sheet from the start as before. ``open_workbook`` opens
the file as ``load_workbook`` does but leaves each sheet's size to be read on first use (or in the same pass as the
rows). tests/scoring/test_excel_rows.py compares both paths on the template, hand-made edge cases and random
workbooks.
"""

from __future__ import annotations

from typing import IO, Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.dimensions import SheetDimension

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, INLINE, TEXT, RUN, DIMENSION, DATA = (
    f"{MAIN}{tag}" for tag in ("row", "c", "v", "is", "t", "r", "dimension", "sheetData")
)
DIGITS = "0123456789"


def open_workbook(source: IO[bytes]):
    """``load_workbook(source, read_only=True, data_only=True)``, except that a sheet learns its size (``<dimension>``)
    only when asked: openpyxl reads it on opening, and a sheet without one (a workbook written in write-only mode)
    is then parsed whole just for that — 6 MB of XML for a 10,000-row import, before ``sheet_rows`` reads it again.
    An openpyxl whose reader does not look as expected opens the file the usual way."""
    try:
        reader = _LazyReader(source, read_only=True, data_only=True)
        reader.read()
    except Exception:
        source.seek(0)
        return load_workbook(source, read_only=True, data_only=True)
    return reader.wb


class _LazilySizedSheet(ReadOnlyWorksheet):
    """A read-only worksheet that reads its dimension on first use instead of on opening."""

    _sized = False

    def _get_size(self) -> None:
        pass  # on first use (_sizes), or found by sheet_rows in the same pass as the rows

    def _sizes(self) -> None:
        if not self._sized:
            self._sized = True
            ReadOnlyWorksheet._get_size(self)

    def _set_size(self, boundaries: tuple[int, int, int, int] | None) -> None:
        self._sized = True
        if boundaries is not None:
            self._min_column, self._min_row, self._max_column, self._max_row = boundaries

    def reset_dimensions(self) -> None:
        self._sized = True
        super().reset_dimensions()

    @property
    def min_row(self) -> int:
        self._sizes()
        return self._min_row

    @property
    def max_row(self) -> int | None:
        self._sizes()
        return self._max_row

    @property
    def min_column(self) -> int:
        self._sizes()
        return self._min_column

    @property
    def max_column(self) -> int | None:
        self._sizes()
        return self._max_column


class _LazyReader(ExcelReader):
    """openpyxl's reader in read-only mode, its worksheets sized lazily (its own read_worksheets, read-only part)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            rels_path = get_rels_path(rel.target)
            if rels_path in self.valid_files:
                get_dependents(self.archive, rels_path)  # read as openpyxl does, so a broken one fails alike
            worksheet = _LazilySizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


class _Unsupported(Exception):
    """Something the fast path does not handle: openpyxl reads the sheet instead."""


def sheet_rows(sheet, *, min_row: int, max_col: int, limit: int) -> list[tuple[Any, ...]]:
    """The first ``limit`` rows of values from ``min_row`` on, each ``max_col`` wide: what ``sheet.iter_rows(
    min_row=…, max_col=…, values_only=True)`` gives for a read-only, data-only openpyxl worksheet."""
    try:
        return _fast_rows(sheet, min_row=min_row, max_col=max_col, limit=limit)
    except Exception:
        rows = []
        for values in sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True):
            rows.append(values)
            if len(rows) >= limit:
                break
        return rows


def _fast_rows(sheet, *, min_row: int, max_col: int, limit: int) -> list[tuple[Any, ...]]:
    """openpyxl's ``ReadOnlyWorksheet._cells_by_row`` with ``WorkSheetParser.parse_cell`` (data_only) inlined."""
    workbook = sheet.parent
    if not workbook.data_only:
        raise _Unsupported("formulas would have to be read")
    strings, epoch = sheet._shared_strings, workbook.epoch
    dates, durations = workbook._date_formats, workbook._timedelta_formats
    # openpyxl stops at the last row of <dimension>: known already, or found below as openpyxl finds it (the first
    # <dimension> ending before <sheetData> does; after that, there is none).
    sized = not isinstance(sheet, _LazilySizedSheet) or sheet._sized
    max_row = sheet.max_row if sized else None
    empty = (None,) * max_col
    columns: dict[str, int] = {}
    rows: list[tuple[Any, ...]] = []
    with workbook._archive.open(sheet._worksheet_path) as source:
        if b"<!DOCTYPE" in source.read(4096):
            raise _Unsupported("a DTD")  # entities are resolved by the standard library, not here
    with workbook._archive.open(sheet._worksheet_path) as source:
        counter, number, seen_row = min_row, 0, False
        parsing = etree.iterparse(
            source, events=("end",), tag=(ROW, DIMENSION, DATA), resolve_entities=False, no_network=True
        )
        for _event, row in parsing:
            if row.tag != ROW:
                if not sized:
                    if row.tag == DIMENSION:
                        if seen_row:
                            raise _Unsupported("a <dimension> after rows")
                        boundaries = SheetDimension.from_tree(row).boundaries
                        max_row = boundaries[3]
                        sheet._set_size(boundaries)
                    else:
                        sheet._set_size(None)
                    sized = True
                continue
            seen_row = True
            mark = row.get("r")
            if mark is None:
                number += 1
            else:
                try:
                    number = int(mark)
                except ValueError:
                    value = float(mark)
                    if not value.is_integer():
                        raise
                    number = int(value)
            if max_row is not None and number > max_row:
                break
            while counter < number and len(rows) < limit:  # rows missing from the file
                counter += 1
                rows.append(empty)
            if counter == number:
                rows.append(_row_values(row, max_col, columns, strings, epoch, dates, durations))
                counter += 1
            if len(rows) >= limit:
                return rows[:limit]
            row.clear(keep_tail=True)
            while row.getprevious() is not None:
                del row.getparent()[0]
        if parsing.root is not None and parsing.root.getroottree().docinfo.doctype:
            raise _Unsupported("a DTD")
    if max_row is not None and max_row < number:
        rows.extend(empty for _ in range(counter, max_row + 1))
    return rows[:limit]


def _row_values(
    row, max_col: int, columns: dict[str, int], strings, epoch, dates: set[int], durations: set[int]
) -> tuple[Any, ...]:
    """One ``<row>``'s values, placed by the column of each cell's reference (or the next column without one)."""
    values: list[Any] = [None] * max_col
    column = 0
    for cell in row:
        if not isinstance(cell.tag, str):
            continue  # a comment, which the standard library's parser drops as well
        if cell.tag != CELL:
            raise _Unsupported(cell.tag)
        reference = cell.get("r")
        if reference:
            letters = reference.rstrip(DIGITS)
            if letters not in columns:
                if letters == reference or not letters.isascii() or not letters.isalpha() or not letters.isupper():
                    raise _Unsupported(reference)
                columns[letters] = column_index_from_string(letters)
            column = columns[letters]
        else:
            column += 1
        if column <= max_col:
            values[column - 1] = _value(cell, strings, epoch, dates, durations)
    return tuple(values)


def _value(cell, strings, epoch, dates: set[int], durations: set[int]) -> Any:
    """One cell's value as openpyxl's ``parse_cell`` gives it with ``data_only=True`` (no rich text)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        for child in cell:
            if child.tag == INLINE:
                return _inline_text(child)
        return None
    value = None
    for child in cell:
        if child.tag == VALUE:
            value = child.text or None
            break
    if value is None:
        return None
    if kind == "n":
        number = _cast_number(value)
        style = cell.get("s", 0)
        style = int(style) if style else 0
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl treats an out-of-range date serial as an error cell
        return number
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # "str" (a formula's text result), "e" (an error such as #N/A)


def _inline_text(element) -> str:
    """openpyxl's ``Text.content``: the plain ``<t>`` then every run's ``<t>``; phonetic runs are left out."""
    plain, runs = None, []
    for child in element:
        if child.tag == TEXT:
            plain = child.text  # a second <t> replaces the first, as in openpyxl
        elif child.tag == RUN:
            text = None
            for part in child:
                if part.tag == TEXT:
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)
