"""Nhập liệu takes a month's readings from the one-stop system's report instead of typing them (issue 22): the
report's page, a sample report downloaded, uploaded with the saved profile, previewed, confirmed; the readings are
in the history under the profile's name."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Participant
from scoring.models import Reading
from scoring.services.readings import return_window
from tests.e2e.browser import check_page, login
from tests.e2e.data import CHAIRMAN, open_month, open_period, user

pytestmark = pytest.mark.e2e


@pytest.fixture
def month(demo):
    """Tây Hiếu's open period and its month of today, open for entry, its collectives' readings not yet sent."""
    period = open_period()
    window = open_month(period)
    for participant in Participant.objects.filter(plan=period.plan, kind=Participant.Kind.COLLECTIVE):
        sent = Reading.objects.filter(
            period=period, participant=participant, window_start=window.start, status=Reading.Status.SUBMITTED
        )
        if sent.exists():
            return_window(
                user=user(CHAIRMAN),
                participant=participant,
                period=period,
                window_start=window.start,
                reason="Trả lại để kiểm thử nhập từ báo cáo",
            )
    return period, window


def test_nhap_lieu_imports_a_month_from_the_one_stop_report_through_its_profile(page, month, tmp_path):
    period, window = month
    login(page, "tayhieu.nhaplieu")
    page.goto(reverse("scoring:excel_upload", args=[period.pk]))
    page.get_by_role("link", name="Nhập thẳng từ báo cáo đó").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhập số liệu từ báo cáo của hệ thống khác")
    check_page(page, "nhap-tu-bao-cao")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Báo cáo hệ thống một cửa").click()
    report = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(report)

    page.get_by_label("Tệp báo cáo (.xlsx hoặc .csv)").set_input_files(str(report))
    page.get_by_label("Cấu hình đã lưu").select_option(label="Báo cáo hệ thống một cửa")
    page.get_by_role("button", name="Tiếp tục: ghép cột, xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("theo cấu hình “Báo cáo hệ thống một cửa”")
    expect(page.get_by_label("Số liệu của kỳ")).to_have_value(window.start.isoformat())
    page.get_by_role("button", name="Xem trước").click()
    summary = page.locator("#report-summary")
    expect(summary).to_contain_text("đơn vị nhận ra")
    expect(summary).to_contain_text("bỏ qua 1 dòng tổng cộng")
    check_page(page, "ghep-cot-bao-cao")

    page.locator("#report-matches summary").click()
    expect(page.locator("#report-matches")).to_contain_text("Công an xã Tây Hiếu")
    page.get_by_role("button", name="Xác nhận ghi").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi")
    expect(page.locator(".alert-success")).to_contain_text("Gửi số liệu tháng")
    reading = Reading.objects.filter(
        period=period, window_start=window.start, indicator__code="766-toan-trinh", participant__kind="collective"
    ).first()
    assert reading is not None
    assert reading.history.first().history_change_reason == "Nhập từ báo cáo: Báo cáo hệ thống một cửa"

    # The portal's page (CSV, units by code) through its own profile, the same way.
    page.goto(reverse("scoring:report_upload", args=[period.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Chỉ số phục vụ trên Cổng DVC").click()
    portal = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(portal)
    page.get_by_label("Tệp báo cáo (.xlsx hoặc .csv)").set_input_files(str(portal))
    page.get_by_label("Cấu hình đã lưu").select_option(label="Chỉ số phục vụ trên Cổng DVC")
    page.get_by_role("button", name="Tiếp tục: ghép cột, xem trước").click()
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#report-summary")).to_contain_text("đơn vị nhận ra")
    page.get_by_role("button", name="Xác nhận ghi").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi")
    paid = Reading.objects.get(
        period=period,
        window_start=window.start,
        indicator__code="766-thanh-toan-truc-tuyen",
        participant=reading.participant,
    )
    assert paid.history.first().history_change_reason == "Nhập từ báo cáo: Chỉ số phục vụ trên Cổng DVC"
