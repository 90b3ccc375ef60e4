"""Issue 19, point 3: nhập liệu imports a month from Excel and sends it in the same step. The preview shows the
grid's plausibility warnings and a summary, its confirmation stays at the top of the page while the rows scroll by,
and "Gửi luôn sau khi ghi" leaves the month sent (read-only in the grid), not in draft."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.models import Participant
from scoring.entry_selectors import expected_indicators
from scoring.models import Indicator, Reading
from tests.e2e.browser import check_page, login
from tests.e2e.data import OFFICE, open_month, open_period

pytestmark = pytest.mark.e2e


def _participant_to_import(period, window) -> tuple[Participant, Indicator]:
    """A collective of Tây Hiếu other than the two of test_2, its month not sent, and a rate indicator whose last
    month was above 50%: 1/10 this month is a jump the grid warns about."""
    candidates = (
        Participant.objects.filter(plan=period.plan, kind="collective", unit__path__startswith=period.plan.issuer.path)
        .exclude(unit__code__in=["NA-TAYHIEU-VP", "NA-TAYHIEU-TP"])
        .order_by("name")
    )
    for participant in candidates:
        if Reading.objects.filter(
            participant=participant, window_start=window.start, status=Reading.Status.SUBMITTED
        ).exists():
            continue
        for indicator in expected_indicators(participant=participant, plan=period.plan):
            if indicator.kind != Indicator.Kind.RATE:
                continue
            last = (
                Reading.objects.filter(participant=participant, indicator=indicator, window_start__lt=window.start)
                .order_by("-window_start")
                .first()
            )
            if last is not None and last.denominator and last.numerator * 2 > last.denominator:
                return participant, indicator
    raise AssertionError("Không có đối tượng nào của Tây Hiếu có tháng chưa gửi và tỷ lệ tháng trước trên 50%")


def test_an_excel_month_sent_at_once_with_the_grids_warnings_in_the_preview(page, demo, tmp_path):
    period = open_period()
    window = open_month(period)
    participant, jumping = _participant_to_import(period, window)
    login(page, OFFICE)
    page.goto(reverse("scoring:excel_upload", args=[period.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải tệp mẫu (.xlsx)").click()
    template = tmp_path / "mau.xlsx"
    download_info.value.save_as(template)

    # Every figure of the participant's month: rates 9/10 (the jumping one 1 of "1.000", thousands written with a dot
    # as a Vietnamese writes them), counts 2, yes/no 1.
    kinds = {i.code: i.kind for i in expected_indicators(participant=participant, plan=period.plan)}
    workbook = load_workbook(template)
    rows = [
        row
        for row in workbook["Số liệu"].iter_rows(min_row=5)
        if row[0].value == participant.pk and str(row[2].value).startswith(window.start.isoformat())
    ]
    assert len(rows) == len(kinds)
    for row in rows:
        kind = kinds[row[1].value]
        if kind == Indicator.Kind.RATE:
            row[7].value, row[8].value = (1, "1.000") if row[1].value == jumping.code else (9, 10)
        elif kind == Indicator.Kind.BOOLEAN:
            row[9].value = 1
        else:
            row[9].value = 2
    filled = tmp_path / "so-lieu-thang.xlsx"
    workbook.save(filled)

    page.get_by_label(re.compile("Tệp Excel số liệu")).set_input_files(filled)
    page.get_by_role("button", name="Kiểm tra tệp").click()

    summary = page.locator("#import-summary")
    expect(summary.locator('[data-count="refused"]')).to_have_text("0")
    warned = page.locator("#import-preview tbody tr").filter(has_text=jumping.name)
    expect(warned.locator("[data-warning]").first).to_contain_text("Tỷ lệ thay đổi")
    expect(warned.locator("[data-warning]").first).to_contain_text("→ 0,10%)")
    warnings = int(summary.locator('[data-count="warnings"]').inner_text())
    assert warnings >= 1
    assert page.locator("#import-preview tbody tr.table-warning").count() == warnings

    # The confirmation is above the rows, and still on screen once scrolled to the last row.
    confirm = page.get_by_role("button", name="Xác nhận ghi số liệu")
    assert confirm.bounding_box()["y"] < page.locator("#import-preview").bounding_box()["y"]
    send_at_once = page.get_by_label("Gửi luôn sau khi ghi")
    expect(send_at_once).not_to_be_checked()
    check_page(page, "nhap-excel-xem-truoc")
    page.locator("#import-preview tbody tr").last.scroll_into_view_if_needed()
    expect(confirm).to_be_in_viewport()

    send_at_once.check()
    page.once("dialog", lambda dialog: dialog.accept())
    confirm.click()
    expect(page.locator(".alert-success").filter(has_text="Đã nhập từ Excel")).to_be_visible()
    # Every complete month the file names is sent: this one, and any other that earlier journeys left complete.
    expect(page.locator(".alert-success").filter(has_text=re.compile(r"Đã gửi \d+ kỳ số liệu"))).to_be_visible()
    check_page(page, "nhap-excel-da-gui")

    # The month is sent: the grid is read-only, every reading submitted, "1.000" stored as 1000.
    page.goto(reverse("scoring:reading_entry", args=[period.pk, participant.pk, window.start]))
    expect(page.get_by_text("Đã gửi", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    month = Reading.objects.filter(participant=participant, window_start=window.start)
    assert set(month.values_list("status", flat=True)) == {Reading.Status.SUBMITTED}
    assert month.get(indicator=jumping).denominator == 1000
