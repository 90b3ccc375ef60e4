"""Closing a period: locked readings, frozen standings, proposals and notices — once, whatever happens."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from awards.models import Nomination
from campaigns.models import Job, Notice, Period
from planning.services.closing import close_period, reopen_period
from planning.tasks import close_due_periods
from scoring.access import can_edit_reading
from scoring.models import Reading, Standing
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def _snapshot(period: Period) -> tuple:
    standings = tuple(
        Standing.objects.filter(period=period)
        .order_by("participant_id")
        .values_list("participant_id", "total_points", "ratio", "rank", "frozen")
    )
    nominations = tuple(
        Nomination.objects.filter(period=period)
        .order_by("participant_id")
        .values_list("participant_id", "award_kind_id", "status")
    )
    return standings, nominations, Notice.objects.count()


def test_closing_locks_readings_freezes_standings_proposes_and_tells_the_chairman(org, closing_plan):
    result = close_period(period=closing_plan.period, by=org.chairman_a)

    period = Period.objects.get(pk=closing_plan.period.pk)
    assert result.closed_now and period.status == Period.Status.CLOSED and period.closed_at
    # The lock is the period's, recorded once in its history; the readings themselves are not rewritten.
    assert period.history.first().history_change_reason == "Chốt đợt"
    reading = Reading.objects.filter(period=period).first()
    assert not can_edit_reading(
        user=org.staff_a, participant=reading.participant, period=period, window_start=reading.window_start
    ).allowed
    assert not Reading.history.filter(period_id=period.pk, history_date__gte=period.closed_at).exists()
    assert Standing.objects.filter(period=period, frozen=True).count() == 4
    proposed = set(Nomination.objects.filter(period=period).values_list("name", flat=True))
    assert proposed == {"Văn phòng – Thống kê xã An Bình", "Lê Thị Ánh"}
    notice = Notice.objects.get(user=org.chairman_a)
    assert "đã được chốt" in notice.title and "2 đề xuất" in notice.body
    assert Notice.objects.filter(user=org.staff_a).exists()  # the office is told too
    assert not Notice.objects.filter(user=org.staff_b).exists()


def test_closing_twice_changes_nothing_the_second_time(org, closing_plan):
    close_period(period=closing_plan.period, by=org.chairman_a)
    before = _snapshot(closing_plan.period)
    again = close_period(period=closing_plan.period, by=org.chairman_a)
    assert not again.closed_now
    assert _snapshot(closing_plan.period) == before


def test_a_close_killed_half_way_leaves_nothing_and_the_retry_gives_one_set(org, closing_plan, monkeypatch):
    import awards.services.nominations as nominations

    real = nominations.propose_for_period

    def crash(**kwargs):
        raise ConnectionError("worker killed")

    monkeypatch.setattr(nominations, "propose_for_period", crash)
    with pytest.raises(ConnectionError):
        close_period(period=closing_plan.period)
    period = Period.objects.get(pk=closing_plan.period.pk)
    assert period.status == Period.Status.OPEN and period.closed_at is None
    assert not Standing.objects.filter(period=period, frozen=True).exists()

    monkeypatch.setattr(nominations, "propose_for_period", real)
    close_period(period=closing_plan.period)
    first = _snapshot(closing_plan.period)
    close_period(period=closing_plan.period)
    assert _snapshot(closing_plan.period) == first
    assert len(first[1]) == 2


@pytest.mark.django_db(transaction=True)
def test_two_closes_at_the_same_time_give_one_set(org, closing_plan):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    outcomes = run_at_once(*[lambda: close_period(period=closing_plan.period)] * 2)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert not errors
    standings, nominations, _notices = _snapshot(closing_plan.period)
    assert len(standings) == 4 and len(nominations) == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_a", HTTPStatus.FORBIDDEN),
        ("noi_vu", HTTPStatus.FORBIDDEN),
        ("staff_b", HTTPStatus.NOT_FOUND),
        ("chairman_a", HTTPStatus.FOUND),
        ("admin_a", HTTPStatus.FOUND),
    ],
)
def test_who_may_close_a_period(client, org, closing_plan, who, expected):
    client.force_login(getattr(org, who))
    response = client.post(reverse("planning:period_close", args=[closing_plan.period.pk]), {"confirm": "on"})
    assert response.status_code == expected


def test_the_close_button_runs_a_tracked_job(client, org, closing_plan, django_capture_on_commit_callbacks):
    client.force_login(org.chairman_a)
    page = client.get(reverse("planning:period_close", args=[closing_plan.period.pk])).content.decode()
    assert "Chốt đợt thi đua" in page and "Tôi đã kiểm tra và xác nhận" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:period_close", args=[closing_plan.period.pk]), {"confirm": "on"})
    job = Job.objects.get()
    assert response["Location"] == reverse("planning:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCESS and job.progress == 100 and job.started_by == org.chairman_a
    assert job.duration is not None
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.CLOSED
    assert "Hoàn thành" in client.get(response["Location"]).content.decode()


def test_a_failed_job_shows_its_error_to_the_administrator_and_can_be_retried(
    client, org, closing_plan, monkeypatch, django_capture_on_commit_callbacks
):
    import awards.services.nominations as nominations

    real = nominations.propose_for_period
    monkeypatch.setattr(nominations, "propose_for_period", lambda **kw: (_ for _ in ()).throw(RuntimeError("hỏng")))
    client.force_login(org.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planning:period_close", args=[closing_plan.period.pk]), {"confirm": "on"})
    job = Job.objects.get()
    assert job.state == Job.State.FAILURE and "hỏng" in job.error
    assert "hỏng" in client.get(reverse("planning:job_detail", args=[job.pk])).content.decode()
    client.force_login(org.staff_a)  # office staff see that it failed, not the trace
    page = client.get(reverse("planning:job_detail", args=[job.pk])).content.decode()
    assert "Việc xử lý bị lỗi" in page and "RuntimeError" not in page

    monkeypatch.setattr(nominations, "propose_for_period", real)
    client.force_login(org.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planning:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS and job.attempts == 2


def test_reopening_needs_a_leader_and_a_reason(org, closing_plan):
    close_period(period=closing_plan.period, by=org.chairman_a)
    with pytest.raises(ValidationError, match="lý do"):
        reopen_period(period=closing_plan.period, by=org.chairman_a, reason="  ")
    with pytest.raises(PermissionDenied):
        reopen_period(period=closing_plan.period, by=org.admin_a, reason="Sai số liệu tháng 2")
    period = reopen_period(period=closing_plan.period, by=org.chairman_a, reason="Sai số liệu tháng 2")
    assert period.status == Period.Status.OPEN
    assert not Standing.objects.filter(period=period, frozen=True).exists()
    reading = Reading.objects.filter(period=period).first()
    assert (
        can_edit_reading(
            user=org.staff_a, participant=reading.participant, period=period, window_start=reading.window_start
        ).code
        != "closed"
    )
    assert period.history.first().history_change_reason == "Mở lại: Sai số liệu tháng 2"


def test_reopen_page_refuses_an_empty_reason(client, org, closing_plan):
    close_period(period=closing_plan.period, by=org.chairman_a)
    client.force_login(org.chairman_a)
    response = client.post(reverse("planning:period_reopen", args=[closing_plan.period.pk]), {"reason": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Vui lòng nhập lý do" in response.content.decode()
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.CLOSED


def test_a_period_past_its_end_and_grace_closes_by_itself(
    org, closing_plan, settings, django_capture_on_commit_callbacks
):
    settings.THIDUA_CLOSE_GRACE_DAYS = 5
    with django_capture_on_commit_callbacks(execute=True):
        started = close_due_periods()
    assert started == [closing_plan.period.pk]
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.CLOSED
    assert Job.objects.get(kwargs__period_id=closing_plan.period.pk).started_by is None
    assert Notice.objects.filter(user=org.chairman_a).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_periods() == []


def test_the_daily_schedules_are_in_the_database():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"planning.tasks.close_due_periods", "planning.tasks.send_reading_reminders"} <= tasks


def test_reminders_reach_office_staff_once_before_the_window_ends(org, closing_plan):
    from scoring.services.reminders import send_reading_reminders

    plan = closing_plan.plan
    plan.end = dt.date(2024, 12, 31)
    plan.save()
    period = closing_plan.period
    period.end = dt.date(2024, 3, 31)
    period.save()
    today = dt.date(2024, 4, 3)  # March has no readings yet; its entry deadline (31/03 + 5 grace days) is in 2 days
    assert send_reading_reminders(today=today) >= 1
    notice = Notice.objects.get(user=org.staff_a)
    assert "chưa nhập" in notice.title and "05/04/2024" in notice.body
    assert send_reading_reminders(today=today) == 0
    assert not Notice.objects.filter(user=org.staff_b).exists()
    assert send_reading_reminders(today=dt.date(2024, 3, 10)) == 0  # too early


def test_the_chairman_finds_the_close_on_the_plan_and_its_progress_on_the_period_page(
    client, org, closing_plan, django_capture_on_commit_callbacks
):
    close_url = reverse("planning:period_close", args=[closing_plan.period.pk])
    plan_url = closing_plan.period.plan.get_absolute_url()
    client.force_login(org.staff_a)  # the office may not close: no button
    assert close_url not in client.get(plan_url).content.decode()
    client.force_login(org.chairman_a)
    assert f'href="{close_url}"' in client.get(plan_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(close_url, {"confirm": "on"})
    page = client.get(close_url).content.decode()
    assert "Tiến độ chốt đợt gần nhất" in page and 'id="job-progress"' in page and "Hoàn thành" in page
    assert f'href="{close_url}"' not in client.get(plan_url).content.decode()  # closed: not offered again
