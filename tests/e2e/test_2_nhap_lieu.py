"""Nhập liệu's month: the grid with one invalid value, the Excel template with one bad cell, and the standings move."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.models import Participant, Period
from tests.e2e.browser import check_page, login, tab_to
from tests.e2e.data import open_month, open_period

pytestmark = pytest.mark.e2e


@pytest.fixture
def month(demo):
    """Tây Hiếu's open period and its month of today, open for entry."""
    period = open_period()
    return period, open_month(period)


def _total_points(page, period: Period, name: str) -> str:
    page.goto(reverse("scoring:standing_list", args=[period.pk]))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_have_count(1)
    return row.get_by_role("cell").nth(3).inner_text()


def _fill_grid(page, *, first_numerator: str) -> None:
    """Every row of the grid gets a full reading: rates 9/10, counts 2, yes/no Có; the first numerator as given."""
    grid = page.locator("#entry-grid tbody")
    first = True
    for row in grid.get_by_role("row").all():
        kind = row.get_attribute("data-kind")
        if kind == "rate":
            row.locator('[data-role="numerator"]').fill(first_numerator if first else "9")
            row.locator('[data-role="denominator"]').fill("10")
            first = False
        elif kind == "boolean":
            row.locator('[data-role="value"]').select_option(label="Có")
        else:
            row.locator('[data-role="value"]').fill("2")


def test_the_history_buttons_of_the_grid_are_reached_by_keyboard(page, month):
    """Tab reaches a row's history button (after the row's fields), Enter opens the panel, Esc comes back; Enter in
    a field still moves down the column. Runs before the journey below sends the month (a sent month is read-only)."""
    period, window = month
    collective = Participant.objects.get(plan=period.plan, unit__code="NA-TAYHIEU-VP", kind="collective")
    login(page, "tayhieu.nhaplieu")
    page.goto(reverse("scoring:reading_entry", args=[period.pk, collective.pk, window.start]))
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()  # an editable grid

    rows = page.locator("#entry-grid tbody tr")
    first_field = rows.first.locator("input:not([type=hidden]), select").first
    first_field.focus()
    page.keyboard.press("Enter")  # the grid's own move: down the column, never onto a button
    expect(rows.nth(1).locator("input:not([type=hidden]), select").first).to_be_focused()

    history = rows.first.get_by_role("button", name=re.compile(r"^Lịch sử số liệu: "))
    indicator = history.get_attribute("aria-label").removeprefix("Lịch sử số liệu: ")
    tab_to(page, history)
    page.keyboard.press("Tab")  # the next stop is the next row's first field: the row order is kept
    expect(rows.nth(1).locator("input:not([type=hidden]), select").first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(history).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.locator("#side-panel h2")
    expect(heading).to_have_text(indicator)
    expect(heading).to_be_focused()
    expect(page.locator("#side-panel")).to_contain_text("Lịch sử thay đổi kỳ này")
    page.keyboard.press("Escape")
    expect(history).to_be_focused()


def test_nhap_lieu_enters_a_month_in_the_grid_and_by_excel(page, month, tmp_path, browser_errors):
    period, window = month
    collective = Participant.objects.get(plan=period.plan, unit__code="NA-TAYHIEU-VP", kind="collective")
    other = Participant.objects.get(plan=period.plan, unit__code="NA-TAYHIEU-TP", kind="collective")
    login(page, "tayhieu.nhaplieu")
    before = _total_points(page, period, collective.name)
    check_page(page, "xep-hang")

    # The grid: from the menu to the period's dashboard to the month of one participant.
    page.get_by_role("link", name="Nhập số liệu").first.click()
    check_page(page, "nhap-lieu-cac-dot")
    page.locator(f'a[href="{reverse("scoring:entry_dashboard", args=[period.pk])}"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Tình hình nhập số liệu — {period.name}")
    check_page(page, "nhap-lieu-tinh-hinh")
    page.get_by_role("link", name=f"{collective.name} · {window.label}:").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(collective.name)
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()

    _fill_grid(page, first_numerator="12")
    first_rate = page.locator("#entry-grid tbody tr[data-kind=rate]").first
    expect(first_rate.locator('output[data-role="rate"]')).to_have_text("Tử số > mẫu số")
    check_page(page, "nhap-lieu-luoi")
    browser_errors.expect("status of 400")  # an invalid grid re-renders with 400 Bad Request
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".alert-danger")).to_contain_text("Số liệu chưa hợp lệ, hãy sửa các ô được đánh dấu.")
    expect(first_rate).to_contain_text("Tử số (12) không được lớn hơn mẫu số (10).")
    expect(first_rate.locator('[data-role="numerator"]')).to_have_attribute("aria-invalid", "true")

    first_rate.locator('[data-role="numerator"]').fill("9")
    expect(first_rate.locator('output[data-role="rate"]')).to_have_text("90,00%")
    save = page.get_by_role("button", name="Lưu nháp")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu nháp")
    expect(page.get_by_text("Đủ số liệu")).to_be_visible()

    send = page.get_by_role("button", name="Gửi số liệu tháng")
    dialogs = []

    def confirm(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    send.click()
    expect(page.locator(".alert-success")).to_contain_text(f"của {window.label}")
    assert dialogs and dialogs[0].startswith(f"Gửi số liệu {window.label}?")
    expect(page.get_by_text("Đã gửi", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)

    after = _total_points(page, period, collective.name)
    assert after != before, f"Tổng điểm của {collective.name} không đổi ({before})"

    # Excel: download the pre-filled template, one bad cell, then a correct file.
    other_before = _total_points(page, period, other.name)
    page.goto(reverse("scoring:entry_dashboard", args=[period.pk]))
    page.get_by_role("link", name="Nhập/tải mẫu Excel").click()
    check_page(page, "nhap-lieu-excel")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải tệp mẫu (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook["Số liệu"]
    rows = [
        row
        for row in sheet.iter_rows(min_row=5)
        if row[0].value == other.pk and str(row[2].value).startswith(window.start.isoformat())
    ]
    assert rows, "Tệp mẫu không có dòng nào của đối tượng trong tháng đang mở"
    rate_rows = [row for row in rows if row[6].value and "tỷ lệ" in str(row[6].value).lower()] or rows
    bad = rate_rows[0]
    for row in rows:
        if row is bad:
            row[7].value, row[8].value = "mười", 10
        elif row[7].value is not None or "tỷ lệ" in str(row[6].value).lower():
            row[7].value, row[8].value = 3, 10
        else:
            row[9].value = 1
    broken = tmp_path / "so-lieu-loi.xlsx"
    workbook.save(broken)

    browser_errors.expect("status of 400")
    page.get_by_label(re.compile("Tệp Excel số liệu")).set_input_files(broken)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("alert")).to_contain_text("Tệp có 1 lỗi, chưa ghi số liệu nào.")
    error_row = page.locator("#import-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.get_by_role("cell")).to_have_text(["Số liệu", str(bad[0].row), "H", re.compile("“mười”")])
    check_page(page, "nhap-lieu-excel-loi")

    bad[7].value = 3
    fixed = tmp_path / "so-lieu-dung.xlsx"
    workbook.save(fixed)
    page.get_by_label(re.compile("Tệp Excel số liệu")).set_input_files(fixed)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("status").filter(has_text="Xem trước")).to_contain_text("Chưa có gì được ghi.")
    expect(page.locator("#import-preview tbody tr")).to_have_count(len(rows))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xác nhận ghi số liệu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập từ Excel")

    assert _total_points(page, period, other.name) != other_before
