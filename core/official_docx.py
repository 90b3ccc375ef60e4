"""Word documents in the layout of Nghị định 30/2020/NĐ-CP (python-docx), shared by every paper the app drafts: the
decision (awards/docx.py) and the period report (planning/reports/docx.py).

A4, margins 20/20/30/15 mm, Times New Roman; the header table (issuing body and số/ký hiệu on the left, Quốc hiệu,
Tiêu ngữ and place/date on the right) and the closing table (Nơi nhận on the left, the signature block on the right).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)


def paragraph(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: Any = CENTER,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    underline_border: bool = False,
) -> Any:
    """A paragraph with one run of text (or none), its alignment, spacing and first-line indent."""
    added = container.add_paragraph()
    added.alignment = align
    fmt = added.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        run = added.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    if underline_border:
        bottom_border(added)
    return added


def bottom_border(paragraph: Any) -> None:
    """A thin rule under a paragraph (the short lines under the issuer and the summary)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def fixed_widths(table: Any, widths: Sequence[Any]) -> None:
    """Column widths that hold in Word and LibreOffice alike (the grid, every cell, no autofit)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def cell_text(
    cell: Any, text: str, *, size: float = 12, bold: bool = False, italic: bool = False, align: Any = LEFT
) -> None:
    cell.text = ""
    first = cell.paragraphs[0]
    first.alignment = align
    run = first.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic


def new_document() -> Any:
    """An empty A4 document with the decree's font and margins."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    vietnamese_language(document)
    page_number_header(section)
    return document


def page_number_header(section: Any) -> None:
    """Page numbers top centre at 13 pt, not on page 1 (Nghị định 30/2020): a PAGE field in the header, and a
    different (empty) first-page header on the first section."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == "PAGE" else "w:t")
            if text == "PAGE":
                element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def vietnamese_language(document: Any) -> None:
    """Spelling and hyphenation in Vietnamese: vi-VN on the default run properties and the Normal style."""
    for rpr in (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
        document.styles["Normal"].element.get_or_add_rPr(),
    ):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for key in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(key), "vi-VN")


def docx_title(summary: str) -> str:
    """The trích yếu as the file's title; Word's core properties hold at most 255 characters."""
    return summary if len(summary) <= 255 else summary[:254].rstrip() + "…"


def set_properties(
    document: Any, *, author: str, title: str, subject: str, category: str, created: Any, printed: Any = None
) -> None:
    """The file's properties are the paper's: the issuer as author, the trích yếu as title; nothing of python-docx's
    template (its author, revision, dates and comments) is left."""
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.title = docx_title(title)
    props.subject, props.category = subject, category
    props.keywords = props.comments = props.content_status = props.identifier = props.version = ""
    props.language = "vi-VN"
    props.revision = 1
    props.created = props.modified = created
    props.last_printed = printed or created


def add_header(document: Any, *, issuer_lines: Sequence[str], number_line: str, place_and_date: str) -> None:
    """The header table: issuing body with its short rule and số/ký hiệu; Quốc hiệu, Tiêu ngữ and place/date."""
    header = document.add_table(rows=2, cols=2)
    no_borders(header)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(header, (Mm(62), Mm(103)))
    left, right = header.rows[0].cells
    left.text = right.text = ""
    for index, line in enumerate(issuer_lines):
        added = left.paragraphs[0] if index == 0 else left.add_paragraph()
        added.alignment = CENTER
        run = added.add_run(line)
        run.font.size, run.bold = Pt(13), True
    bottom_border(left.paragraphs[-1])
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER)
    motto = right.add_paragraph()
    motto.alignment = CENTER
    run = motto.add_run("Độc lập - Tự do - Hạnh phúc")
    run.font.size, run.bold, run.underline = Pt(13.5), True, True
    cell_text(header.rows[1].cells[0], number_line, size=13, align=CENTER)
    cell_text(header.rows[1].cells[1], place_and_date, size=14, italic=True, align=CENTER)


def add_closing(
    document: Any, *, recipients: Sequence[str], signature_lines: Sequence[str], signer_name: str, room: int = 4
) -> None:
    """Nơi nhận (12 bold italic, the list at 11 with "- ") and the signature block (title, room to sign, name)."""
    closing = document.add_table(rows=1, cols=2)
    no_borders(closing)
    fixed_widths(closing, (Mm(75), Mm(90)))
    left, signature = closing.rows[0].cells
    cell_text(left, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in recipients:
        left.add_paragraph().add_run(f"- {line}").font.size = Pt(11)
    cell_text(signature, signature_lines[0], size=14, bold=True, align=CENTER)
    for line in signature_lines[1:]:
        added = signature.add_paragraph()
        added.alignment = CENTER
        run = added.add_run(line)
        run.bold, run.font.size = True, Pt(14)
    for _blank in range(room):  # lines left blank to sign in
        signature.add_paragraph()
    name = signature.add_paragraph()
    name.alignment = CENTER
    run = name.add_run(signer_name)
    run.bold, run.font.size = True, Pt(14)


def as_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
