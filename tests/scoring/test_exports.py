"""Excel exports of standings and readings: sheets per group, plan and period on top, numbers as numbers, frozen
header, scope."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.services.scores import recompute_period
from tests.factories import GroupFactory
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
    assert book.sheetnames == ["Khối xã", "Khối phường"]
    sheet = book["Khối xã"]
    assert plan.title in sheet["A1"].value and plan.number_display in sheet["A1"].value
    assert period.name in sheet["A2"].value
    assert [c.value for c in sheet[4]][:7] == ["Hạng", "Đồng hạng", "Tên", "Đơn vị công tác", "Tổng điểm",
                                              "Điểm tối đa áp dụng", "Tỷ lệ điểm (%)"]
    assert sheet.freeze_panes == "A5"
    row = [c.value for c in sheet[5]]
    assert row[0] == 1 and row[2] == "Xã An Bình"
    assert row[4] == 15 and row[6] == 100  # 10 + 5 of 15: numbers, not text
    assert sheet.cell(5, 7).number_format == "0.00"
    assert book["Khối phường"].cell(5, 3).value == "Xã Bình Minh"


def test_readings_export_lists_every_reading_with_rates_as_percent_numbers(client, org, scored):
    plan, period, group, other, a, b = scored
    client.force_login(org.noi_vu)
    book = _workbook(client.get(reverse("scoring:reading_export", args=[period.pk])))
    sheet = book["Khối xã"]
    headers = [c.value for c in sheet[4]]
    assert headers[:4] == ["STT", "Đối tượng", "Chỉ số", "Kỳ"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert len(rows) == 6  # A: 2 indicators × 3 months
    rate_rows = [r for r in rows if r[6] is not None]
    assert rate_rows[0][6:8] == [92, 100]
    assert rate_rows[0][8] == pytest.approx(0.92)
    assert sheet.cell(5, 9).number_format == "0.00%"
    assert rate_rows[0][3] == "Tháng 01/2024"
    assert sheet.freeze_panes == "A5"


def test_exports_follow_the_user_scope(client, org, scored):
    plan, period, group, other, a, b = scored
    client.force_login(org.staff_a)
    book = _workbook(client.get(reverse("scoring:standing_export", args=[period.pk])))
    assert book.sheetnames == ["Khối xã"]
    names = [c.value for c in book["Khối xã"]["C"]]
    assert "Xã Bình Minh" not in names
