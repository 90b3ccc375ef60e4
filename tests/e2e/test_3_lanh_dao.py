"""Lãnh đạo's journey: close the period, read the proposals and why, reject one with a reason, accept the rest,
sign the decision with the password, download the decision PDF and the Excel list and check both files."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.models import Decision, Nomination
from campaigns.models import Period
from tests.e2e.browser import check_page, login, open_menu, tab_to
from tests.e2e.data import ensure_readings, open_period, prepare_and_send

pytestmark = pytest.mark.e2e


def test_lanh_dao_closes_the_period_decides_the_proposals_and_signs(page, demo, tmp_path, browser_errors):
    period = open_period()
    ensure_readings(period)  # the office has entered every month of the period
    login(page, "tayhieu.lanhdao")

    # Close the period: a confirmation is shown and required; the close runs as a tracked job.
    close_url = reverse("planning:period_close", args=[period.pk])
    page.goto(close_url)
    expect(page.get_by_role("heading", level=2, name="Kiểm tra trước khi chốt")).to_be_visible()
    expect(page.get_by_text("Không có đối tượng nào thiếu số liệu đã ghi nhận.")).to_be_visible()
    check_page(page, "chot-dot")
    close = page.get_by_role("button", name="Chốt đợt thi đua")
    close.click()  # without the confirmation ticked, the browser does not send the form
    expect(page).to_have_url(re.compile(re.escape(close_url) + "$"))
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
    page.get_by_label(re.compile("xác nhận chốt")).check()
    tab_to(page, close)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tac-vu/\d+/$"))
    expect(page.locator("#job-progress")).to_contain_text("Hoàn thành", timeout=30_000)
    check_page(page, "tac-vu-chi-tiet")
    page.get_by_role("link", name="Xem đợt thi đua").click()
    expect(page.get_by_text("Đợt thi đua đã được chốt")).to_be_visible()
    expect(page.get_by_role("button", name="Chốt đợt thi đua")).to_have_count(0)
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED

    # The proposals, each with the reason it was proposed.
    open_menu(page, "Khen thưởng", "Đề nghị khen thưởng")
    check_page(page, "de-nghi")
    page.locator(f'a[href="{reverse("awards:nomination_list", args=[period.pk])}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đề xuất khen thưởng — {period.name}")
    proposed = list(Nomination.objects.filter(period=period).order_by("rank", "pk"))
    assert len(proposed) >= 2, "Chốt đợt phải đề xuất ít nhất hai đề nghị để xét"
    for nomination in proposed:
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=nomination.name, exact=True)).first
        assert nomination.reason
        expect(row).to_contain_text(nomination.reason)
    check_page(page, "de-xuat")

    # Between the proposals and the decision the office completes and sends each dossier.
    prepare_and_send(period)
    page.reload()

    # The council votes (recorded by the chairman's office on the council page).
    page.get_by_role("link", name="Hội đồng TĐKT").click()
    page.get_by_label("Tổng số thành viên Hội đồng").fill("7")
    page.get_by_label("Số thành viên có mặt").fill("7")
    page.get_by_label("Nội dung biên bản").fill("Hội đồng họp xét khen thưởng sơ kết Đợt 1.")
    for nomination in proposed:
        page.locator(f"#id_votes_{nomination.pk}").fill("6")
    check_page(page, "hoi-dong")
    page.get_by_role("button", name="Ghi biên bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi kết quả họp")

    # Reject the last one with a reason; accept the rest.
    rejected, accepted = proposed[-1], proposed[:-1]
    reason = "Chưa có sáng kiến được cấp huyện công nhận trong đợt này."
    page.goto(rejected.get_absolute_url())
    expect(page.get_by_text(rejected.reason).first).to_be_visible()
    check_page(page, "de-nghi-chi-tiet")
    page.get_by_role("link", name="Không chấp thuận").click()
    browser_errors.expect("status of 400")
    page.get_by_role("button", name="Không chấp thuận").click()  # no reason: refused, nothing changes
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    page.get_by_label("Lý do không chấp thuận").fill(reason)
    page.get_by_label("Tôi xác nhận không chấp thuận đề nghị này").check()
    page.get_by_role("button", name="Không chấp thuận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi không chấp thuận.")
    expect(page.get_by_text(reason).first).to_be_visible()

    for nomination in accepted:
        page.goto(nomination.get_absolute_url())
        page.get_by_role("link", name="Chấp thuận", exact=True).click()
        page.get_by_label("Tôi xác nhận chấp thuận đề nghị khen thưởng này").check()
        button = page.get_by_role("button", name="Chấp thuận", exact=True)
        tab_to(page, button)
        page.keyboard.press("Enter")
        expect(page.locator(".alert-success")).to_contain_text("Đã chấp thuận đề nghị.")
    assert {n.pk for n in Nomination.objects.filter(period=period, status=Nomination.Status.ACCEPTED)} == {
        n.pk for n in accepted
    }

    # The decision: draft it from the accepted proposals, sign with the password.
    open_menu(page, "Khen thưởng", "Quyết định")
    check_page(page, "quyet-dinh-danh-sach")
    page.locator(f'a[href="{reverse("awards:decision_create", args=[period.pk])}"]').click()
    for nomination in accepted:
        expect(page.get_by_role("cell", name=nomination.name, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=rejected.name, exact=True)).to_have_count(0)
    page.get_by_label("Hình thức khen thưởng").select_option(label=accepted[0].award_kind.name)
    page.get_by_label(re.compile("Tôi xác nhận lập dự thảo")).check()
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lập dự thảo quyết định")
    check_page(page, "quyet-dinh-du-thao")

    page.get_by_role("link", name="Phê duyệt (ký nháy)").click()
    check_page(page, "quyet-dinh-ky")
    browser_errors.expect("status of 400")
    page.get_by_label("Mật khẩu của bạn").fill("khong-dung")
    page.get_by_label(re.compile("đồng ý ký")).check()
    page.get_by_role("button", name="Phê duyệt (ký nháy)").click()
    expect(page.get_by_text(re.compile("Mật khẩu"))).not_to_have_count(0)
    decision = Decision.objects.get(period=period)
    assert decision.status == Decision.Status.DRAFT
    page.get_by_label("Mật khẩu của bạn").fill("thidua@2024")
    page.get_by_label(re.compile("đồng ý ký")).check()
    page.get_by_role("button", name="Phê duyệt (ký nháy)").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ký quyết định số")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SIGNED
    check_page(page, "quyet-dinh-chi-tiet")

    # Both files, downloaded and read back.
    with page.expect_download() as info:
        page.get_by_role("link", name="Danh sách (Excel)").click()
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    cells = " ".join(str(c) for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row if c)
    for nomination in accepted:
        assert nomination.name in cells
    assert rejected.name not in cells

    # The PDF opens inline (Chromium shows it); fetch it with the page's session as the viewer does.
    response = page.request.get(page.get_by_role("link", name="Tải PDF").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "quyet-dinh.pdf"
    pdf.write_bytes(response.body())
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "QUYẾT ĐỊNH" in text
    assert re.sub(r"\s+", " ", decision.number_display) in re.sub(r"\s+", " ", text)
    flat = re.sub(r"\s+", " ", text)
    for nomination in accepted:
        assert nomination.name in flat
    assert rejected.name not in flat
