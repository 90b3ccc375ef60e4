"""Quản trị's start of a locality: a commune's quản trị adds a clerk (an official and its login with the nhập liệu
role), the clerk signs in with the one-time password, must choose a new one, then enters a month of readings."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Participant, Unit
from scoring.models import Reading
from scoring.services.readings import return_window
from tests.e2e.browser import check_page, login, logout, open_menu
from tests.e2e.data import CHAIRMAN, open_month, open_period, user

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Thi-dua-Tay-Hieu-2025"


@pytest.fixture
def month(demo):
    """Tây Hiếu's open period, its month of today open for entry, and a section whose month is still a draft."""
    period = open_period()
    window = open_month(period)
    sections = (
        Participant.objects.filter(plan=period.plan, kind="collective", unit__code__startswith="NA-TAYHIEU-")
        .exclude(unit__code__in=["NA-TAYHIEU-VP", "NA-TAYHIEU-TP"])  # the nhập liệu journey's own
        .order_by("unit__code")
    )
    sent = Reading.objects.filter(period=period, window_start=window.start, status=Reading.Status.SUBMITTED)
    participant = sections.exclude(pk__in=sent.values("participant_id")).first()
    if participant is None:  # after the other journeys every month is sent: the chairman returns one to draft
        participant = sections.first()
        assert participant is not None
        return_window(
            user=user(CHAIRMAN),
            participant=participant,
            period=period,
            window_start=window.start,
            reason="Trả lại để cán bộ mới nhập thử",
        )
    return period, window, participant


def test_a_commune_quan_tri_adds_a_clerk_who_signs_in_and_enters_readings(page, month):
    period, window, participant = month
    login(page, "tayhieu.quantri")

    # The official: from the menu to the list, then "Thêm cán bộ".
    open_menu(page, "Hệ thống", "Cán bộ, tài khoản")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ, công chức")
    check_page(page, "quan-tri-can-bo")
    page.get_by_role("link", name="Thêm cán bộ").click()
    page.get_by_label("Họ và tên").fill("Phan Thị Ngọc Ánh")
    page.get_by_label("Đơn vị công tác").select_option(str(Unit.objects.get(code="NA-TAYHIEU-VP").pk))
    page.get_by_label("Chức vụ").fill("Công chức Văn phòng – Thống kê")
    check_page(page, "quan-tri-them-can-bo")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm cán bộ Phan Thị Ngọc Ánh")

    # The login, with the nhập liệu role on the commune: the one-time password is shown once.
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("tayhieu.anhptn")
    page.get_by_label("Vai trò").select_option(label="Nhập liệu")
    page.get_by_label("Trên đơn vị").select_option(str(Unit.objects.get(code="NA-TAYHIEU").pk))
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tạo tài khoản tayhieu.anhptn")
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(password) >= 10
    check_page(page, "quan-tri-mat-khau-mot-lan")
    page.get_by_role("link", name="Xem tài khoản, giao vai trò").click()
    expect(page.get_by_role("cell", name="Nhập liệu")).to_be_visible()
    logout(page)

    # The clerk: the one-time password leads straight to "Đổi mật khẩu".
    page.goto("/dang-nhap/")
    page.get_by_label(re.compile("Tên đăng nhập", re.I)).fill("tayhieu.anhptn")
    page.get_by_label(re.compile("Mật khẩu", re.I)).fill(password)
    page.get_by_label(re.compile("Mật khẩu", re.I)).press("Enter")
    page.wait_for_url(re.compile(r"/doi-mat-khau/$"))
    expect(page.locator(".alert-warning")).to_contain_text("mật khẩu dùng một lần")
    # Django's own labels (its translation is in decomposed Unicode, so they are found by field)
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.locator(".alert-success")).to_contain_text("Mật khẩu của bạn đã được đổi")
    logout(page)
    login(page, "tayhieu.anhptn", NEW_PASSWORD)

    # … and enters a month of readings for a section of the commune.
    page.goto(reverse("scoring:reading_entry", args=[period.pk, participant.pk, window.start]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(participant.name)
    grid = page.locator("#entry-grid tbody")
    for row in grid.get_by_role("row").all():
        kind = row.get_attribute("data-kind")
        if kind == "rate":
            row.locator('[data-role="numerator"]').fill("9")
            row.locator('[data-role="denominator"]').fill("10")
        elif kind == "boolean":
            row.locator('[data-role="value"]').select_option(label="Có")
        else:
            row.locator('[data-role="value"]').fill("2")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu nháp")
    assert Reading.objects.filter(
        participant=participant, window_start=window.start, entered_by__username="tayhieu.anhptn"
    ).exists()
