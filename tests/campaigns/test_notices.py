"""Notices reach the right people once, in the app and in one daily e-mail digest, unless they opted out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from awards.models import Nomination
from awards.services.decisions import create_draft_decision, sign_decision
from awards.services.nominations import reject_nomination, submit_nomination
from campaigns.models import Notice, Person
from campaigns.notices import notify, send_notice_digests, set_email_digest
from campaigns.tasks import send_notice_digests as send_notice_digests_task
from scoring.access import entry_deadline
from scoring.services.readings import return_window, save_reading, submit_window
from scoring.services.reminders import send_reading_reminders
from tests.awards.decision_data import accepted_batch
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def emails(org):
    for user in (org.staff_a, org.admin_a, org.chairman_a, org.deputy_a, org.staff_b, org.noi_vu, org.noi_vu_tinh):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return org


def _send_and_return(org, world, reason="Số buổi tuyên truyền tháng này chưa đúng, kiểm tra lại biên bản"):
    window = world.current
    for indicator, figures in (
        (world.on_time, {"numerator": 45, "denominator": 50}),
        (world.events, {"value": 3}),
        (world.report, {"value": 1}),
    ):
        save_reading(
            user=org.staff_a,
            participant=world.commune_a,
            indicator=indicator,
            period=world.period,
            window_start=window.start,
            **figures,
        )
    submit_window(user=org.staff_a, participant=world.commune_a, period=world.period, window_start=window.start)
    return_window(
        user=org.chairman_a, participant=world.commune_a, period=world.period, window_start=window.start, reason=reason
    )


def test_returned_readings_tell_the_units_clerk_why_with_a_link_to_the_month(emails):
    org = emails
    world = entry_world(org)
    reason = "Số buổi tuyên truyền tháng này chưa đúng, kiểm tra lại biên bản " + "x" * 120  # longer than history
    _send_and_return(org, world, reason=reason)

    notice = Notice.objects.get(user=org.staff_a)
    assert "bị trả lại" in notice.title and world.current.label in notice.title
    assert notice.body == f"Lý do: {reason}"  # the whole reason, not a history line cut at 100 characters
    assert notice.url == reverse(
        "scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start]
    )
    assert not Notice.objects.filter(user__in=[org.staff_b, org.chairman_a]).exists()


def test_the_digest_sends_one_mail_per_user_with_every_notice_of_the_day(emails):
    org = emails
    notify(users=[org.staff_a], key="a", title="Số liệu bị trả lại", body="Lý do: sai số", url="/nhap-lieu/1/")
    notify(users=[org.staff_a, org.chairman_a], key="b", title="Đợt 1 đã được chốt", body="Có 3 đề xuất")

    assert send_notice_digests() == 2

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"staff_a@example.vn", "chairman_a@example.vn"}
    staff_mail = by_recipient["staff_a@example.vn"]
    assert staff_mail.subject == "Thi đua: 2 thông báo mới"
    assert "Số liệu bị trả lại" in staff_mail.body and "Lý do: sai số" in staff_mail.body
    assert "Đợt 1 đã được chốt" in staff_mail.body and "/nhap-lieu/1/" in staff_mail.body
    assert by_recipient["chairman_a@example.vn"].subject == "Đợt 1 đã được chốt"  # one notice: its own title


def test_running_the_digest_twice_mails_each_notice_once(emails):
    org = emails
    notify(users=[org.staff_a], key="a", title="Số liệu bị trả lại")
    assert send_notice_digests_task.delay().get() == 1
    assert send_notice_digests_task.delay().get() == 0
    assert len(mail.outbox) == 1
    assert Notice.objects.get(user=org.staff_a).mailed_at is not None

    notify(users=[org.staff_a], key="a", title="Số liệu bị trả lại")  # the same event again: no new notice
    notify(users=[org.staff_a], key="c", title="Quyết định đã ký")
    assert send_notice_digests() == 1
    assert len(mail.outbox) == 2 and "Quyết định đã ký" in mail.outbox[1].body
    assert "Số liệu bị trả lại" not in mail.outbox[1].body


def test_opting_out_stops_the_mail_but_not_the_notice(client, emails):
    org = emails
    client.force_login(org.staff_a)
    home = client.get("/").content.decode()
    user_menu = home[home.index('aria-labelledby="nav-user"') :]
    assert f'href="{reverse("planning:notice_settings")}">Cài đặt thông báo<' in user_menu  # reachable from every page
    page = client.get(reverse("planning:notice_settings")).content.decode()
    assert "Nhận thư tổng hợp thông báo hằng ngày qua e-mail" in page and "checked" in page
    response = client.post(reverse("planning:notice_settings"), {})  # the box unticked
    assert response.status_code == 302
    assert "checked" not in client.get(reverse("planning:notice_settings")).content.decode()

    notify(users=[org.staff_a, org.chairman_a], key="a", title="Số liệu bị trả lại")
    assert send_notice_digests() == 1
    assert [message.to for message in mail.outbox] == [["chairman_a@example.vn"]]
    assert Notice.objects.filter(user=org.staff_a).exists()  # still shown in the app

    set_email_digest(user=org.staff_a, enabled=True)
    notify(users=[org.staff_a], key="b", title="Quyết định đã ký")
    send_notice_digests()
    assert mail.outbox[-1].to == ["staff_a@example.vn"]


def test_no_mail_without_an_address_and_none_for_old_news(emails):
    org = emails
    org.staff_b.email = ""
    org.staff_b.save(update_fields=["email"])
    notify(users=[org.staff_b], key="a", title="Số liệu bị trả lại")
    [old] = notify(users=[org.staff_a], key="old", title="Tin cũ")
    Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    assert send_notice_digests() == 0
    assert not mail.outbox


def test_a_window_closing_with_readings_missing_warns_its_clerks_once_n_days_before_the_deadline(emails, settings):
    org = emails
    settings.THIDUA_REMINDER_DAYS = 3
    world = entry_world(org)
    deadline = entry_deadline(world.period, world.current)
    assert send_reading_reminders(today=deadline - dt.timedelta(days=4)) == 0  # too early

    assert send_reading_reminders(today=deadline - dt.timedelta(days=2)) >= 1
    notice = Notice.objects.get(user=org.staff_a, key__startswith="reminder-")
    assert f"hạn nhập {deadline:%d/%m/%Y}" in notice.title and "Xã An Bình" in notice.body
    assert notice.url == reverse("scoring:entry_dashboard", args=[world.period.pk])
    assert send_reading_reminders(today=deadline - dt.timedelta(days=1)) == 0  # once per window
    send_notice_digests()
    assert any("chưa nhập" in message.body for message in mail.outbox if message.to == ["staff_a@example.vn"])


def _prepared(org):
    period, _award, nominations = accepted_batch(org, plan_issued=timezone.localdate() - dt.timedelta(days=30))
    nomination = nominations[0]
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.PREPARED)
    nomination.refresh_from_db()
    return nomination


def test_a_dossier_sent_up_tells_the_chairman_proposals_are_ready(emails):
    org = emails
    nomination = _prepared(org)
    submit_nomination(nomination=nomination, by=org.staff_a)

    notice = Notice.objects.get(user=org.chairman_a, key__startswith="proposals-ready-")
    assert "đã trình" in notice.title and notice.url == reverse("awards:nomination_list", args=[nomination.period_id])
    assert not Notice.objects.filter(user=org.staff_a).exists()


def test_a_dossier_turned_down_goes_back_to_the_clerks_with_the_reason(emails):
    org = emails
    nomination = _prepared(org)
    reject_nomination(nomination=nomination, reason="Thiếu báo cáo thành tích có xác nhận", by=org.chairman_a)

    notice = Notice.objects.get(user=org.staff_a)
    assert nomination.name in notice.title and "Thiếu báo cáo thành tích có xác nhận" in notice.body
    assert notice.url == nomination.get_absolute_url()
    assert not Notice.objects.filter(user__in=[org.staff_b, org.chairman_a]).exists()


def test_a_signed_decision_reaches_every_login_its_recipients_name(emails):
    org = emails
    Person.objects.create(full_name="Nguyễn Văn An", unit=org.commune_a, user=org.chairman_a)
    period, award, _nominations = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    assert "Phòng Nội vụ huyện Thử Nghiệm" in draft.recipients  # the Home Affairs office the text names

    decision = sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD)

    told = set(Notice.objects.filter(key__startswith="decision-signed-").values_list("user__username", flat=True))
    # the Phòng Nội vụ's accounts (on its district), the chairman and his deputy, the commune's office (Lưu: VT, VP)
    assert {"noi_vu_huyen", "chairman_a", "deputy_a", "staff_a", "admin_a"} <= told
    assert not told & {"staff_b", "chairman_b", "staff_c", "noi_vu_tinh"}
    notice = Notice.objects.get(user=org.noi_vu, key__startswith="decision-signed-")
    assert decision.number_display in notice.title and notice.url == decision.get_absolute_url()


def test_the_digest_runs_daily_from_the_beat_schedule():
    task = PeriodicTask.objects.get(task="campaigns.tasks.send_notice_digests")  # created by migrate
    assert task.enabled and task.crontab.hour == "17" and task.crontab.minute == "0"
