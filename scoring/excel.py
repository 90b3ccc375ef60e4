"""The Excel template of readings and its import: pre-filled, protected, validated; parsed into a preview.

Template layout (sheet "Số liệu"): rows 1–3 title, row 4 headers, data from row 5; columns A–C are hidden ids that
survive a round trip (participant id, indicator code, window's first day as text), H/I the rate's numerator and
denominator, J a count or yes/no value, K a note. Only the input cells are unlocked; the sheet is protected.
A very hidden sheet "_meta" names the plan and period. Blank figures leave the reading as it is.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from campaigns.models import Participant, Period, Unit
from core.formatting import format_number
from core.uploads import check_xlsx
from core.xlsx_cells import escape_workbook
from scoring.access import EditAccessCache, window_statuses
from scoring.entry_selectors import indicators_for_kind, plan_criteria
from scoring.excel_rows import open_workbook, sheet_rows
from scoring.figures import ImportRow, check_figures, reading_figures
from scoring.models import Indicator, Reading
from scoring.windows import windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SHEET = "Số liệu"
HELP_SHEET = "Hướng dẫn"
META_SHEET = "_meta"
FORMAT = "thidua-readings-v1"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 100_000
HEADERS = [
    ("A", _("Mã đối tượng"), 10),
    ("B", _("Mã chỉ số"), 16),
    ("C", _("Kỳ từ ngày"), 12),
    ("D", _("Đối tượng"), 36),
    ("E", _("Kỳ báo cáo"), 14),
    ("F", _("Chỉ số"), 48),
    ("G", _("Loại"), 14),
    ("H", _("Tử số"), 12),
    ("I", _("Mẫu số"), 12),
    ("J", _("Giá trị"), 12),
    ("K", _("Ghi chú"), 30),
    ("L", _("Trạng thái"), 12),
]
COL = {"participant": 0, "indicator": 1, "window": 2, "numerator": 7, "denominator": 8, "value": 9, "note": 10}
LETTER = {name: get_column_letter(index + 1) for name, index in COL.items()}
FIELD_OF_LETTER = {letter: name for name, letter in LETTER.items()}  # an ImportIssue's column back to its field
# What a preview and the commit need of a stored reading (figures, status, version): 10,000 readings load faster
# without the rest (their author, times, evidence).
PREVIEWED = (
    "id",
    "participant_id",
    "indicator_id",
    "period_id",
    "window_start",
    "numerator",
    "denominator",
    "value",
    "note",
    "check_again",
    "status",
    "version",
)
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
HEADER_FILL = PatternFill("solid", fgColor="A61B1B")


def scoped_participants(
    *, user: User, period: Period, unit: Unit | None = None, pks: Iterable[int] | None = None
) -> list[Participant]:
    """Participants of the period's plan in the user's scope, optionally within one unit's subtree or among ids."""
    participants = Participant.objects.visible_to(user).filter(plan=period.plan)
    if pks is not None:
        participants = participants.filter(pk__in=list(pks))
    if unit is not None:
        participants = participants.filter(
            Q(unit__path__startswith=unit.path) | Q(person__unit__path__startswith=unit.path)
        )
    return list(participants.select_related("unit", "person__unit").order_by("kind", "name", "pk"))


def _ranges(letter: str, rows: list[int]) -> list[str]:
    """Consecutive rows merged into ranges: H5:H9, H12."""
    ranges: list[str] = []
    start: int | None = None
    previous = 0  # read only once `start` is set, which sets it too
    for row in rows:
        if start is None:
            start = previous = row
        elif row == previous + 1:
            previous = row
        else:
            ranges.append(f"{letter}{start}:{letter}{previous}" if previous != start else f"{letter}{start}")
            start = previous = row
    if start is not None:
        ranges.append(f"{letter}{start}:{letter}{previous}" if previous != start else f"{letter}{start}")
    return ranges


