"""Excel exports of standings and readings, in constant memory: the plan and period named on top, Vietnamese
headers, numbers as numbers with formats, frozen headers. Standings: openpyxl write-only, one sheet per group.
Readings: one row per participant × indicator with the period's windows as columns, one sheet per group and family
of indicator (rates / counts and yes-no), written by scoring.xlsx_stream (millions of cells at national scale)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from campaigns.models import Participant, Unit
from core.formatting import short_date
from core.xlsx_cells import row as text_row
from core.xlsx_cells import text_cell
from scoring import rules, selectors
from scoring.models import Reading, Standing
from scoring.xlsx_stream import CellStyle, StreamingSheet, StreamingWorkbook

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User

    from campaigns.models import Period
    from scoring.windows import Window

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
    ("Hạng", 7),
    ("Đồng hạng", 10),
    ("Tên", 40),
    ("Đơn vị công tác", 30),
    ("Tổng điểm", 11),
    ("Điểm tối đa áp dụng", 12),
    ("Tỷ lệ điểm (%)", 12),
    ("Số tiêu chí đạt", 11),
    ("Số liệu đã có", 11),
    ("Số liệu phải có", 11),
    ("Đủ số liệu", 10),
]
READING_HEADERS = [
    ("STT", 6),
    ("Đối tượng", 36),
    ("Chỉ số", 44),
    ("Kỳ", 16),
    ("Từ ngày", 12),
    ("Đến ngày", 12),
    ("Tử số", 10),
    ("Mẫu số", 10),
    ("Tỷ lệ (%)", 10),
    ("Giá trị", 10),
    ("Trạng thái", 12),
    ("Người nhập", 16),
    ("Ghi chú", 30),
]


def _sheet_title(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name (≤ 31 characters, no []:*?/\\, no apostrophe first or last)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip(" '")[:28].rstrip(" '") or "Trang"
    title, counter = base, 2
    while title.lower() in used:
        title = f"{base[:25]} ({counter})"
        counter += 1
    used.add(title.lower())
    return title


def _cell(sheet, value, *, font=None, fill=None, number_format: str | None = None, wrap: bool = False):
    cell = text_cell(WriteOnlyCell(sheet, value=value))
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _start_sheet(
    workbook: Workbook, title: str, period: Period, heading: str, headers: list[tuple[str, int]], used: set[str]
):
    sheet = workbook.create_sheet(_sheet_title(title, used))
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _title_rows(sheet, period, heading, title)
    sheet.append([])
    sheet.append([_cell(sheet, header, font=BOLD, fill=HEADER_FILL, wrap=True) for header, _width in headers])
    return sheet


def _title_rows(sheet, period: Period, heading: str, title: str) -> None:
    """Rows 1–2 of every sheet: the plan, then the period, the sheet and when it was exported."""
    plan = period.plan
    sheet.append([_cell(sheet, f"{heading} — {plan.short_name}: {plan.title}", font=TITLE)])
    sheet.append(
        [
            _cell(
                sheet,
                f"{period.name} ({short_date(period.start)} – {short_date(period.end)}) · {title} · "
                f"xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}",
                font=BOLD,
            )
        ]
    )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _save(workbook: Workbook) -> tempfile.SpooledTemporaryFile:
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _list_key(standing: Standing) -> tuple:
    return (standing.group.order if standing.group else 10_000, standing.group_id or 0, standing.kind)


def _standings_sheet_title(group_name: str, kind: str) -> str:
    """ "<group> – Tập thể" / "<group> – Cá nhân" within Excel's 31 characters (a long name cut at a word)."""
    suffix = f" – {Participant.Kind(kind).label}"
    room = 28 - len(suffix)
    name = group_name.strip()
    if len(name) > room:
        cut = name[: room - 1]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;–-") + "…"
    return name + suffix


HISTORY_TITLE = "Trước sáp nhập"
HISTORY_HEADERS = [
    ("Đơn vị hiện nay", 30),
    ("Đơn vị trước sáp nhập (tên khi xếp hạng)", 36),
    ("Kế hoạch", 30),
    ("Đợt", 22),
    ("Hạng", 7),
    ("Trong số", 9),
    ("Tổng điểm", 11),
    ("Tỷ lệ điểm (%)", 12),
]


