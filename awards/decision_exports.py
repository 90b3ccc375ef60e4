"""Excel export of a decision's attached list (STT, name, position, unit, achievement, amount, total in words)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from awards.models import Decision
from awards.pdf import decision_context
from core.xlsx_cells import escape_workbook

HEADERS = ["STT", "Tên tập thể, họ và tên cá nhân", "Chức vụ", "Đơn vị", "Thành tích", "Số tiền (đồng)"]
WIDTHS = [7, 38, 30, 38, 60, 16]
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def decision_list_xlsx(decision: Decision) -> bytes:
    """The list attached to a decision as an .xlsx workbook; amounts are numbers, formatted "#,##0"."""
    context = decision_context(decision)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách khen thưởng")
    bold = Font(bold=True)
    sheet.append([_("DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG")])
    sheet.append([context["annex_reference"]])
    sheet.append([decision.summary])
    sheet.append([])
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1).font = Font(italic=True)
    sheet.append(HEADERS)
    header_row = sheet.max_row
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font, cell.border = bold, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    numerals = iter(["I", "II"])
    for title, lines in ((_("Tập thể"), context["collectives"]), (_("Cá nhân"), context["individuals"])):
        if not lines:
            continue
        sheet.append([f"{next(numerals)}. {title}"])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for line in lines:
            sheet.append(
                [line["stt"], line["name"], line["position"], line["unit_name"], line["achievement"], line["amount"]]
            )
            for column in range(1, len(HEADERS) + 1):
                cell = sheet.cell(row=sheet.max_row, column=column)
                cell.border = BOX
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0"
    sheet.append(["", _("Tổng cộng"), "", "", "", context["total"]])
    total_row = sheet.max_row
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(row=total_row, column=column).font = bold
        sheet.cell(row=total_row, column=column).border = BOX
    sheet.cell(row=total_row, column=6).number_format = "#,##0"
    sheet.append([_("Bằng chữ: %(words)s") % {"words": context["total_words"]}])
    sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    escape_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
