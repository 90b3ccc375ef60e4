"""Closing a period: the chairman confirms and sees it closed; Home Affairs sees the same page read-only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Period
from tests.e2e.browser import check_page, login, tab_to

pytestmark = pytest.mark.e2e


def _first_period(issuer_code: str = "NA-TAYHIEU") -> Period:
    return Period.objects.filter(plan__issuer__code=issuer_code).order_by("start").first()


def test_chairman_closes_a_period_after_confirming(page, demo):
    period = _first_period()
    login(page, "tayhieu.lanhdao")
    page.goto(reverse("awards:period_close", args=[period.pk]))
    expect(page.get_by_role("heading", level=2, name="Kiểm tra trước khi chốt")).to_be_visible()
    check_page(page, "chot-dot")

    close = page.get_by_role("button", name="Chốt đợt thi đua")
    close.click()  # the confirmation is required: nothing is sent without it
    expect(page).to_have_url(re.compile(reverse("awards:period_close", args=[period.pk]) + "$"))
    period.refresh_from_db()
    assert period.status != Period.Status.CLOSED

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

    page.goto(reverse("awards:job_list"))
    expect(page.get_by_role("link", name=re.compile(period.name))).not_to_have_count(0)
    check_page(page, "tac-vu")


def test_home_affairs_sees_the_period_read_only_and_a_crafted_post_is_refused(page, demo, browser_errors):
    period = _first_period()
    login(page, "thaihoa.noivu")
    page.goto(period.plan.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tây Hiếu")

    url = reverse("awards:period_close", args=[period.pk])
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.name)
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("button", name="Chốt đợt thi đua")).to_have_count(0)
    expect(page.get_by_role("checkbox")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(url, form={"confirm": "on", "csrfmiddlewaretoken": token},
                                 headers={"Referer": page.url, "X-CSRFToken": token}, max_redirects=0)
    assert response.status == 403
    assert "Không có quyền" in response.text()
    period.refresh_from_db()
    assert period.status != Period.Status.CLOSED
