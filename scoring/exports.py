"""Excel exports of standings and readings: openpyxl write-only (constant memory), one sheet per group, the plan and
period named on top, Vietnamese headers, numbers as numbers with formats, frozen header row."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from campaigns.formatting import short_date
from scoring import rules, selectors
from scoring.models import Reading, Standing
from scoring.windows import windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from campaigns.models import Period

HEADER_ROW = 4  # rows 1–2: plan and period; row 3 blank; row 4: headers (frozen)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
FILLS = {
    rules.MET: PatternFill("solid", fgColor="D1E7DD"),
    rules.CLOSE: PatternFill("solid", fgColor="FFF3CD"),
    rules.FAR: PatternFill("solid", fgColor="F8D7DA"),
}
NO_GROUP = "Không thuộc khối"

STANDING_HEADERS = [
    ("Hạng", 7), ("Đồng hạng", 10), ("Tên", 40), ("Đơn vị công tác", 30), ("Tổng điểm", 11),
    ("Điểm tối đa áp dụng", 12), ("Tỷ lệ điểm (%)", 12), ("Số tiêu chí đạt", 11), ("Số liệu đã có", 11),
    ("Số liệu phải có", 11), ("Đủ số liệu", 10),
]
READING_HEADERS = [
    ("STT", 6), ("Đối tượng", 36), ("Chỉ số", 44), ("Kỳ", 16), ("Từ ngày", 12), ("Đến ngày", 12), ("Tử số", 10),
    ("Mẫu số", 10), ("Tỷ lệ (%)", 10), ("Giá trị", 10), ("Trạng thái", 12), ("Người nhập", 16), ("Ghi chú", 30),
]


def _sheet_title(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name (≤ 31 characters, no []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:28] or "Trang"
    title, counter = base, 2
    while title.lower() in used:
        title = f"{base[:25]} ({counter})"
        counter += 1
    used.add(title.lower())
    return title


def _cell(sheet, value, *, font=None, fill=None, number_format: str | None = None, wrap: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _start_sheet(workbook: Workbook, title: str, period: Period, heading: str, headers: list[tuple[str, int]],
                 used: set[str]):
    sheet = workbook.create_sheet(_sheet_title(title, used))
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    plan = period.plan
    sheet.append([_cell(sheet, f"{heading} — Kế hoạch số {plan.number_display}: {plan.title}", font=TITLE)])
    sheet.append([_cell(sheet, f"{period.name} ({short_date(period.start)} – {short_date(period.end)}) · {title} · "
                               f"xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}", font=BOLD)])
    sheet.append([])
    sheet.append([_cell(sheet, header, font=BOLD, fill=HEADER_FILL, wrap=True) for header, _width in headers])
    return sheet


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _save(workbook: Workbook) -> tempfile.SpooledTemporaryFile:
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _group_key(standing: Standing) -> tuple:
    return (standing.group.order if standing.group else 10_000, standing.group_id or 0)


def write_standings(*, period: Period, standings: Iterable[Standing]) -> tempfile.SpooledTemporaryFile:
    """The standings of a period, one sheet per group, as an .xlsx file object (rewound)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    any_sheet = False
    for _key, rows in groupby(standings, key=_group_key):
        rows = iter(rows)
        first = next(rows)
        title = first.group.name if first.group else NO_GROUP
        sheet = _start_sheet(workbook, title, period, "BẢNG XẾP HẠNG THI ĐUA", STANDING_HEADERS, used)
        any_sheet = True
        for standing in _chain(first, rows):
            colour = rules.standing_colour(standing.ratio, standing.targets_met, standing.criteria_applicable)
            sheet.append([
                _cell(sheet, standing.rank, number_format="0"),
                "Đồng hạng" if standing.tied else "",
                standing.name,
                standing.participant.unit_name or "",
                _cell(sheet, standing.total_points, number_format="#,##0.00"),
                _cell(sheet, standing.max_points, number_format="#,##0.00"),
                _cell(sheet, standing.ratio, number_format="0.00", fill=FILLS.get(colour)),
                _cell(sheet, standing.targets_met, number_format="0"),
                _cell(sheet, standing.readings_present, number_format="0"),
                _cell(sheet, standing.readings_expected, number_format="0"),
                "Đủ" if standing.is_complete else "Chưa đủ",
            ])
    if not any_sheet:
        sheet = _start_sheet(workbook, "Xếp hạng", period, "BẢNG XẾP HẠNG THI ĐUA", STANDING_HEADERS, used)
        sheet.append(["Chưa có kết quả xếp hạng."])
    return _save(workbook)


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest


def write_readings(*, period: Period, readings: Iterable[Reading]) -> tempfile.SpooledTemporaryFile:
    """The readings of a period, one sheet per group, as an .xlsx file object (rewound)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    labels = {w.start: w.label for w in windows_for(period)}
    statuses = dict(Reading.Status.choices)

    def group_key(reading: Reading) -> tuple:
        group = reading.participant.group
        return (group.order if group else 10_000, group.pk if group else 0)

    any_sheet = False
    for _key, rows in groupby(readings, key=group_key):
        rows = iter(rows)
        first = next(rows)
        group = first.participant.group
        sheet = _start_sheet(workbook, group.name if group else NO_GROUP, period, "SỐ LIỆU THI ĐUA",
                             READING_HEADERS, used)
        any_sheet = True
        for number, reading in enumerate(_chain(first, rows), start=1):
            is_rate = reading.indicator.kind == "rate"
            rate = reading.rate / 100 if is_rate and reading.rate is not None else None
            sheet.append([
                _cell(sheet, number, number_format="0"),
                reading.participant.name,
                reading.indicator.name,
                labels.get(reading.window_start, short_date(reading.window_start)),
                _cell(sheet, reading.window_start, number_format="DD/MM/YYYY"),
                _cell(sheet, reading.window_end, number_format="DD/MM/YYYY"),
                _cell(sheet, reading.numerator if is_rate else None, number_format="#,##0"),
                _cell(sheet, reading.denominator if is_rate else None, number_format="#,##0"),
                _cell(sheet, rate, number_format="0.00%"),
                _cell(sheet, None if is_rate else reading.value, number_format="#,##0.##"),
                str(statuses.get(reading.status, reading.status)),
                reading.entered_by.get_username() if reading.entered_by else "",
                reading.note,
            ])
    if not any_sheet:
        sheet = _start_sheet(workbook, "Số liệu", period, "SỐ LIỆU THI ĐUA", READING_HEADERS, used)
        sheet.append(["Chưa có số liệu."])
    return _save(workbook)


def standings_workbook(*, period: Period, user: AbstractBaseUser) -> tempfile.SpooledTemporaryFile:
    """Standings export for what the user may see (streamed from the database)."""
    return write_standings(period=period, standings=selectors.standings_for(period=period, user=user).iterator(2000))


def readings_workbook(*, period: Period, user: AbstractBaseUser) -> tempfile.SpooledTemporaryFile:
    """Readings export for what the user may see (streamed from the database)."""
    return write_readings(period=period, readings=selectors.readings_for_export(period=period, user=user)
                          .iterator(2000))
