"""Every main page, at desktop and phone widths: it renders with its stylesheet, its inputs are labelled, it logs no
console error, and a screenshot of it lands in artifacts/screenshots/ for a person to look at after the run."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Decision, Nomination
from campaigns.models import Participant, Period, Plan
from scoring.views.entry import entry_url
from scoring.windows import windows_for
from tests.e2e.browser import check_page, login, logout
from tests.e2e.data import COMMUNE

pytestmark = pytest.mark.e2e


def _visit(page, url: str, name: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} → {response.status}"
    expect(page.locator("h1")).not_to_have_count(0)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"  # Bootstrap loaded
    check_page(page, name)


def test_every_main_page_renders_labelled_and_clean_at_two_widths(page, demo):
    plan = Plan.objects.filter(issuer__code=COMMUNE).order_by("-start").first()
    period = (
        Period.objects.filter(plan__issuer__code=COMMUNE, nominations__isnull=False).order_by("-start").first()
        or Period.objects.filter(plan=plan).order_by("start").first()
    )
    participant = Participant.objects.filter(plan=period.plan, kind="collective").order_by("name").first()
    nomination = Nomination.objects.filter(period=period).order_by("rank", "pk").first()
    decision = Decision.objects.filter(issuer__code=COMMUNE).order_by("-pk").first()

    login(page, "tayhieu.lanhdao")
    pages = [
        ("/", "trang-chu"),
        (reverse("campaigns:plan_list"), "ke-hoach"),
        (plan.get_absolute_url(), "ke-hoach-chi-tiet"),
        (reverse("campaigns:unit_list"), "don-vi"),
        (reverse("scoring:entry_period_list"), "nhap-lieu-cac-dot"),
        (reverse("scoring:entry_dashboard", args=[period.pk]), "nhap-lieu-tinh-hinh"),
        (entry_url(period, participant, windows_for(period)[0]), "nhap-lieu-luoi"),
        (reverse("scoring:standing_index"), "xep-hang-cac-dot"),
        (reverse("scoring:standing_list", args=[period.pk]), "xep-hang"),
        (reverse("scoring:standing_detail", args=[period.pk, participant.pk]), "xep-hang-chi-tiet"),
        (reverse("scoring:standing_charts", args=[period.pk]), "xep-hang-bieu-do"),
        (reverse("awards:nomination_index"), "de-nghi"),
        (reverse("awards:nomination_list", args=[period.pk]), "de-xuat"),
        (reverse("awards:council_meeting", args=[period.pk]), "hoi-dong"),
        (reverse("awards:decision_list"), "quyet-dinh-danh-sach"),
        (reverse("planning:period_close", args=[period.pk]), "chot-dot"),
        (reverse("planning:job_list"), "tac-vu"),
        (reverse("planning:notice_list"), "thong-bao"),
    ]
    if nomination is not None:
        pages.append((nomination.get_absolute_url(), "de-nghi-chi-tiet"))
    if decision is not None:
        pages.append((decision.get_absolute_url(), "quyet-dinh-chi-tiet"))
    for url, name in pages:
        _visit(page, url, name)
        if name == "nhap-lieu-luoi":  # the history panel of a cell (htmx), readings locked by the scheduler included
            page.locator("#entry-grid button[aria-label^='Lịch sử']").first.click()
            expect(page.locator("#side-panel")).not_to_contain_text("Bấm", timeout=10_000)

    logout(page)
    login(page, "nghean.noivu")
    for tab in ("de-nghi", "ke-hoach", "xep-hang", "quyet-dinh"):
        _visit(page, f"{reverse('awards:home_affairs')}?xem={tab}", f"noi-vu-{tab}")
