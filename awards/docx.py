"""The decision as a Word document (.docx), because offices finish their papers in Word.

Same content and layout rules as the PDF (Nghị định 30/2020): A4, margins 20/20/30/15 mm, Times New Roman,
the header table, căn cứ in italics, the articles, Nơi nhận and the signature block, then the attached list
in a landscape section (30 mm binding side); page numbers top centre from page 2; language vi-VN; the issuer
as author and the trích yếu as title.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Mm, Pt

from awards.models import Decision
from awards.pdf import decision_context
from awards.wording import issuer_phrase
from core.official_docx import (
    CENTER,
    JUSTIFY,
    LEFT,
    RIGHT,
    add_closing,
    add_header,
    as_bytes,
    fixed_widths,
    new_document,
    set_properties,
)
from core.official_docx import cell_text as _cell_text
from core.official_docx import paragraph as _paragraph


def render_decision_docx(decision: Decision) -> bytes:
    """The decision and its attached list as .docx bytes."""
    context = decision_context(decision)
    document = new_document()
    issuer = decision.issuer
    set_properties(
        document,
        author=(
            _("Ủy ban nhân dân %(issuer)s") % {"issuer": issuer_phrase(issuer)}
            if issuer.is_administrative
            else issuer.name
        ),
        title=decision.summary,
        subject=_("Quyết định %(number)s") % {"number": decision.number_display},
        category=_("Quyết định khen thưởng"),
        created=timezone.now(),
        printed=decision.signed_at,
    )
    add_header(
        document,
        issuer_lines=context["issuer_lines"],
        number_line=context["number_line"],
        place_and_date=context["place_and_date"],
    )

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

    add_closing(
        document,
        recipients=context["recipients"],
        signature_lines=context["signature_lines"],
        signer_name=context["signer_name"],
    )

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
    fixed_widths(table, column_widths)
    _paragraph(
        document,
        _("Tổng số tiền thưởng bằng chữ: %(words)s./.") % {"words": context["total_words"]},
        italic=True,
        align=LEFT,
        before=6,
    )

    return as_bytes(document)
