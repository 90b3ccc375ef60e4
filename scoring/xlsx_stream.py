"""A small streaming .xlsx writer for the very large readings export (millions of cells).

openpyxl's write-only mode keeps memory flat but spends about 10 µs per cell in its per-cell element writer, so the
national readings export (about 7 million cells) took minutes in cell serialisation alone. Here each row is one
string built from precomputed pieces (under 1 µs per cell) and written to its sheet's temporary file; the files are
zipped at the end. It writes only what the export uses: inline strings, numbers, a fixed set of cell styles, column
widths, frozen panes and merged header cells; openpyxl (and Excel, LibreOffice) read the result like any workbook.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Characters XML 1.0 does not allow (Excel refuses the file): removed from text, as openpyxl would refuse them.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CELL_LIMIT = 32_767
INLINE_CACHE = 20_000  # rendered strings kept per sheet
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


@dataclass(frozen=True)
class CellStyle:
    """What a cell may look like: a number format, bold or a larger font, a background colour, wrapped text."""

    number_format: str = "General"
    bold: bool = False
    size: int = 11
    fill: str | None = None  # RGB, e.g. "DDE4EE"
    wrap: bool = False


def _inline(text: str) -> str:
    """An inline string's XML: escaped, characters XML cannot carry removed, Excel's 32,767-character cell limit kept,
    surrounding spaces preserved."""
    text = escape(ILLEGAL.sub("", text[:CELL_LIMIT]))
    if text != text.strip():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


class StreamingWorkbook:
    """Sheets are created with their layout (widths, frozen panes, merged cells), rows are appended as
    (value, style name) pairs in any order across sheets, and `save` zips everything into the handle."""

    def __init__(self, styles: dict[str, CellStyle]) -> None:
        self._style_names = ["", *styles]
        self._styles = [CellStyle(), *styles.values()]
        self.style_ids = {name: index for index, name in enumerate(self._style_names)}
        self.sheets: list[StreamingSheet] = []

    def add_sheet(
        self, title: str, *, widths: Iterable[float] = (), frozen: str | None = None, merged: Iterable[str] = ()
    ) -> StreamingSheet:
        sheet = StreamingSheet(self, title, widths=list(widths), frozen=frozen, merged=list(merged))
        self.sheets.append(sheet)
        return sheet

    def save(self, handle: IO[bytes], *, order: list[StreamingSheet] | None = None, compresslevel: int = 1) -> None:
        """Zip the package into `handle`, the sheets in `order` (default: creation order); level 1 deflate: the
        XML of inline strings compresses almost as well as at level 6, three times faster."""
        sheets = order or self.sheets
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
            archive.writestr("[Content_Types].xml", self._content_types(len(sheets)))
            archive.writestr(
                "_rels/.rels",
                (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}">'
                    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>"
                ),
            )
            archive.writestr("xl/workbook.xml", self._workbook(sheets))
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels(len(sheets)))
            archive.writestr("xl/styles.xml", self._stylesheet())
            for index, sheet in enumerate(sheets, start=1):
                sheet.close()
                with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as target:
                    sheet.file.seek(0)
                    shutil.copyfileobj(sheet.file, target, 1024 * 1024)
                sheet.file.close()

    def _content_types(self, count: int) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="{SHEET_TYPE}"/>'
            for index in range(1, count + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheets}</Types>"
        )

    @staticmethod
    def _workbook(sheets: list[StreamingSheet]) -> str:
        entries = "".join(
            f'<sheet name={quoteattr(sheet.title)} sheetId="{index}" r:id="rId{index}"/>'
            for index, sheet in enumerate(sheets, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets></workbook>"
        )

    @staticmethod
    def _workbook_rels(count: int) -> str:
        sheets = "".join(
            f'<Relationship Id="rId{index}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
            for index in range(1, count + 1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'{sheets}<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        )

    def _stylesheet(self) -> str:
        formats: dict[str, int] = {}
        fonts: list[tuple[bool, int]] = [(False, 11)]
        fills: list[str | None] = [None, "gray125"]
        xfs = []
        for style in self._styles:
            format_id = BUILTIN_FORMATS.get(style.number_format)
            if format_id is None:
                format_id = formats.setdefault(style.number_format, 164 + len(formats))
            font = (style.bold, style.size)
            if font not in fonts:
                fonts.append(font)
            if style.fill not in fills:
                fills.append(style.fill)
            attributes = [
                f'numFmtId="{format_id}"',
                f'fontId="{fonts.index(font)}"',
                f'fillId="{fills.index(style.fill)}"',
                'borderId="0"',
                'xfId="0"',
            ]
            if format_id:
                attributes.append('applyNumberFormat="1"')
            if font != fonts[0]:
                attributes.append('applyFont="1"')
            if style.fill:
                attributes.append('applyFill="1"')
            if style.wrap:
                attributes.append('applyAlignment="1"')
                xfs.append(f'<xf {" ".join(attributes)}><alignment wrapText="1" vertical="center"/></xf>')
            else:
                xfs.append(f"<xf {' '.join(attributes)}/>")
        number_formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode={quoteattr(code)}/>' for code, number in formats.items()
        )
        font_xml = "".join(
            f'<font>{"<b/>" if bold else ""}<sz val="{size}"/><name val="Calibri"/><family val="2"/></font>'
            for bold, size in fonts
        )
        fill_xml = "".join(
            '<fill><patternFill patternType="none"/></fill>'
            if fill is None
            else '<fill><patternFill patternType="gray125"/></fill>'
            if fill == "gray125"
            else f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/><bgColor indexed="64"/>'
            "</patternFill></fill>"
            for fill in fills
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{font_xml}</fonts><fills count="{len(fills)}">{fill_xml}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        )


class StreamingSheet:
    """One worksheet written row by row to a temporary file (its XML), closed when the workbook is saved."""

    def __init__(
        self, workbook: StreamingWorkbook, title: str, *, widths: list[float], frozen: str | None, merged: list[str]
    ) -> None:
        self.title = title
        self.rows = 0
        self._merged = merged
        self._closed = False
        self._style_attributes: dict[str | None, str] = {
            name: f' s="{index}"' if index else "" for name, index in workbook.style_ids.items()
        }
        self._style_attributes[None] = ""
        self._inline_cache: dict[str, str] = {}  # the same names, indicators and labels come back on every row
        self._letters: list[str] = []
        self.file = tempfile.TemporaryFile()
        self._write = self._buffered_writer()
        self._write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}">{self._sheet_view(frozen)}<sheetFormatPr defaultRowHeight="15"/>'
        )
        if widths:
            self._write(
                "<cols>"
                + "".join(
                    f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
                    for index, width in enumerate(widths, start=1)
                )
                + "</cols>"
            )
        self._write("<sheetData>")

    def _buffered_writer(self) -> Callable[[str | None], None]:
        """Text written through a 1 MB buffer, encoded once per flush."""
        parts: list[str] = []
        size = 0
        file = self.file

        def write(text: str | None = None) -> None:
            nonlocal size
            if text is not None:
                parts.append(text)
                size += len(text)
            if size >= 1 << 20 or (text is None and parts):
                file.write("".join(parts).encode())
                parts.clear()
                size = 0

        return write

    @staticmethod
    def _sheet_view(frozen: str | None) -> str:
        if not frozen:
            return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        letters = frozen.rstrip("0123456789")
        row = int(frozen[len(letters) :])
        column = sum((ord(char) - 64) * 26**power for power, char in enumerate(reversed(letters.upper())))
        splits = (f' xSplit="{column - 1}"' if column > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
        pane = "bottomRight" if column > 1 and row > 1 else "topRight" if column > 1 else "bottomLeft"
        # As openpyxl writes it (which Excel opens): the other panes' selections, then the active one.
        others = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if pane == "bottomRight" else ""
        return (
            f'<sheetViews><sheetView workbookViewId="0"><pane{splits} topLeftCell="{frozen}" '
            f'activePane="{pane}" state="frozen"/>{others}<selection pane="{pane}" activeCell="{frozen}" '
            f'sqref="{frozen}"/></sheetView></sheetViews>'
        )

    def append(self, cells: list[tuple[Any, str | None]] | tuple[tuple[Any, str | None], ...]) -> None:
        """One row of (value, style name) pairs; None or "" leaves the cell blank (a style alone is kept). Ints come
        first in the type tests: most cells of the readings export are numbers."""
        self.rows += 1
        row = str(self.rows)
        letters = self._letters
        while len(letters) < len(cells):
            letters.append(get_column_letter(len(letters) + 1))
        attributes, inline = self._style_attributes, self._inline_cache
        parts = [f'<row r="{row}">']
        add = parts.append
        for letter, (value, style) in zip(letters, cells):
            kind = type(value)
            if kind is int:
                add(f'<c r="{letter}{row}"{attributes[style]}><v>{value}</v></c>')
            elif value is None or value == "":
                if style:
                    add(f'<c r="{letter}{row}"{attributes[style]}/>')
            elif kind is str:
                text = inline.get(value)
                if text is None:
                    text = self._inline(value)
                add(f'<c r="{letter}{row}"{attributes[style]} t="inlineStr">{text}</c>')
            elif kind is Decimal:
                add(f'<c r="{letter}{row}"{attributes[style]}><v>{value:f}</v></c>')
            elif kind is bool:
                add(f'<c r="{letter}{row}"{attributes[style]} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float | Decimal):
                add(f'<c r="{letter}{row}"{attributes[style]}><v>{value!r}</v></c>')
            else:
                add(f'<c r="{letter}{row}"{attributes[style]} t="inlineStr">{_inline(str(value))}</c>')
        add("</row>")
        self._write("".join(parts))

    def _inline(self, text: str) -> str:
        if len(self._inline_cache) >= INLINE_CACHE:
            self._inline_cache.clear()
        rendered = self._inline_cache[text] = _inline(text)
        return rendered

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._write("</sheetData>")
        if self._merged:
            self._write(
                f'<mergeCells count="{len(self._merged)}">'
                + "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merged)
                + "</mergeCells>"
            )
        self._write(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        self._write(None)  # flush
