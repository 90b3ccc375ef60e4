"""Nội vụ's journey: the commune's submission, read-only: no edit control anywhere, and crafted POSTs are refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Decision, Nomination
from campaigns.models import Participant, Period
from scoring.models import Reading
from scoring.views.entry import entry_url
from scoring.windows import windows_for
from tests.e2e.browser import check_page, login, open_menu
from tests.e2e.data import COMMUNE

pytestmark = pytest.mark.e2e

EDIT_WORDS = re.compile(
    r"^(Chốt đợt|Chấp thuận|Không chấp thuận|Hoàn tất hồ sơ|Trình hồ sơ|Ký quyết định|Phê duyệt|Ký số|Kiểm tra lại|"
    r"Hủy quyết định|Sửa|Lưu nháp|Gửi số liệu|Xét lại|Bổ sung|Ghi biên bản|Mở lại|Tải lên|"
    r"Lập dự thảo)"
)


def assert_read_only(page) -> None:
    """No form that writes, and no button or link to a writing step, in the page's content."""
    main = page.locator("main")
    expect(main.locator("form[method=post i]")).to_have_count(0)
    expect(main.get_by_role("button", name=EDIT_WORDS)).to_have_count(0)
    expect(main.get_by_role("link", name=EDIT_WORDS)).to_have_count(0)


def crafted_post(page, url: str, data: dict) -> int:
    """A POST made by hand with the session's valid CSRF token, as a curious user could."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        url,
        form={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": page.url, "X-CSRFToken": token},
        max_redirects=0,
    )
    return response.status


def test_noi_vu_reads_the_communes_submission_and_cannot_change_it(page, demo):
    decision = Decision.objects.filter(issuer__code=COMMUNE).select_related("period").order_by("-pk").first()
    periods = Period.objects.filter(plan__issuer__code=COMMUNE).select_related("plan").order_by("-start")
    period = decision.period if decision else periods.filter(nominations__isnull=False).first() or periods.first()
    status_before = period.status
    nomination = Nomination.objects.filter(period=period).order_by("rank", "pk").first()
    participant = Participant.objects.filter(plan=period.plan).order_by("kind", "name").first()
    window = windows_for(period)[0]
    readings_before = Reading.objects.filter(period=period).count()
    login(page, "nghean.noivu")

    open_menu(page, "Khen thưởng", "Nội vụ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ thi đua, khen thưởng của các đơn vị trực thuộc")
    expect(page.locator("main")).to_contain_text("Tây Hiếu")
    check_page(page, "noi-vu")
    assert_read_only(page)

    page.goto(period.plan.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tây Hiếu")
    assert_read_only(page)

    close_url = reverse("planning:period_close", args=[period.pk])
    page.goto(close_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.name)
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_read_only(page)

    page.goto(entry_url(period, participant, window))
    expect(page.get_by_role("status").filter(has_text="Chỉ xem")).to_be_visible()
    expect(page.locator("#entry-grid input, #entry-grid select")).to_have_count(0)
    assert_read_only(page)

    page.goto(reverse("scoring:standing_list", args=[period.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng xếp hạng")

    if nomination is not None:
        page.goto(nomination.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(nomination.name)
        assert_read_only(page)
    if decision is not None:
        page.goto(decision.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_contain_text("Quyết định số")
        assert_read_only(page)

    # What the page does not offer, a hand-made POST cannot do either.
    assert crafted_post(page, close_url, {"confirm": "on"}) == 403
    assert crafted_post(page, entry_url(period, participant, window), {"note": "thử"}) == 403
    if nomination is not None:
        url = reverse("awards:nomination_reject", args=[nomination.pk])
        assert crafted_post(page, url, {"reason": "thử", "confirm": "on", "version": nomination.version}) == 403
        status = nomination.status
        nomination.refresh_from_db()
        assert nomination.status == status
    if decision is not None:
        url = reverse("awards:decision_annul", args=[decision.pk])
        assert crafted_post(page, url, {"reason": "thử", "confirm": "on"}) == 403
    period.refresh_from_db()
    assert period.status == status_before
    assert Reading.objects.filter(period=period).count() == readings_before