def write_standings(
    *, period: Period, standings: Iterable[Standing], history: dict[int, list[Standing]] | None = None
) -> tempfile.SpooledTemporaryFile:
    """The standings of a period, one sheet per ranking list (group, kind), as an .xlsx file object (rewound); with
    ``history`` (successor unit id → its merged units' earlier standings), one more sheet "Trước sáp nhập"."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    any_sheet = False
    for _key, rows in groupby(standings, key=_list_key):
        rows = iter(rows)
        first = next(rows)
        title = _standings_sheet_title(first.group.name if first.group else NO_GROUP, first.kind)
        sheet = _start_sheet(workbook, title, period, "BẢNG XẾP HẠNG THI ĐUA", STANDING_HEADERS, used)
        any_sheet = True
        for standing in _chain(first, rows):
            colour = rules.standing_colour(standing.ratio, standing.targets_met, standing.criteria_applicable)
            sheet.append(
                text_row(
                    sheet,
                    [
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
                    ],
                )
            )
    if not any_sheet:
        sheet = _start_sheet(workbook, "Xếp hạng", period, "BẢNG XẾP HẠNG THI ĐUA", STANDING_HEADERS, used)
        sheet.append(["Chưa có kết quả xếp hạng."])
    if history is not None:
        _history_sheet(workbook, period, history, used)
    return _save(workbook)


def _history_sheet(workbook: Workbook, period: Period, history: dict[int, list[Standing]], used: set[str]) -> None:
    """The merged units' earlier rows, under the successor that carries them; never re-ranked."""
    sheet = _start_sheet(workbook, HISTORY_TITLE, period, "LỊCH SỬ CÁC ĐƠN VỊ TRƯỚC SÁP NHẬP", HISTORY_HEADERS, used)
    successors = Unit.objects.in_bulk(list(history))
    for unit_id, rows in history.items():
        for standing in rows:
            sheet.append(
                text_row(
                    sheet,
                    [
                        successors[unit_id].name,
                        standing.name,
                        standing.period.plan.full_name,
                        standing.period.name,
                        _cell(sheet, standing.rank, number_format="0"),
                        _cell(sheet, standing.list_size, number_format="0"),
                        _cell(sheet, standing.total_points, number_format="#,##0.00"),
                        _cell(sheet, standing.ratio, number_format="0.00"),
                    ],
                )
            )
    if not history:
        sheet.append(["Không có đơn vị nào trong danh sách kế thừa đơn vị đã sáp nhập."])


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest


# ---------------------------------------------------------------------------------------------------------------
# Readings: one row per participant × indicator, the period's windows as columns


RATE_FAMILY, COUNT_FAMILY = "rate", "count"
FAMILY_TITLES = {RATE_FAMILY: "Tỷ lệ", COUNT_FAMILY: "Số lượng"}
READINGS_HEADING = "SỐ LIỆU THI ĐUA"
READINGS_FIRST_ROW = HEADER_ROW + 2  # two header rows: the window, then tử số / mẫu số under it
READINGS_FROZEN = f"E{READINGS_FIRST_ROW}"  # STT, participant, its unit and the indicator stay in view
LEGENDS = {
    RATE_FAMILY: "Ô trống: chưa có số liệu kỳ đó. Cả đợt: tính như khi chấm điểm (tổng tử số / tổng mẫu số các kỳ, "
    "không lấy trung bình các tỷ lệ; chỉ số lấy kỳ cuối thì chỉ tính kỳ cuối có số liệu).",
    COUNT_FAMILY: "Ô trống: chưa có số liệu kỳ đó. Cả đợt: tính như khi chấm điểm (cộng dồn các kỳ, hoặc lấy kỳ cuối "
    "có số liệu; câu hỏi Có/Không lấy câu trả lời kỳ cuối).",
}
LEAD_HEADERS = [("STT", 6), ("Đối tượng", 28), ("Đơn vị công tác", 22), ("Chỉ số", 36)]
TAIL_HEADERS = [
    ("Số kỳ có số liệu", 9),
    ("Cách tính cả đợt", 18),
    ("Trạng thái", 16),
    ("Người nhập", 20),
    ("Ghi chú", 40),
]
ACCUMULATION_LABELS = {
    (rules.RATE, rules.SUM): "Tổng tử số / tổng mẫu số",
    (rules.RATE, rules.LAST): "Lấy kỳ cuối",
    (rules.COUNT, rules.SUM): "Cộng dồn các kỳ",
    (rules.COUNT, rules.LAST): "Lấy kỳ cuối",
    (rules.BOOLEAN, rules.SUM): "Lấy câu trả lời kỳ cuối",
    (rules.BOOLEAN, rules.LAST): "Lấy câu trả lời kỳ cuối",
}
STATUS_ORDER = list(Reading.Status)
STATUS_LABELS = {status.value: str(status.label) for status in Reading.Status}
NOT_ARISING = "Không phát sinh"

