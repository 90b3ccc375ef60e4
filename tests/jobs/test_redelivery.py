"""Jobs are safe to redeliver: a close carries the period version it was queued for and does nothing (saying why)
once the period changed; a job whose worker died is marked "Mất kết nối" and quản trị can run it again. The last
test kills a real Celery worker mid-close (PostgreSQL and Redis, as CI has)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination
from campaigns.models import Job, Period
from config.celery import app as celery_app
from core.jobs import mark_lost_jobs
from planning.services.closing import close_job_kwargs, close_period, reopen_period
from planning.tasks import close_period as close_period_task

ROOT = Path(__file__).resolve().parents[2]


def _close_job(closing_plan, org) -> Job:
    return Job.objects.create(
        task="planning.tasks.close_period",
        label="Chốt đợt 1",
        kwargs=close_job_kwargs(closing_plan.period, by_id=org.chairman_a.pk),
        unit=org.commune_a,
        started_by=org.chairman_a,
    )


@pytest.mark.django_db
def test_a_close_redelivered_after_the_period_was_reopened_does_nothing_and_says_why(org, closing_plan):
    job = _close_job(closing_plan, org)  # queued while the period was open …
    close_period(period=closing_plan.period, by=org.chairman_a)  # … closed by another job …
    reopen_period(period=closing_plan.period, by=org.chairman_a, reason="Bổ sung số liệu")  # … and reopened
    nominations = Nomination.objects.filter(period=closing_plan.period).count()

    outcome = close_period_task.apply(kwargs={**job.kwargs, "job_id": job.pk}).get()  # the message comes back

    assert outcome["closed_now"] is False
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.OPEN
    assert Nomination.objects.filter(period=closing_plan.period).count() == nominations
    job.refresh_from_db()
    assert job.state == Job.State.SKIPPED and "đã thay đổi từ khi yêu cầu chốt được gửi" in job.message


@pytest.mark.django_db
def test_a_close_of_an_unchanged_period_still_runs(org, closing_plan):
    job = _close_job(closing_plan, org)
    outcome = close_period_task.apply(kwargs={**job.kwargs, "job_id": job.pk}).get()
    assert outcome["closed_now"] is True
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS


@pytest.mark.django_db
def test_a_silent_running_job_is_marked_lost_and_the_administrator_can_run_it_again(
    client, org, closing_plan, django_capture_on_commit_callbacks
):
    job = _close_job(closing_plan, org)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS + 60)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, progress=90, started_at=long_ago, heartbeat_at=long_ago
    )
    fresh = _close_job(closing_plan, org)
    Job.objects.filter(pk=fresh.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )

    client.force_login(org.admin_a)
    page = client.get(reverse("planning:job_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.LOST and "Mất kết nối" in page and "Chạy lại" in page
    assert Job.objects.get(pk=fresh.pk).state == Job.State.RUNNING  # its heartbeat is recent

    client.force_login(org.chairman_a)
    assert client.post(reverse("planning:job_retry", args=[job.pk])).status_code == 403  # quản trị only
    client.force_login(org.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planning:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS and job.attempts == 1
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.CLOSED


def _worker(queue: str, **env: str) -> subprocess.Popen:
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue, "-l", "warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_close_is_marked_lost_and_its_redelivered_message_does_nothing(
    org, closing_plan, settings
):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    settings.JOB_LOST_AFTER_SECONDS = 3
    period = closing_plan.period
    queue = f"test-{uuid.uuid4().hex[:8]}"
    options = {"CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1"}
    options["CELERY_UNACKED_RESTORE_THROTTLE"] = "1"
    job = _close_job(closing_plan, org)

    # Hold the period's row: the worker's close blocks on it, mid-job, with its heartbeat going.
    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute("SELECT id FROM campaigns_period WHERE id = %s FOR UPDATE", [period.pk])
    first = _worker(queue, JOB_HEARTBEAT_SECONDS="0.3", **options)
    celery_app.conf.task_always_eager = False
    try:
        close_period_task.apply_async(kwargs={**job.kwargs, "job_id": job.pk}, queue=queue)
        _wait(lambda: Job.objects.get(pk=job.pk).state == Job.State.RUNNING, 60, "the worker to start the close")
        beat = Job.objects.get(pk=job.pk).heartbeat_at
        _wait(lambda: Job.objects.get(pk=job.pk).heartbeat_at > beat, 10, "a heartbeat")
        first.kill()  # SIGKILL: no warm shutdown, the message stays unacknowledged in Redis
        first.wait(timeout=30)
        blocker.rollback()

        # Nothing was written half-way; the job says its worker is gone, not "running 90 %" forever.
        assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN
        time.sleep(settings.JOB_LOST_AFTER_SECONDS + 0.5)
        assert mark_lost_jobs() == 1
        assert Job.objects.get(pk=job.pk).state == Job.State.LOST

        # Meanwhile lãnh đạo closes and reopens the period; then a worker takes the message back.
        close_period(period=period, by=org.chairman_a)
        reopen_period(period=period, by=org.chairman_a, reason="Bổ sung số liệu")
        nominations = Nomination.objects.filter(period=period).count()
        second = _worker(queue, **options)
        try:
            _wait(lambda: Job.objects.get(pk=job.pk).state == Job.State.SKIPPED, 90, "the redelivered close")
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        celery_app.conf.task_always_eager = True
        blocker.close()
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert "đã thay đổi" in job.message and job.attempts == 2
    assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN  # the reopened period stays open
    assert Nomination.objects.filter(period=period).count() == nominations
