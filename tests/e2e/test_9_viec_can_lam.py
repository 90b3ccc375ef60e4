"""What waits for whom: the chairman returns a month of readings with a reason, the clerk's home lists it with the
reason and a link to the entry page (whose banner says why), the daily digest mails it once, and the clerk's
opt-out on "Cài đặt thông báo" stops the mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Participant
from campaigns.notices import notify, set_email_digest
from campaigns.tasks import send_notice_digests as send_notice_digests_task
from scoring.entry_selectors import expected_indicators
from scoring.models import Reading
from tests.e2e.browser import check_page, login, logout
from tests.e2e.data import CHAIRMAN, OFFICE, open_month, open_period, user

pytestmark = pytest.mark.e2e

REASON = "Số hồ sơ tiếp nhận tháng này chưa khớp sổ theo dõi, đề nghị kiểm tra lại"


@pytest.fixture
def sent_month(demo):
    """A section of Tây Hiếu (one the other journeys leave alone) whose month of today is complete and sent."""
    period = open_period()
    window = open_month(period)
    participant = (
        Participant.objects.filter(plan=period.plan, kind="collective", unit__code__startswith="NA-TAYHIEU-")
        .exclude(unit__code__in=["NA-TAYHIEU-VP", "NA-TAYHIEU-TP"])
        .order_by("-unit__code")
        .first()
    )
    assert participant is not None
    present = set(
        Reading.objects.filter(participant=participant, period=period, window_start=window.start).values_list(
            "indicator_id", flat=True
        )
    )
    for indicator in expected_indicators(participant=participant, plan=period.plan):
        if indicator.pk in present:
            continue
        figures = {"numerator": 40, "denominator": 50} if indicator.kind == "rate" else {"value": 1}
        Reading.objects.create(
            participant=participant,
            indicator=indicator,
            period=period,
            window_start=window.start,
            window_end=window.end,
            **figures,
        )
    Reading.objects.filter(participant=participant, period=period, window_start=window.start).update(
        status=Reading.Status.SUBMITTED
    )
    clerk = user(OFFICE)
    if not clerk.email:
        clerk.email = "tayhieu.nhaplieu@example.vn"
        clerk.save(update_fields=["email"])
    set_email_digest(user=clerk, enabled=True)
    yield period, window, participant, clerk
    set_email_digest(user=clerk, enabled=True)


def _mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_a_returned_month_reaches_the_clerks_home_and_one_daily_mail(page, sent_month):
    period, window, participant, clerk = sent_month
    entry = reverse("scoring:reading_entry", args=[period.pk, participant.pk, window.start])
    send_notice_digests_task.delay()  # what was already waiting is mailed first: the journey counts its own mail
    mail.outbox.clear()

    # The chairman returns the month from its entry page, with a reason, after confirming.
    login(page, CHAIRMAN)
    page.goto(entry)
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại số liệu")
    logout(page)

    # The clerk's home lists it, with the reason, linking to the month's entry page.
    login(page, OFFICE)
    todo = page.locator("#todo-list a", has_text=f"Sửa số liệu bị trả lại — {participant.name}")
    expect(todo).to_contain_text(REASON)
    expect(page.get_by_text("Không có việc nào đang chờ bạn")).to_have_count(0)
    check_page(page, "viec-can-lam-nhap-lieu")
    todo.click()
    page.wait_for_url(f"**{entry}")
    banner = page.locator("#returned-banner")
    expect(banner).to_contain_text(REASON)
    expect(banner).to_contain_text("đã bị trả lại để sửa")
    check_page(page, "viec-can-lam-so-lieu-bi-tra-lai")

    # The worker's daily digest mails it once, however often it runs.
    send_notice_digests_task.delay()
    send_notice_digests_task.delay()
    [message] = _mails_to(clerk.email)
    assert REASON in message.body and entry in message.body

    # The clerk turns the mail off from the notices page: the next notice stays in the app only.
    page.goto(reverse("planning:notice_list"))
    expect(page.locator(".list-group-item", has_text=participant.name).first).to_contain_text(REASON)
    page.get_by_role("link", name="Cài đặt thông báo").click()
    checkbox = page.get_by_label("Nhận thư tổng hợp thông báo hằng ngày qua e-mail")
    expect(checkbox).to_be_checked()
    check_page(page, "cai-dat-thong-bao")
    checkbox.uncheck()
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tắt thư tổng hợp thông báo")
    expect(page.get_by_label("Nhận thư tổng hợp thông báo hằng ngày qua e-mail")).not_to_be_checked()

    mail.outbox.clear()
    notify(users=[clerk], key=f"e2e-after-opt-out-{window.start:%Y%m%d}", title="Thông báo sau khi tắt thư")
    send_notice_digests_task.delay()
    assert not _mails_to(clerk.email)