# Cell styles by name (the writer turns them into its own): numbers stay numbers, shown Vietnamese-style by Excel.
INTEGER, DECIMAL, PERCENT, YES_NO = "integer", "decimal", "percent", "yes_no"
NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "#,##0.00", PERCENT: "0.00", YES_NO: '"Có";"Có";"Không"'}


@dataclass(slots=True)
class ReadingRow:
    """One participant × indicator over the period: each window's figures, the period value by scoring.rules, and a
    summary of the readings' status, who entered them and their notes."""

    participant: selectors.ExportParticipant
    indicator: selectors.ExportIndicator
    figures: list  # per window: (numerator, denominator) for a rate, the value otherwise; None when missing
    period: rules.PeriodValue
    status: str
    people: str
    notes: str

    @property
    def family(self) -> str:
        return RATE_FAMILY if self.indicator.kind == rules.RATE else COUNT_FAMILY


def reading_rows(data: selectors.ReadingExport) -> Iterator[ReadingRow]:
    """The export's rows in display order, assembled on the fly from the readings stream (which follows the
    participants' order): every indicator the participant must report, a row even without any reading, then the
    indicators it has readings of that no criterion reads any more (nothing read is left out)."""
    window_index = {window.start: index for index, window in enumerate(data.windows)}
    labels = [window.label for window in data.windows]
    by_participant = groupby(data.readings, key=itemgetter(0))
    current = next(by_participant, None)
    for participant in data.participants:
        mine: dict[int, list[tuple]] = {}
        if current is not None and current[0] == participant.id:
            for reading in current[1]:
                mine.setdefault(reading[1], []).append(reading)
            current = next(by_participant, None)
        expected = data.expected.get(participant.kind, [])
        others = sorted((pk for pk in mine if pk not in expected), key=lambda pk: (data.indicators[pk].name, pk))
        for indicator_id in (*expected, *others):
            yield _reading_row(
                participant,
                data.indicators[indicator_id],
                mine.get(indicator_id, ()),
                window_index,
                labels,
                data.people,
            )
    if current is not None:  # the stream must follow the participants: stop rather than leave readings out
        raise RuntimeError(f"readings of participant {current[0]} arrived out of the participants' order")


def _reading_row(participant, indicator, readings, window_index, labels, people) -> ReadingRow:
    figures: list = [None] * len(labels)
    values: list[rules.ReadingValue] = []
    statuses: dict[str, int] = {}
    entered_by: dict[int, None] = {}
    notes: list[tuple] = []
    is_rate = indicator.kind == rules.RATE
    for _participant, _indicator, start, numerator, denominator, value, status, by, note in readings:
        if is_rate:
            figure = None if numerator is None and denominator is None else (numerator, denominator)
        else:
            figure = value
        index = window_index.get(start)
        if index is None:  # a window outside the period's (its dates changed after entry): keep it in the notes
            notes.append((start, f"Kỳ từ {short_date(start)} (ngoài các kỳ của đợt): {_figure_text(figure)}"))
        else:
            figures[index] = figure
        values.append(rules.ReadingValue(start, numerator, denominator, value))
        statuses[status] = statuses.get(status, 0) + 1
        if by is not None:
            entered_by[by] = None
        if note:
            notes.append((start, f"{labels[index] if index is not None else short_date(start)}: {note.strip()}"))
    return ReadingRow(
        participant=participant,
        indicator=indicator,
        figures=figures,
        period=rules.period_value(indicator.kind, indicator.accumulation, values),
        status=_status_summary(statuses),
        people=", ".join(people.get(pk, "") for pk in entered_by),
        notes="; ".join(text for _day, text in sorted(notes, key=itemgetter(0))) if notes else "",
    )


