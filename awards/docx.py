"""The decision as a Word document (.docx), because offices finish their papers in Word.

Same content and layout rules as the PDF (Nghị định 30/2020): A4, margins 20/20/30/15 mm, Times New Roman,
the header table, căn cứ in italics, the articles, Nơi nhận and the signature block, then the attached list
in a landscape section (30 mm binding side); page numbers top centre from page 2; language vi-VN; the issuer
as author and the trích yếu as title.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from awards.models import Decision
from awards.pdf import decision_context
from awards.wording import issuer_phrase

FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align=CENTER,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    underline_border: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    if underline_border:
        _bottom_border(paragraph)
    return paragraph


def _bottom_border(paragraph) -> None:
    """A thin rule under a paragraph (the short lines under the issuer and the summary)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed_columns(table, widths) -> None:
    """Column widths Word and LibreOffice both keep: a fixed layout and the grid's own widths (cell widths alone
    are ignored by LibreOffice, which then splits the page into equal columns)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(width.twips)))


def _cell_text(cell, text: str, *, size: float = 12, bold: bool = False, italic: bool = False, align=LEFT) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic


def _page_number_header(section) -> None:
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


def _vietnamese_language(document) -> None:
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


def _properties(document, decision: Decision) -> None:
    """The file's properties are the decision's: the issuer as author, the trích yếu as title; nothing of
    python-docx's template (its author, revision, dates and comments) is left."""
    props = document.core_properties
    issuer = decision.issuer
    now = timezone.now()
    props.author = props.last_modified_by = (
        _("Ủy ban nhân dân %(issuer)s") % {"issuer": issuer_phrase(issuer)} if issuer.is_administrative else issuer.name
    )
    props.title = docx_title(decision.summary)
    props.subject = _("Quyết định %(number)s") % {"number": decision.number_display}
    props.category = _("Quyết định khen thưởng")
    props.keywords = props.comments = props.content_status = props.identifier = props.version = ""
    props.language = "vi-VN"
    props.revision = 1
    props.created = props.modified = now
    props.last_printed = decision.signed_at or now


def render_decision_docx(decision: Decision) -> bytes:
    """The decision and its attached list as .docx bytes."""
    context = decision_context(decision)
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    _vietnamese_language(document)
    _properties(document, decision)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number_header(section)

    header = document.add_table(rows=2, cols=2)
    _no_borders(header)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(62), Mm(103))
    _fixed_columns(header, widths)
    for row in header.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = header.rows[0].cells
    left.text = right.text = ""
    for index, line in enumerate(context["issuer_lines"]):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = CENTER
        run = paragraph.add_run(line)
        run.font.size, run.bold = Pt(13), True
    _bottom_border(left.paragraphs[-1])
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER)
    motto = right.add_paragraph()
    motto.alignment = CENTER
    run = motto.add_run("Độc lập - Tự do - Hạnh phúc")
    run.font.size, run.bold, run.underline = Pt(13.5), True, True
    _cell_text(header.rows[1].cells[0], context["number_line"], size=13, align=CENTER)
    _cell_text(header.rows[1].cells[1], context["place_and_date"], size=14, italic=True, align=CENTER)

    if context["is_draft"]:
        _paragraph(document, "DỰ THẢO", size=12, bold=True, align=RIGHT, before=6)
    _paragraph(document, "QUYẾT ĐỊNH", bold=True, before=18)
    _paragraph(document, decision.summary, bold=True)
    _paragraph(document, "", underline_border=True).paragraph_format.left_indent = Cm(6)
    document.paragraphs[-1].paragraph_format.right_indent = Cm(6)
    _paragraph(document, decision.authority_line, bold=True, before=12, after=6)
    for basis in context["legal_bases"]:
        _paragraph(document, basis, italic=True, align=JUSTIFY, indent=True, before=4)
    _paragraph(document, "QUYẾT ĐỊNH:", bold=True, before=10, after=4)
    for label, text in context["articles"]:
        for number, body in enumerate(line for line in text.splitlines() if line.strip()):
            paragraph = _paragraph(document, align=JUSTIFY, indent=True, before=6)
            if number == 0:
                run = paragraph.add_run(label + " ")
                run.bold, run.font.size = True, Pt(14)
            paragraph.add_run(body).font.size = Pt(14)

    closing = document.add_table(rows=1, cols=2)
    _no_borders(closing)
    _fixed_columns(closing, (Mm(75), Mm(90)))
    recipients, signature = closing.rows[0].cells
    recipients.width, signature.width = Mm(75), Mm(90)
    _cell_text(recipients, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in context["recipients"]:
        paragraph = recipients.add_paragraph()
        paragraph.add_run(f"- {line}").font.size = Pt(11)
    _cell_text(signature, context["signature_lines"][0], size=14, bold=True, align=CENTER)
    for line in context["signature_lines"][1:]:
        paragraph = signature.add_paragraph()
        paragraph.alignment = CENTER
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(14)
    for _blank in range(4):
        signature.add_paragraph()
    name = signature.add_paragraph()
    name.alignment = CENTER
    run = name.add_run(context["signer_name"])
    run.bold, run.font.size = True, Pt(14)

    annex = document.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    # Same margins as the PDF's annex: 30 mm on the binding side (left), 20 mm top, bottom and right.
    annex.top_margin, annex.bottom_margin, annex.left_margin, annex.right_margin = Mm(20), Mm(20), Mm(30), Mm(20)
    annex.different_first_page_header_footer = False  # the annex's first page is page 2 or later: numbered
    _paragraph(document, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", bold=True)
    _paragraph(document, context["annex_reference"], size=13, italic=True, after=8)
    headers = ["STT", "Tên tập thể, họ và tên cá nhân", "Chức vụ", "Đơn vị", "Thành tích", "Số tiền (đồng)"]
    column_widths = [Mm(13), Mm(50), Mm(40), Mm(48), Mm(70), Mm(26)]  # 247 mm: the page less 30 + 20
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    _fixed_columns(table, column_widths)
    for cell, text, width in zip(table.rows[0].cells, headers, column_widths, strict=True):
        _cell_text(cell, text, bold=True, align=CENTER)
        cell.width = width

    def add_section_row(title: str) -> None:
        row = table.add_row().cells
        merged = row[0].merge(row[-1])
        _cell_text(merged, title, bold=True)

    groups = [("Tập thể", context["collectives"]), ("Cá nhân", context["individuals"])]
    roman = iter(["I", "II"])
    for title, lines in groups:
        if not lines:
            continue
        add_section_row(f"{next(roman)}. {title}")
        for line in lines:
            cells = table.add_row().cells
            values = [
                str(line["stt"]),
                line["name"],
                line["position"],
                line["unit_name"],
                line["achievement"],
                line["amount_display"],
            ]
            aligns = [CENTER, LEFT, LEFT, LEFT, LEFT, RIGHT]
            for cell, value, align, width in zip(cells, values, aligns, column_widths, strict=True):
                _cell_text(cell, value, align=align)
                cell.width = width
    total = table.add_row().cells
    label = total[0].merge(total[4])
    _cell_text(
        label,
        _("Tổng cộng: %(collectives)s tập thể, %(individuals)s cá nhân")
        % {"collectives": len(context["collectives"]), "individuals": len(context["individuals"])},
        bold=True,
    )
    _cell_text(total[5], context["total_display"], bold=True, align=RIGHT)
    _paragraph(
        document,
        _("Tổng số tiền thưởng bằng chữ: %(words)s./.") % {"words": context["total_words"]},
        italic=True,
        align=LEFT,
        before=6,
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
