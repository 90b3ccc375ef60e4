"""Plans told apart (issue 19, point 5): a chairman finds last years' plan in the archive, copies it to a new year,
reads the list of what the copy rewrote (the old year in the text, the old year's legal basis dropped), numbers the
draft, and every breadcrumb then names the plan by its number and year."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Plan
from tests.e2e.browser import check_page, login
from tests.e2e.data import CHAIRMAN, COMMUNE

pytestmark = pytest.mark.e2e

NEW_YEAR = 2025  # the demo has Tây Hiếu's 2024 plan and this year's copy: 2025 is free


@pytest.fixture
def source(demo):
    """Tây Hiếu's 2024 plan; the draft this journey makes is removed afterwards, so the journey can run again."""
    plan = Plan.objects.get(issuer__code=COMMUNE, start__year=2024)
    yield plan
    Plan.objects.filter(issuer__code=COMMUNE, start__year=NEW_YEAR).delete()


def test_a_plan_copied_to_a_new_year_lists_its_changes_and_is_named_by_number_and_year(page, source):
    login(page, CHAIRMAN)
    page.goto("/ke-hoach/")
    expect(page.get_by_role("link", name=source.title)).to_have_count(0)  # a 2024 plan is not pending now
    page.get_by_role("link", name="Kế hoạch đã kết thúc").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch đã kết thúc")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=source.title))
    expect(row).to_contain_text("Kế hoạch năm 2024 (chưa có số)")
    check_page(page, "ke-hoach-da-ket-thuc")
    row.get_by_role("link", name=source.title).click()

    page.get_by_role("link", name="Sao chép sang năm mới").click()
    page.get_by_label("Năm của kế hoạch mới").fill(str(NEW_YEAR))
    page.get_by_role("button", name="Tạo dự thảo").click()

    review = page.locator("#thay-doi-khi-sao-chep")
    expect(review.get_by_role("heading")).to_have_text(f"Những chỗ đã sửa khi sao chép sang năm {NEW_YEAR}")
    purpose = review.get_by_role("listitem").filter(has_text="Mục đích")
    expect(purpose).to_contain_text("trong năm 2024")
    expect(purpose).to_contain_text(f"trong năm {NEW_YEAR}")
    dropped = review.get_by_role("listitem").filter(has_text="Quyết định số 15/QĐ-UBND ngày 16/01/2024")
    expect(dropped).to_contain_text("Căn cứ (đã bỏ vì nêu năm 2024)")
    expect(dropped).to_contain_text("(đã bỏ)")
    expect(page.locator("#chung")).not_to_contain_text("15/QĐ-UBND ngày 16/01/2024")
    check_page(page, "ke-hoach-sao-chep-ra-soat")

    page.get_by_role("link", name="Sửa", exact=True).click()
    page.get_by_label("Số", exact=True).fill("45")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    crumb = page.locator(".breadcrumb-item.active")
    expect(crumb).to_have_text(f"45/KH-UBND năm {NEW_YEAR}")
    page.get_by_role("link", name="Sửa tiêu chí").click()
    expect(
        page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name=f"45/KH-UBND năm {NEW_YEAR}")
    ).to_be_visible()
    expect(page.locator("details[data-formset-row]").first).not_to_have_attribute("open", re.compile(".*"))
    check_page(page, "ke-hoach-tieu-chi")