def _figure_text(figure) -> str:
    if isinstance(figure, tuple):
        return "/".join("" if number is None else str(number) for number in figure)
    return "" if figure is None else str(figure)


def _status_summary(statuses: dict[str, int]) -> str:
    """ "Đã gửi" when every reading of the row is submitted; "Đã gửi 10, Nháp 2" when they differ; blank without."""
    if len(statuses) <= 1:
        return next((STATUS_LABELS.get(status, status) for status in statuses), "")
    return ", ".join(f"{STATUS_LABELS[status]} {statuses[status]}" for status in STATUS_ORDER if status in statuses)


def _number(value):
    """A Decimal figure as Excel should see it: a whole number as int (no "3,00"), otherwise the Decimal."""
    if value is None:
        return None, None
    if value == value.to_integral_value():
        return int(value), INTEGER
    return value, DECIMAL


def reading_cells(row: ReadingRow, *, number: int) -> list[tuple]:
    """The row as (value, style) pairs, in the columns of its family's sheet."""
    participant, indicator, period = row.participant, row.indicator, row.period
    cells: list[tuple] = [
        (number, INTEGER),
        (participant.name, None),
        (participant.unit_name, None),
        (indicator.name, None),
    ]
    if indicator.kind == rules.RATE:
        for figure in row.figures:
            if figure is None:
                cells += ((None, None), (None, None))
            else:
                cells += ((figure[0], INTEGER), (figure[1], INTEGER))
        rate: tuple[str | Decimal | None, str | None]
        if period.zero_denominator:
            rate = (NOT_ARISING, None)
        else:
            rate = (period.value, PERCENT) if period.value is not None else (None, None)
        cells += ((period.numerator_total, INTEGER), (period.denominator_total, INTEGER), rate)
    else:
        cells.append((indicator.unit_label, None))
        if indicator.kind == rules.BOOLEAN:
            cells += ((None, None) if value is None else (int(value), YES_NO) for value in row.figures)
            cells.append((None, None) if period.value is None else (int(period.value), YES_NO))
        else:
            cells += (_number(value) for value in row.figures)
            cells.append(_number(period.value))
    cells += (
        (period.readings, INTEGER),
        (ACCUMULATION_LABELS.get((indicator.kind, indicator.accumulation), ""), None),
        (row.status, None),
        (row.people, None),
        (row.notes, None),
    )
    return cells


def reading_headers(family: str, windows: list[Window]) -> tuple[list[list[str]], list[str], list[int]]:
    """The two header rows and the merged ranges: lead columns and tail columns span both rows; each window (and
    "Cả đợt") names its sub-columns in the second row."""
    top: list[str] = []
    bottom: list[str] = []
    widths: list[int] = []
    merges: list[str] = []
    first, second = HEADER_ROW, HEADER_ROW + 1

    def single(title: str, width: int) -> None:
        top.append(title)
        bottom.append("")
        widths.append(width)
        column = _column_letter(len(top))
        merges.append(f"{column}{first}:{column}{second}")

    def spanning(title: str, parts: list[tuple[str, int]]) -> None:
        start = len(top) + 1
        for index, (part, width) in enumerate(parts):
            top.append(title if index == 0 else "")
            bottom.append(part)
            widths.append(width)
        if len(parts) > 1:
            merges.append(f"{_column_letter(start)}{first}:{_column_letter(len(top))}{first}")

    for title, width in LEAD_HEADERS:
        single(title, width)
    if family == RATE_FAMILY:
        for window in windows:
            spanning(window.label, [("Tử số", 9), ("Mẫu số", 9)])
        spanning("Cả đợt", [("Tử số", 10), ("Mẫu số", 10), ("Tỷ lệ (%)", 9)])
    else:
        single("Đơn vị tính", 10)
        for window in windows:
            spanning(window.label, [("Giá trị", 11)])
        spanning("Cả đợt", [("Giá trị", 11)])
    for title, width in TAIL_HEADERS:
        single(title, width)
    return [top, bottom], merges, widths


