"""Excel exports of standings and readings: sheets per group, plan and period on top, numbers as numbers, frozen
header, scope; the readings with the months as columns, rates as tử số / mẫu số, the period value by the rules."""

from __future__ import annotations

import datetime as dt
import io
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Participant
from scoring import selectors
from scoring.models import Reading
from scoring.services.scores import recompute_period
from tests.factories import GroupFactory, collective, make_unit
from tests.scoring.scoring_helpers import criterion, indicator, read, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(org):
    plan, period, group, a, b = small_plan(org)
    other = GroupFactory(plan=plan, name="Khối phường", order=2)
    b.group = other
    b.save()
    digitised = indicator("so-hoa")
    count = indicator("so-tin-bai", kind="count", unit_label="tin")
    criterion(plan, digitised, 1, 90, 10)
    criterion(plan, count, 2, 3, 5)
    for month in (1, 2, 3):
        read(a, digitised, period, month, 92, 100)
        read(a, count, period, month, value=1)
        read(b, digitised, period, month, 50, 100)
    recompute_period(period=period)
    return plan, period, group, other, a, b


def _workbook(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_standings_export_has_one_sheet_per_group_with_numbers_and_a_frozen_header(client, org, scored):
    plan, period, group, other, a, b = scored
    client.force_login(org.noi_vu)
    response = client.get(reverse("scoring:standing_export", args=[period.pk]))
    assert "xep-hang-" in response["Content-Disposition"]
    book = _workbook(response)
    assert book.sheetnames == ["Khối xã – Tập thể", "Khối phường – Tập thể"]
    sheet = book["Khối xã – Tập thể"]
    assert plan.title in sheet["A1"].value and plan.number_display in sheet["A1"].value
    assert period.name in sheet["A2"].value
    assert [c.value for c in sheet[4]][:7] == [
        "Hạng",
        "Đồng hạng",
        "Tên",
        "Đơn vị công tác",
        "Tổng điểm",
        "Điểm tối đa áp dụng",
        "Tỷ lệ điểm (%)",
    ]
    assert sheet.freeze_panes == "A5"
    row = [c.value for c in sheet[5]]
    assert row[0] == 1 and row[2] == "Xã An Bình"
    assert row[4] == 15 and row[6] == 100  # 10 + 5 of 15: numbers, not text
    assert sheet.cell(5, 7).number_format == "0.00"
    assert book["Khối phường – Tập thể"].cell(5, 3).value == "Xã Bình Minh"


def _rows(sheet) -> list[list]:
    """The data rows (below the two header rows) as values."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]


def _column(sheet, top: str, bottom: str) -> int:
    """The 1-based column whose first header row (merged over its sub-columns) is `top` and second is `bottom`."""
    current = None
    for index, (upper, lower) in enumerate(zip(sheet[4], sheet[5], strict=False), start=1):
        current = upper.value or current
        if current == top and (lower.value or "") == bottom:
            return index
    raise AssertionError(f"no column {top} / {bottom}")


def _readings(client, user, period):
    client.force_login(user)
    response = client.get(reverse("scoring:reading_export", args=[period.pk]))
    assert "so-lieu-" in response["Content-Disposition"]
    return _workbook(response)


def test_readings_export_puts_the_months_as_columns_one_row_per_participant_and_indicator(client, org, scored):
    plan, period, group, other, a, b = scored
    book = _readings(client, org.noi_vu, period)
    assert book.sheetnames == ["Khối xã – Tỷ lệ", "Khối xã – Số lượng", "Khối phường – Tỷ lệ", "Khối phường – Số lượng"]
    sheet = book["Khối xã – Tỷ lệ"]
    assert plan.title in sheet["A1"].value and period.name in sheet["A2"].value
    assert [c.value for c in sheet[4]][:8] == [
        "STT",
        "Đối tượng",
        "Đơn vị công tác",
        "Chỉ số",
        "Tháng 01/2024",
        None,
        "Tháng 02/2024",
        None,
    ]
    assert [c.value for c in sheet[5]][4:6] == ["Tử số", "Mẫu số"]
    assert "E4:F4" in {str(merged) for merged in sheet.merged_cells.ranges}  # the month spans its two columns
    assert sheet.freeze_panes == "E6"
    rows = _rows(sheet)
    assert len(rows) == 1  # A × the one rate indicator, three months across, not three rows
    assert rows[0][:4] == [1, "Xã An Bình", None, "So hoa"]
    assert rows[0][4:10] == [92, 100, 92, 100, 92, 100]
    counts = book["Khối xã – Số lượng"]
    assert [c.value for c in counts[4]][4:9] == [
        "Đơn vị tính",
        "Tháng 01/2024",
        "Tháng 02/2024",
        "Tháng 03/2024",
        "Cả đợt",
    ]
    assert _rows(counts)[0][3:9] == ["So tin bai", "tin", 1, 1, 1, 3]  # one value per month, summed over the period


def test_a_rate_shows_numerator_and_denominator_under_its_month_and_the_pooled_period_rate(client, org):
    plan, period, group, a, b = small_plan(org)
    digitised = indicator("so-hoa")
    criterion(plan, digitised, 1, 90, 10)
    read(a, digitised, period, 1, 92, 100)
    read(a, digitised, period, 2, 9, 10)
    book = _readings(client, org.noi_vu, period)
    sheet = book["Khối xã – Tỷ lệ"]
    row = 6
    assert sheet.cell(row, 2).value == "Xã An Bình"
    assert sheet.cell(row, _column(sheet, "Tháng 02/2024", "Tử số")).value == 9
    assert sheet.cell(row, _column(sheet, "Tháng 02/2024", "Mẫu số")).value == 10
    assert sheet.cell(row, _column(sheet, "Tháng 01/2024", "Tử số")).number_format == "#,##0"
    # March was not entered: blank cells, not zeros
    assert sheet.cell(row, _column(sheet, "Tháng 03/2024", "Tử số")).value is None
    assert sheet.cell(row, _column(sheet, "Tháng 03/2024", "Mẫu số")).value is None
    # The period: Σ tử số / Σ mẫu số = 101/110 = 91,82%, not the mean of 92% and 90%
    assert sheet.cell(row, _column(sheet, "Cả đợt", "Tử số")).value == 101
    assert sheet.cell(row, _column(sheet, "Cả đợt", "Mẫu số")).value == 110
    rate = sheet.cell(row, _column(sheet, "Cả đợt", "Tỷ lệ (%)"))
    assert float(rate.value) == pytest.approx(91.8182) and rate.number_format == "0.00"
    assert sheet.cell(row, _column(sheet, "Số kỳ có số liệu", "")).value == 2
    # B has entered nothing: its row is there, every month blank, so the gap shows
    assert sheet.cell(row + 1, 2).value == "Xã Bình Minh"
    assert sheet.cell(row + 1, _column(sheet, "Tháng 01/2024", "Tử số")).value is None
    assert sheet.cell(row + 1, _column(sheet, "Số kỳ có số liệu", "")).value == 0


def test_counts_and_yes_no_follow_the_scoring_rule_for_the_period(client, org):
    plan, period, group, a, b = small_plan(org)
    posts = indicator("so-tin-bai", kind="count", unit_label="tin")
    staff = indicator("so-can-bo", kind="count", accumulation="last", unit_label="người")
    posted = indicator("niem-yet", kind="boolean")
    for order, item in enumerate((posts, staff, posted), start=1):
        criterion(plan, item, order, 1, 5)
    for month, count, people, answer in ((1, 2, 12, 1), (2, 3.5, 14, 0)):
        read(a, posts, period, month, value=count)
        read(a, staff, period, month, value=people)
        read(a, posted, period, month, value=answer)
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Số lượng"]
    rows = {row[3]: row for row in _rows(sheet)[:3]}
    first, second, third, total = (
        _column(sheet, label, "Giá trị") - 1 for label in ("Tháng 01/2024", "Tháng 02/2024", "Tháng 03/2024", "Cả đợt")
    )
    assert rows["So tin bai"][first] == 2 and float(rows["So tin bai"][second]) == 3.5
    assert rows["So tin bai"][third] is None
    assert float(rows["So tin bai"][total]) == 5.5  # summed
    assert rows["So can bo"][total] == 14  # "last": the last window with a figure
    assert rows["Niem yet"][first] == 1 and rows["Niem yet"][second] == 0 and rows["Niem yet"][total] == 0
    yes_no = sheet.cell(6 + [row[3] for row in _rows(sheet)].index("Niem yet"), first + 1)
    assert yes_no.number_format == '"Có";"Có";"Không"'  # 1 shows "Có", 0 "Không"; still numbers


def test_the_row_summarises_status_who_entered_and_the_notes(client, org):
    plan, period, group, a, b = small_plan(org)
    digitised = indicator("so-hoa")
    criterion(plan, digitised, 1, 90, 10)
    org.staff_a.first_name, org.staff_a.last_name = "Lê", "Thị Hoa"
    org.staff_a.save()
    first = read(a, digitised, period, 1, 92, 100)
    second = read(a, digitised, period, 2, 90, 100)
    Reading.objects.filter(pk=first.pk).update(
        status="submitted", entered_by=org.staff_a, note="Số liệu từ phần mềm một cửa"
    )
    Reading.objects.filter(pk=second.pk).update(entered_by=org.staff_a)
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Tỷ lệ"]
    row = 6
    assert sheet.cell(row, _column(sheet, "Trạng thái", "")).value == "Nháp 1, Đã gửi 1"
    assert sheet.cell(row, _column(sheet, "Người nhập", "")).value == "Lê Thị Hoa"
    assert sheet.cell(row, _column(sheet, "Ghi chú", "")).value == "Tháng 01/2024: Số liệu từ phần mềm một cửa"


def test_participants_follow_the_vietnamese_name_order_and_nothing_read_is_left_out(client, org):
    plan, period, group, a, b = small_plan(org)
    for code, name in (("T-H-D", "Xã Đông Hòa"), ("T-H-Z", "Xã Yên Lạc"), ("T-H-E", "Xã Ánh Dương")):
        collective(plan, make_unit(code, name, "xa", org.district), group)
    digitised = indicator("so-hoa")
    retired = indicator("chi-so-cu", name="Chỉ số đã bỏ khỏi kế hoạch")
    criterion(plan, digitised, 1, 90, 10)
    read(b, retired, period, 1, 1, 2)  # no criterion reads it any more: still exported, after the plan's own
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Tỷ lệ"]
    rows = _rows(sheet)
    assert [(row[1], row[3]) for row in rows] == [
        ("Xã An Bình", "So hoa"),
        ("Xã Ánh Dương", "So hoa"),
        ("Xã Bình Minh", "So hoa"),
        ("Xã Bình Minh", "Chỉ số đã bỏ khỏi kế hoạch"),
        ("Xã Đông Hòa", "So hoa"),
        ("Xã Yên Lạc", "So hoa"),
    ]
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[3][4:6] == [1, 2]


def test_a_reading_outside_the_period_windows_is_named_in_the_notes_and_counted_as_scoring_counts_it(client, org):
    plan, period, group, a, b = small_plan(org, months=2)
    digitised = indicator("so-hoa")
    criterion(plan, digitised, 1, 90, 10)
    read(a, digitised, period, 1, 9, 10)
    Reading.objects.create(
        participant=a,
        indicator=digitised,
        period=period,
        window_start=dt.date(2024, 3, 1),
        window_end=dt.date(2024, 3, 31),
        numerator=1,
        denominator=10,
    )  # the period was shortened
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Tỷ lệ"]
    assert sheet.cell(6, _column(sheet, "Ghi chú", "")).value == "Kỳ từ 01/03/2024 (ngoài các kỳ của đợt): 1/10"
    assert sheet.cell(6, _column(sheet, "Cả đợt", "Tử số")).value == 10
    assert sheet.cell(6, _column(sheet, "Cả đợt", "Mẫu số")).value == 20


def test_the_readings_export_runs_the_same_queries_for_3_or_30_participants(client, org, django_assert_max_num_queries):
    plan, period, group, a, b = small_plan(org)
    digitised = indicator("so-hoa")
    count = indicator("so-tin-bai", kind="count")
    criterion(plan, digitised, 1, 90, 10)
    criterion(plan, count, 2, 3, 5)
    client.force_login(org.noi_vu)
    url = reverse("scoring:reading_export", args=[period.pk])

    def add(participants: int) -> None:
        start = Participant.objects.filter(plan=plan).count()
        for index in range(start, start + participants):
            unit = make_unit(f"T-H-X{index}", f"Xã Số {index}", "xa", org.district)
            participant = collective(plan, unit, group)
            for month in (1, 2, 3):
                read(participant, digitised, period, month, 5, 10)
                read(participant, count, period, month, value=2)

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == HTTPStatus.OK
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    rows = _rows(_workbook(response)["Khối xã – Tỷ lệ"])
    assert len(rows) == 30


def test_the_readings_stream_keeps_the_participants_order(org):
    plan, period, group, a, b = small_plan(org)
    digitised = indicator("so-hoa")
    for month in (1, 2):
        read(a, digitised, period, month, 1, 2)
        read(b, digitised, period, month, 3, 4)
    for order in ([b.pk, a.pk], [a.pk, b.pk]):
        streamed = [reading[0] for reading in selectors._export_readings(period, order)]
        assert streamed == [order[0], order[0], order[1], order[1]]


def test_the_readings_headers_are_formatted_and_merged_over_both_header_rows(client, org, scored):
    plan, period, group, other, a, b = scored
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Tỷ lệ"]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 13
    header = sheet["E4"]
    assert header.font.b and header.fill.fgColor.rgb == "FFDDE4EE" and header.alignment.wrap_text
    assert sheet["F5"].value == "Mẫu số" and sheet["F5"].font.b  # the second header row has the header format too
    merged = {str(merged) for merged in sheet.merged_cells.ranges}
    assert {"A4:A5", "D4:D5", "E4:F4"} <= merged  # lead columns span both rows, a month its two columns
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_a_groups_rate_sheet_comes_before_its_count_sheet_whatever_the_criteria_order(client, org):
    plan, period, group, a, b = small_plan(org)
    count = indicator("so-tin-bai", kind="count", unit_label="tin")
    digitised = indicator("so-hoa")
    criterion(plan, count, 1, 3, 5)  # the first row of the group is a count
    criterion(plan, digitised, 2, 90, 10)
    read(a, count, period, 1, value=2)
    book = _readings(client, org.noi_vu, period)
    assert book.sheetnames == ["Khối xã – Tỷ lệ", "Khối xã – Số lượng"]
    assert [row[1] for row in _rows(book["Khối xã – Tỷ lệ"])] == ["Xã An Bình", "Xã Bình Minh"]


def test_a_group_named_in_quotes_still_exports(client, org):
    plan, period, group, a, b = small_plan(org)
    group.name = "'Khối xã'"  # Excel refuses a sheet name that starts or ends with an apostrophe
    group.save()
    criterion(plan, indicator("so-hoa"), 1, 90, 10)
    assert _readings(client, org.noi_vu, period).sheetnames == ["Khối xã' – Tỷ lệ"]


def test_text_a_user_typed_is_written_as_text(client, org):
    plan, period, group, a, b = small_plan(org)
    typed = indicator("cong-thuc", name="=1+1", kind="count", unit_label="http://dichvucong.gov.vn")
    marked = indicator("danh-dau", name="<r>đậm</r>", kind="count", unit_label="  có khoảng trắng  ")
    criterion(plan, typed, 1, 1, 5)
    criterion(plan, marked, 2, 1, 5)
    reading = read(a, typed, period, 1, value=1)
    Reading.objects.filter(pk=reading.pk).update(note='<b>Số & liệu</b> "trích"\tcó\x01ký tự lạ')
    sheet = _readings(client, org.noi_vu, period)["Khối xã – Số lượng"]
    rows = {row[3]: row for row in _rows(sheet)}
    assert set(rows) == {"=1+1", "<r>đậm</r>"}  # not a formula; not taken for rich-text markup
    row = 6 + [row[3] for row in _rows(sheet)].index("=1+1")
    assert sheet.cell(row, 4).data_type == "s" and sheet.cell(row, 5).value == "http://dichvucong.gov.vn"
    assert not sheet.cell(row, 5).hyperlink  # a plain text, not a link
    assert rows["<r>đậm</r>"][4] == "  có khoảng trắng  "
    note = sheet.cell(row, _column(sheet, "Ghi chú", "")).value
    # Markup and quotes are text; a control character is kept as Excel escapes it, the file still opens
    assert note.startswith('Tháng 01/2024: <b>Số & liệu</b> "trích"\tcó') and note.endswith("ký tự lạ")


def test_exports_follow_the_user_scope(client, org, scored):
    plan, period, group, other, a, b = scored
    client.force_login(org.staff_a)
    book = _workbook(client.get(reverse("scoring:standing_export", args=[period.pk])))
    assert book.sheetnames == ["Khối xã – Tập thể"]
    names = [c.value for c in book["Khối xã – Tập thể"]["C"]]
    assert "Xã Bình Minh" not in names
    book = _readings(client, org.staff_a, period)
    assert book.sheetnames == ["Khối xã – Tỷ lệ", "Khối xã – Số lượng"]  # B's group has no one A may see
    for sheet in book.worksheets:
        assert "Xã Bình Minh" not in {row[1] for row in _rows(sheet)}
        assert {row[1] for row in _rows(sheet)} == {"Xã An Bình"}


def test_a_period_without_participants_in_scope_exports_an_explained_empty_sheet(client, org, scored):
    plan, period, group, other, a, b = scored
    Participant.objects.filter(plan=plan).delete()
    book = _readings(client, org.noi_vu, period)
    assert book.sheetnames == ["Số liệu"]
    assert book["Số liệu"]["A3"].value == "Chưa có số liệu."


def test_a_long_group_name_is_cut_at_a_word_in_the_sheet_tab():
    from scoring.exports import _readings_sheet_title

    used: set[str] = set()
    title = _readings_sheet_title("Các ban ngành, bộ phận chuyên môn", "rate", used)
    assert title == "Các ban ngành, bộ… – Tỷ lệ" and len(title) <= 31
    assert _readings_sheet_title("Khối xã", "count", used) == "Khối xã – Số lượng"
