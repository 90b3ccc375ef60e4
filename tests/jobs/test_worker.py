"""The period close through a real Celery worker consuming from the local Redis (CI), and eagerly without Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

from awards.models import Nomination
from campaigns.models import Period
from config.celery import app as celery_app
from planning.tasks import close_period as close_period_task
from scoring.models import Standing


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_closes_the_period(org, closing_plan):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex[:8]}"  # a queue of our own: nothing left in Redis by another run is consumed
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30):
            result = close_period_task.apply_async(kwargs={"period_id": closing_plan.period.pk}, queue=queue)
            outcome = result.get(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
    assert result.successful() and outcome["closed_now"] is True
    assert Period.objects.get(pk=closing_plan.period.pk).status == Period.Status.CLOSED
    assert Standing.objects.filter(period=closing_plan.period, frozen=True).count() == 4
    assert Nomination.objects.filter(period=closing_plan.period).count() == 2


@pytest.mark.django_db
def test_the_same_close_runs_eagerly_without_redis(org, closing_plan, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert celery_app.conf.task_always_eager  # what the embedded default gets with no REDIS_URL
    outcome = close_period_task.delay(period_id=closing_plan.period.pk).get()
    assert outcome["closed_now"] is True
    assert Nomination.objects.filter(period=closing_plan.period).count() == 2
    assert os.environ.get("REDIS_URL") is None
