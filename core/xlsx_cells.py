"""Text in every openpyxl export stays text: no cell of ours ever becomes a live formula (formula injection).

A participant's name, a reject reason or a note is typed by users; written as is, openpyxl turns a text starting
with ``=`` into a formula, and Excel re-evaluates one starting with ``+``, ``-`` or ``@`` as soon as someone edits
the cell. OWASP's CSV-injection advice is to mark such text as text: in an .xlsx that is a string cell with
``quotePrefix`` set, exactly what Excel stores when one types ``'=1+2``. The value itself is unchanged, so a
workbook read back (the data-entry template re-uploaded) gives the same text and still imports.

``text_cell`` is the one rule; ``row`` applies it to a write-only sheet's values and ``escape_workbook`` to every
cell of a normal-mode workbook just before it is saved. The streamed readings export (scoring.xlsx_stream) writes
inline strings only and never a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Text that a spreadsheet would read as (the start of) a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(cell: Any) -> Any:
    """Mark a cell holding formula-like text as plain text (string type, quote prefix); other cells are untouched."""
    value = cell.value
    if cell.data_type == "f" or is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Values for ``sheet.append`` on a write-only sheet: formula-like text becomes a marked string cell."""
    return [text_cell(WriteOnlyCell(sheet, value=value)) if is_formula_like(value) else value for value in values]


def escape_workbook(workbook: Any) -> None:
    """Every cell of a normal-mode workbook: formula-like text marked as text. Call it just before saving."""
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    text_cell(cell)