def _instructions(workbook: Workbook, period: Period) -> None:
    sheet = workbook.create_sheet(HELP_SHEET)
    lines = [
        _("HƯỚNG DẪN NHẬP SỐ LIỆU THI ĐUA BẰNG EXCEL"),
        "",
        _("1. Nhập số liệu vào các ô nền vàng của trang “Số liệu”; các ô khác đã khóa."),
        _(
            "2. Chỉ số tỷ lệ: nhập Tử số (cột H) và Mẫu số (cột I), là số nguyên không âm, tử số không lớn hơn mẫu số. "
            "Không phát sinh thì nhập 0 và 0."
        ),
        _(
            "3. Chỉ số số lượng: nhập Giá trị (cột J) là số nguyên không âm. "
            "Chỉ số có/không: nhập 1 (có) hoặc 0 (không)."
        ),
        _("4. Số 0 là số liệu; ô để trống nghĩa là không thay đổi số liệu đang có."),
        _(
            "5. Không sửa, xóa hay chèn các cột ẩn A–C và các dòng tiêu đề; không đổi tên trang; "
            "không sao chép trùng dòng."
        ),
        _("6. Chỉ sửa được số liệu trong hạn nhập (hết kỳ cộng %(days)s ngày gia hạn), chưa gửi và đợt chưa chốt.")
        % {"days": period.plan.grace_days},
        _(
            "7. Tải tệp lên ở trang Nhập số liệu › Excel: hệ thống cho xem trước các thay đổi (mới, thay đổi, "
            "giữ nguyên) và chỉ ghi khi bạn xác nhận. Có một lỗi thì không ghi dòng nào; mỗi lỗi ghi rõ trang, dòng, "
            "cột và lý do."
        ),
        _("8. Tải lên cùng một tệp hai lần không làm thay đổi gì ở lần thứ hai."),
    ]
    for index, line in enumerate(lines, start=1):
        cell = sheet.cell(row=index, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


def build_template(*, user: User, period: Period, unit: Unit | None = None) -> bytes:
    """The pre-filled .xlsx of the period's readings for the user's participants (optionally one unit's)."""
    plan = period.plan
    participants = scoped_participants(user=user, period=period, unit=unit)
    criteria = plan_criteria(plan)
    indicators = {kind: indicators_for_kind(criteria, kind) for kind in Participant.Kind.values}
    windows = windows_for(period)
    readings = {
        (r.participant_id, r.indicator_id, r.window_start): r
        for r in Reading.objects.filter(period=period, participant__in=[p.pk for p in participants])
    }

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet["A1"] = _("SỐ LIỆU THI ĐUA — %(plan)s") % {"plan": plan.title}
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _("%(period)s (%(start)s – %(end)s) · Kế hoạch %(number)s%(unit)s") % {
        "period": period.name,
        "start": f"{period.start:%d/%m/%Y}",
        "end": f"{period.end:%d/%m/%Y}",
        "number": plan.number_display,
        "unit": f" · {unit.name}" if unit else "",
    }
    sheet["A3"] = _("Tải lúc %(at)s. Nhập vào các ô nền vàng; ô trống = không thay đổi. Xem trang “Hướng dẫn”.") % {
        "at": timezone.localtime().strftime("%H:%M %d/%m/%Y")
    }
    sheet["A3"].font = Font(italic=True)
    for letter, title, width in HEADERS:
        cell = sheet[f"{letter}{HEADER_ROW}"]
        cell.value = str(title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[letter].width = width
    for letter in ("A", "B", "C"):
        sheet.column_dimensions[letter].hidden = True

    whole_rows: dict[str, list[int]] = {"H": [], "I": [], "J": []}
    boolean_rows: list[int] = []
    row_number = FIRST_ROW
    for participant in participants:
        for window in windows:
            for indicator in indicators[participant.kind]:
                reading = readings.get((participant.pk, indicator.pk, window.start))
                values = [
                    participant.pk,
                    indicator.code,
                    window.start.isoformat(),
                    participant.name,
                    window.label,
                    indicator.name,
                    indicator.get_kind_display(),
                    reading.numerator if reading else None,
                    reading.denominator if reading else None,
                    (int(reading.value) if reading and reading.value is not None else None),
                    reading.note if reading else None,
                    reading.get_status_display() if reading else _("Chưa nhập"),
                ]
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row_number, column=column, value=value)
                    cell.fill = LOCKED_FILL
                inputs = ["H", "I", "K"] if indicator.kind == Indicator.Kind.RATE else ["J", "K"]
                for letter in inputs:
                    cell = sheet[f"{letter}{row_number}"]
                    cell.protection = Protection(locked=False)
                    cell.fill = INPUT_FILL
                if indicator.kind == Indicator.Kind.RATE:
                    whole_rows["H"].append(row_number)
                    whole_rows["I"].append(row_number)
                elif indicator.kind == Indicator.Kind.BOOLEAN:
                    boolean_rows.append(row_number)
                else:
                    whole_rows["J"].append(row_number)
                row_number += 1

    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Số liệu không hợp lệ"),
        error=_("Nhập số nguyên không âm."),
        promptTitle=_("Số liệu"),
        prompt=_("Số nguyên không âm"),
        showInputMessage=True,
    )
    yes_no = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="1",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Số liệu không hợp lệ"),
        error=_("Nhập 1 (có) hoặc 0 (không)."),
        promptTitle=_("Có/Không"),
        prompt=_("1 = có, 0 = không"),
        showInputMessage=True,
    )
    note = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1="2000",
        allow_blank=True,
        showErrorMessage=True,
        error=_("Ghi chú tối đa 2000 ký tự."),
    )
    for letter, rows in whole_rows.items():
        for cell_range in _ranges(letter, rows):
            whole.add(cell_range)
    for cell_range in _ranges("J", boolean_rows):
        yes_no.add(cell_range)
    if row_number > FIRST_ROW:
        note.add(f"K{FIRST_ROW}:K{row_number - 1}")
    for validation in (whole, yes_no, note):
        if validation.sqref.ranges:
            sheet.add_data_validation(validation)
    sheet.freeze_panes = f"H{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column stays possible
    sheet.protection.autoFilter = False
    sheet.auto_filter.ref = f"D{HEADER_ROW}:L{max(row_number - 1, HEADER_ROW)}"

    _instructions(workbook, period)
    meta = workbook.create_sheet(META_SHEET)
    for index, (key, value) in enumerate([("format", FORMAT), ("plan", plan.pk), ("period", period.pk)], start=1):
        meta.cell(row=index, column=1, value=key)
        meta.cell(row=index, column=2, value=value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    escape_workbook(workbook)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportIssue:
    """One bad cell: sheet, row, column letter and the Vietnamese reason."""

    sheet: str
    row: int
    column: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}" if self.column else str(self.row)


