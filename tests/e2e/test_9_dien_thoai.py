"""On a phone (390×844): the clerk opens the period grid, enters a month of one section in the entry grid, sends it,
then reads the standings. Each page is as wide as the screen (no sideways scrolling of the page), and every input,
month and figure the clerk needs comes fully into view when scrolled to."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Participant
from scoring.models import Reading
from scoring.services.readings import return_window
from scoring.windows import windows_for
from tests.e2e.browser import DESKTOP, PHONE, check_page, login
from tests.e2e.data import CHAIRMAN, OFFICE, open_month, open_period, user

pytestmark = pytest.mark.e2e


@pytest.fixture
def month(demo):
    """Tây Hiếu's open period, its month of today open for entry, and a section whose month is not sent yet (the
    last by code: the nhập liệu and quản trị journeys take VP, TP and the first ones)."""
    period = open_period()
    window = open_month(period)
    sections = (
        Participant.objects.filter(plan=period.plan, kind="collective", unit__code__startswith="NA-TAYHIEU-")
        .exclude(unit__code__in=["NA-TAYHIEU-VP", "NA-TAYHIEU-TP"])
        .order_by("-unit__code")
    )
    sent = Reading.objects.filter(period=period, window_start=window.start, status=Reading.Status.SUBMITTED)
    participant = sections.exclude(pk__in=sent.values("participant_id")).first()
    if participant is None:  # after the chairman's journey every month is sent: he returns one to draft
        participant = sections.first()
        assert participant is not None
        return_window(
            user=user(CHAIRMAN),
            participant=participant,
            period=period,
            window_start=window.start,
            reason="Trả lại để nhập thử trên điện thoại",
        )
    return period, window, participant


SIDEWAYS_SCROLLERS_JS = """
() => [...document.querySelectorAll('main *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} px trong ${el.clientWidth} px`)
"""


def assert_fits_the_screen(page) -> None:
    """The page is exactly as wide as the phone, and no part of it (a table in a scrolling box) scrolls sideways
    either: what is off to the right of such a box is not seen by scrolling down."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width == PHONE["width"], f"Trang {page.url} rộng {width} px trên màn hình {PHONE['width']} px"
    scrollers = page.evaluate(SIDEWAYS_SCROLLERS_JS)
    assert not scrollers, f"Trên {page.url} có vùng phải cuộn ngang:\n" + "\n".join(scrollers)


def assert_in_view(locator, what: str) -> int:
    """Each element, once scrolled to, lies wholly inside the phone's screen (width and height). Returns how many."""
    elements = locator.all()
    assert elements, f"Không thấy {what}"
    for element in elements:
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, f"{what} bị ẩn: {element}"
        left, top, right, bottom = box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]
        # one pixel of slack: scrolling aligns an edge on a fractional pixel
        assert left >= 0 and right <= PHONE["width"] + 1, f"{what} lọt ra ngoài chiều ngang: {box}"
        assert top >= -1 and bottom <= PHONE["height"] + 1, f"{what} không vào hết màn hình: {box}"
    return len(elements)


def check_both_widths(page, name: str) -> None:
    """check_page (labels, names, axe-core at desktop and phone widths, screenshots), then back to the phone."""
    page.set_viewport_size(DESKTOP)
    check_page(page, name)
    page.set_viewport_size(PHONE)


def test_the_clerk_enters_and_sends_a_month_on_a_phone(page, month, browser_errors):
    period, window, participant = month
    months = windows_for(period)
    page.set_viewport_size(PHONE)
    login(page, OFFICE)

    # The period grid: every month of the section is on the screen (not 2 of 5 behind a sideways scroll).
    page.goto(reverse("scoring:entry_dashboard", args=[period.pk]))
    assert_fits_the_screen(page)
    section_months = page.get_by_role("link", name=f"{participant.name} · ")
    assert assert_in_view(section_months, "ô tháng của đối tượng") == len(months)
    assert_in_view(page.get_by_role("link", name=f" · {months[-1].label}:"), "ô tháng cuối của các đối tượng")
    check_both_widths(page, "dien-thoai-tinh-hinh")
    page.get_by_role("link", name=f"{participant.name} · {window.label}:").click()

    # The entry grid: one card per indicator, every field under its label, the buttons on the screen.
    expect(page.get_by_role("heading", level=1)).to_contain_text(participant.name)
    assert_fits_the_screen(page)
    fields = page.locator("#entry-grid tbody").locator("input:not([type=hidden]), select")
    count = assert_in_view(fields, "ô nhập")
    assert_in_view(page.locator("#entry-grid label.stack-label"), "nhãn của ô nhập")
    assert_in_view(page.get_by_role("button", name="Lưu nháp"), "nút Lưu nháp")
    assert_in_view(page.get_by_role("button", name="Gửi số liệu tháng"), "nút Gửi số liệu")
    check_both_widths(page, "dien-thoai-luoi")

    for row in page.locator("#entry-grid tbody").get_by_role("row").all():
        kind = row.get_attribute("data-kind")
        if kind == "rate":
            numerator, denominator = row.locator('[data-role="numerator"]'), row.locator('[data-role="denominator"]')
            numerator.fill("8")
            denominator.fill("10")
            expect(row.locator('output[data-role="rate"]')).to_have_text("80,00%")
        elif kind == "boolean":
            row.locator('[data-role="value"]').select_option(label="Có")
        else:
            row.locator('[data-role="value"]').fill("3")
    save = page.get_by_role("button", name="Lưu nháp")
    save.scroll_into_view_if_needed()
    save.click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu nháp")
    expect(page.get_by_text("Đủ số liệu")).to_be_visible()
    assert_fits_the_screen(page)
    assert assert_in_view(fields, "ô nhập sau khi lưu") == count

    send = page.get_by_role("button", name="Gửi số liệu tháng")
    assert_in_view(send, "nút Gửi số liệu")
    page.once("dialog", lambda dialog: dialog.accept())
    send.click()
    expect(page.locator(".alert-success")).to_contain_text(f"của {window.label}")
    expect(page.get_by_text("Đã gửi", exact=True)).to_be_visible()
    assert Reading.objects.filter(
        participant=participant, window_start=window.start, status=Reading.Status.SUBMITTED
    ).count() == count_rows(page)
    assert_fits_the_screen(page)

    # The standings: the section's card shows its "Tỷ lệ điểm" on the screen, as every figure of every card.
    page.goto(reverse("scoring:standing_list", args=[period.pk]))
    assert_fits_the_screen(page)
    card = page.locator("tbody tr").filter(has=page.get_by_role("link", name=participant.name, exact=True))
    expect(card).to_have_count(1)
    ratio = card.locator('[data-label="Tỷ lệ điểm"]')
    shown_name = ratio.evaluate("(cell) => getComputedStyle(cell, '::before').content")
    assert shown_name == '"Tỷ lệ điểm"', shown_name  # the column's name travels with the figure on a phone
    assert_in_view(ratio, "Tỷ lệ điểm")
    assert_in_view(page.locator("tbody tr td"), "ô của bảng xếp hạng")
    check_both_widths(page, "dien-thoai-xep-hang")

    card.get_by_role("link", name=participant.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(participant.name)
    assert_fits_the_screen(page)
    assert_in_view(page.locator("tbody tr td:not(.stack-sr)"), "ô của bảng điểm")
    check_both_widths(page, "dien-thoai-diem")


def count_rows(page) -> int:
    """The indicators of the grid (one reading each for the month)."""
    return page.locator("#entry-grid tbody tr[data-kind]").count()
