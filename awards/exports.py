"""Excel exports of nominations (award lists): Vietnamese headers, numbers as numbers, frozen header row."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from awards.models import Nomination
from core.xlsx_cells import text_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def nomination_headers() -> list[str]:
    """Column titles, in order."""
    return [
        _("STT"),
        _("Kế hoạch"),
        _("Đợt"),
        _("Hình thức khen thưởng"),
        _("Tập thể/Cá nhân"),
        _("Tên"),
        _("Chức vụ"),
        _("Đơn vị"),
        _("Xếp hạng"),
        _("Tỷ lệ điểm (%)"),
        _("Đồng hạng tại ngưỡng"),
        _("Bổ sung thủ công"),
        _("Trạng thái"),
        _("Lý do đề xuất"),
        _("Thành tích"),
        _("Lý do không chấp thuận"),
        _("Ý kiến thẩm định"),
        _("Số tệp hồ sơ"),
        _("Quyết định"),
    ]


WIDTHS = [6, 40, 14, 36, 12, 32, 20, 32, 9, 12, 10, 10, 18, 60, 40, 40, 40, 10, 18]


def nomination_row(index: int, nomination: Nomination) -> list:
    """One nomination as cell values: integers and decimals stay numbers."""
    appraisal = ""
    if nomination.appraisal_agreed is not None:
        appraisal = _("Đồng ý") if nomination.appraisal_agreed else _("Không đồng ý")
        if nomination.appraisal_comment:
            appraisal += f": {nomination.appraisal_comment}"
    file_count = getattr(nomination, "file_count", None)
    if file_count is None:
        file_count = len(nomination.files.all())
    return [
        index,
        nomination.period.plan.full_name,
        nomination.period.name,
        nomination.award_kind.name,
        nomination.participant.get_kind_display(),
        nomination.name,
        nomination.position,
        nomination.unit_name,
        nomination.rank,
        Decimal(nomination.ratio) if nomination.ratio is not None else None,
        _("Có") if nomination.tied_at_cut else _("Không"),
        _("Có") if nomination.added_by_hand else _("Không"),
        nomination.get_status_display(),
        nomination.reason,
        nomination.achievement,
        nomination.reject_reason,
        appraisal,
        file_count,
        nomination.decision.number_display if nomination.decision is not None else "",
    ]


def nominations_xlsx(nominations: Iterable[Nomination], *, title: str | None = None) -> bytes:
    """A workbook of nominations (write-only mode, so a province-wide list stays small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or _("Đề nghị khen thưởng"))[:31])
    sheet.freeze_panes = "A2"
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[_column_letter(column)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2DCDB")
    header = []
    for text in nomination_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    for index, nomination in enumerate(nominations, start=1):
        values = nomination_row(index, nomination)
        row = []
        for position, value in enumerate(values):
            cell = text_cell(WriteOnlyCell(sheet, value=value))
            if position == 9 and value is not None:
                cell.number_format = "0.00"
            row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