def _readings_sheet_title(group_name: str, family: str, used: set[str]) -> str:
    """ "<group> – Tỷ lệ" within Excel's 31 characters: a long group name is cut at a word, with "…"."""
    suffix = f" – {FAMILY_TITLES[family]}"
    room = 28 - len(suffix)
    name = group_name.strip()
    if len(name) > room:
        cut = name[: room - 1]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;–-") + "…"
    return _sheet_title(name + suffix, used)


READING_STYLES = {
    "title": CellStyle(bold=True, size=13),
    "bold": CellStyle(bold=True),
    "header": CellStyle(bold=True, fill="DDE4EE", wrap=True),
    **{name: CellStyle(number_format=number_format) for name, number_format in NUMBER_FORMATS.items()},
}


def write_readings(*, data: selectors.ReadingExport) -> tempfile.SpooledTemporaryFile:
    """The readings export as an .xlsx file object (rewound): one sheet per group and family of indicator (rates,
    with tử số and mẫu số under each window; counts and yes/no, one value per window), rows streamed as assembled.
    Written by scoring.xlsx_stream: at national scale (7 million cells) openpyxl's per-cell writer alone took
    minutes."""
    workbook = StreamingWorkbook(READING_STYLES)
    used: set[str] = set()
    sheets: dict[tuple[int | None, str], StreamingSheet] = {}  # (group id, family) → its sheet
    period = data.period
    exported_at = timezone.localtime()

    def open_sheet(group_id: int | None, family: str) -> StreamingSheet:
        group = data.groups.get(group_id) if group_id is not None else None
        title = _readings_sheet_title(group.name if group else NO_GROUP, family, used)
        headers, merges, widths = reading_headers(family, data.windows)
        sheet = workbook.add_sheet(title, widths=widths, frozen=READINGS_FROZEN, merged=merges)
        full_title = f"{group.name if group else NO_GROUP} – {FAMILY_TITLES[family]}"
        _stream_title_rows(sheet, period, full_title, exported_at)
        sheet.append([(LEGENDS[family], None)])
        for header in headers:
            sheet.append([(text, "header") for text in header])
        return sheet

    for row in reading_rows(data):
        key = (row.participant.group_id, row.family)
        sheet = sheets.get(key)
        if sheet is None:
            sheet = sheets[key] = open_sheet(*key)
        sheet.append(reading_cells(row, number=sheet.rows - (READINGS_FIRST_ROW - 1) + 1))  # STT: 1, 2, …
    if not sheets:
        sheet = workbook.add_sheet(_sheet_title("Số liệu", used))
        _stream_title_rows(sheet, period, "Số liệu", exported_at)
        sheet.append([("Chưa có số liệu.", None)])
    group_rank = {
        group_id: rank
        for rank, group_id in enumerate(dict.fromkeys(participant.group_id for participant in data.participants))
    }
    families = [RATE_FAMILY, COUNT_FAMILY]
    order = [sheets[key] for key in sorted(sheets, key=lambda key: (group_rank[key[0]], families.index(key[1])))]
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle, order=order or None)
    handle.seek(0)
    return handle


def _stream_title_rows(sheet: StreamingSheet, period: Period, title: str, exported_at) -> None:
    plan = period.plan
    sheet.append([(f"{READINGS_HEADING} — {plan.short_name}: {plan.title}", "title")])
    sheet.append(
        [
            (
                f"{period.name} ({short_date(period.start)} – {short_date(period.end)}) · {title} · "
                f"xuất lúc {exported_at:%d/%m/%Y %H:%M}",
                "bold",
            )
        ]
    )


def standings_workbook(*, period: Period, user: User, rollup: bool = False) -> tempfile.SpooledTemporaryFile:
    """Standings export for what the user may see (streamed from the database); with ``rollup``, a sheet of the
    merged units' standings in earlier periods (selectors.merged_history: old names, ranks in their own lists)."""
    history = selectors.merged_history(period=period, user=user) if rollup else None
    return write_standings(
        period=period, standings=iter(selectors.standings_for(period=period, user=user)), history=history
    )


def readings_workbook(*, period: Period, user: User) -> tempfile.SpooledTemporaryFile:
    """Readings export for what the user may see, streamed from the database. One read-only transaction: the
    queries see one snapshot, and PostgreSQL's server-side cursor streams (outside a transaction it would be a
    holdable cursor, materialised in full before the first row)."""
    with transaction.atomic():
        return write_readings(data=selectors.readings_for_export(period=period, user=user))