@dataclass
class ImportResult:
    """The parsed file: the rows it would apply and every bad cell. Nothing is written while there are errors."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    read: int = 0  # rows of the file that hold something (blank rows are not counted)

    @property
    def refused(self) -> int:
        """Rows with at least one bad cell."""
        return len({(issue.sheet, issue.row) for issue in self.errors if issue.row})

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_changed(self) -> int:
        return self.count("changed")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def changes(self) -> list[ImportRow]:
        return [row for row in self.rows if row.state != "unchanged"]


def _cell_text(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _whole_number(value: Any) -> int | None | str:
    """A whole number ≥ 0 from a cell (int, integral float, digits typed as text); None when blank; "" when bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return value if value >= 0 else ""
    if isinstance(value, float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return ""
        return int(number) if number >= 0 and number == number.to_integral_value() else ""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return ""


def _window_start(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_readings(*, user: User, period: Period, source: IO[bytes]) -> ImportResult:
    """Read an uploaded template (read-only mode) and judge every row against the database and the access rule."""
    result = ImportResult()
    try:
        # Zip bombs, encrypted files, a million empty rows, formulas without values: refused before openpyxl opens it.
        check_xlsx(source)
    except ValidationError as error:
        result.errors.append(ImportIssue("", 0, "", " ".join(error.messages)))
        return result
    source.seek(0)
    unreadable = ImportIssue("", 0, "", _("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx."))
    try:
        workbook = open_workbook(source)
    except Exception:  # openpyxl raises many kinds of errors on a damaged package
        result.errors.append(unreadable)
        return result
    try:
        if SHEET not in workbook.sheetnames:
            result.errors.append(
                ImportIssue(
                    SHEET,
                    0,
                    "",
                    _("Tệp không có trang “%(sheet)s”: hãy dùng tệp mẫu tải về từ hệ thống.") % {"sheet": SHEET},
                )
            )
            return result
        meta = {}
        try:
            if META_SHEET in workbook.sheetnames:
                rows = workbook[META_SHEET].iter_rows(max_col=2, values_only=True)
                meta = {row[0]: row[1] for row in rows if row and row[0]}
        except Exception:  # a sheet is read when first used: its damage shows here, not on opening
            result.errors.append(unreadable)
            return result
        if meta.get("format") != FORMAT or str(meta.get("period")) != str(period.pk):
            result.errors.append(
                ImportIssue(
                    SHEET,
                    0,
                    "",
                    _("Tệp mẫu không phải của đợt “%(period)s”: hãy tải mẫu của đúng đợt này.")
                    % {"period": period.name},
                )
            )
            return result
        sheet = workbook[SHEET]
        try:
            # One row past the limit, so that a file too long is reported rather than cut silently.
            rows = sheet_rows(sheet, min_row=FIRST_ROW, max_col=12, limit=MAX_ROWS + 2)
        except Exception:
            result.errors.append(unreadable)
            return result
        _parse_rows(list(enumerate(rows, start=FIRST_ROW)), name=sheet.title, user=user, period=period, result=result)
    finally:
        workbook.close()
    return result


def _parse_rows(
    raw_rows: list[tuple[int, tuple]], *, name: str, user: User, period: Period, result: ImportResult
) -> None:
    """Judge the sheet's (row number, values) against the plan, the stored readings and the access rule."""
    criteria = plan_criteria(period.plan)
    by_kind = {kind: {i.code: i for i in indicators_for_kind(criteria, kind)} for kind in Participant.Kind.values}
    all_codes = {code for codes in by_kind.values() for code in codes}
    windows = {window.start: window for window in windows_for(period)}
    # Only the participants, and their readings of the windows, that the file names (one query each): a national
    # plan has millions of readings in scope, a province's year a hundred thousand where the file fills one month.
    named = {number for _row, values in raw_rows if values and type(number := _whole_number(values[0])) is int}
    participants = {p.pk: p for p in scoped_participants(user=user, period=period, pks=named)} if named else {}
    named_windows = {_window_start(values[2]) for _row, values in raw_rows if len(values) > 2} & set(windows)
    readings = (
        {
            (r.participant_id, r.indicator_id, r.window_start): r
            for r in Reading.objects.filter(
                period=period, participant_id__in=list(participants), window_start__in=named_windows
            ).only(*PREVIEWED)
        }
        if participants and named_windows
        else {}
    )
    statuses = window_statuses((key[0], key[2], reading.status) for key, reading in readings.items())
    access = EditAccessCache(user=user, period=period, participants=participants.values())
    seen: dict[tuple[int, int, dt.date], int] = {}

    def issue(row: int, column: str, message: str) -> None:
        result.errors.append(ImportIssue(name, row, LETTER.get(column, column), message))

    for row_number, raw_values in raw_rows:
        if row_number - FIRST_ROW > MAX_ROWS:
            issue(row_number, "", _("Tệp quá nhiều dòng (tối đa %(max)s).") % {"max": format_number(MAX_ROWS)})
            break
        values = list(raw_values) + [None] * (12 - len(raw_values))
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        result.read += 1
        raw_participant, raw_code, raw_window = values[0], values[1], values[2]
        participant_id = _whole_number(raw_participant)
        participant = participants.get(participant_id) if isinstance(participant_id, int) else None
        if participant is None:
            issue(
                row_number,
                "participant",
                _("Không tìm thấy đối tượng mã “%(id)s” trong kế hoạch này (hoặc ngoài phạm vi của bạn).")
                % {"id": _cell_text(raw_participant or "")},
            )
            continue
        code = str(raw_code or "").strip()
        indicator = by_kind[participant.kind].get(code)
        if indicator is None:
            message = (
                _("Chỉ số “%(code)s” không áp dụng cho %(name)s.")
                if code in all_codes
                else _("Không tìm thấy chỉ số mã “%(code)s” trong kế hoạch.")
            ) % {"code": _cell_text(code), "name": participant.name}
            issue(row_number, "indicator", message)
            continue
        start = _window_start(raw_window)
        window = windows.get(start) if start else None
        if window is None:
            issue(
                row_number,
                "window",
                _("Kỳ báo cáo “%(value)s” không thuộc đợt này.") % {"value": _cell_text(raw_window or "")},
            )
            continue
        key = (participant.pk, indicator.pk, window.start)
        if key in seen:
            issue(
                row_number,
                "participant",
                _("Dòng trùng với dòng %(row)s (cùng đối tượng, chỉ số và kỳ).") % {"row": seen[key]},
            )
            continue
        seen[key] = row_number

        figures = _row_figures(values, indicator, row_number, issue)
        if figures is None:
            continue
        reading = readings.get(key)
        if all(figures[name] is None for name in ("numerator", "denominator", "value")):
            continue  # blank figures leave the reading as it is
        figures["note"] = str(values[COL["note"]]).strip() if values[COL["note"]] is not None else ""
        figures["check_again"] = reading.check_again if reading else False
        if reading is not None:
            state = "unchanged" if reading_figures(reading) == figures else "changed"
        else:
            state = "new"
        if state != "unchanged":
            allowed = access(
                participant, window.start, statuses.get((participant.pk, window.start), Reading.Status.DRAFT)
            )
            if not allowed:
                column = "numerator" if indicator.kind == Indicator.Kind.RATE else "value"
                issue(
                    row_number,
                    column,
                    _("Không được thay đổi số liệu %(window)s của %(name)s: %(reason)s")
                    % {"window": window.label, "name": participant.name, "reason": allowed.reason},
                )
                continue
        result.rows.append(
            ImportRow(
                row=row_number,
                participant=participant,
                indicator=indicator,
                window_start=window.start,
                window_label=window.label,
                figures=figures,
                reading=reading,
                state=state,
            )
        )


def _row_figures(values: list[Any], indicator: Indicator, row_number: int, issue) -> dict[str, Any] | None:
    """The row's figures for the indicator's kind, or None after reporting each problem on its cell. The problems
    are check_figures' (the grid's sentences); the cell is the Excel path's own addition."""
    names = ("numerator", "denominator") if indicator.kind == Indicator.Kind.RATE else ("value",)
    checked = check_figures(indicator, **{name: values[COL[name]] for name in names})
    for problem in checked.problems:
        issue(row_number, problem.field, problem.message)
    if checked.problems:
        return None
    return {"numerator": checked.numerator, "denominator": checked.denominator, "value": checked.value}


def judge_readings(*, user: User, period: Period, rows: list[dict[str, Any]], source: str) -> ImportResult:
    """Rows that come from elsewhere than the template (the API's batch: dicts keyed like ``COL``: participant,
    indicator code, window start, figures, note) judged by exactly the rules of a sheet's rows; ``row`` of a result
    or an issue is the position in ``rows`` counted from 1, and an issue's column is the letter of ``COL``'s name."""
    result = ImportResult()
    raw_rows = []
    for number, row in enumerate(rows, start=1):
        values: list[Any] = [None] * len(HEADERS)
        for name, index in COL.items():
            values[index] = row.get(name)
        raw_rows.append((number, tuple(values)))
    _parse_rows(raw_rows, name=source, user=user, period=period, result=result)
    return result
