"""Celery tasks of the period close and its schedule: thin wrappers, ids in (HackSoft's rule).

Listed in CELERY_IMPORTS so the worker registers them.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from core.jobs import start_job, tracked

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_period(
    period_id: int, by_id: int | None = None, job_id: int | None = None, period_version: int | None = None
) -> dict:
    """Worker entry point; the work and its idempotency are in planning.services.closing.close_period. A redelivered
    message for a period that changed since it was queued does nothing (the job records why)."""
    from campaigns.models import Period
    from planning.services.closing import close_period as close_period_service

    with tracked(job_id):
        by = get_user_model().objects.get(pk=by_id) if by_id else None
        result = close_period_service(
            period=Period.objects.get(pk=period_id), by=by, job_id=job_id, expected_version=period_version
        )
        return {"period": result.period_id, "closed_now": result.closed_now, "nominations": result.nominations}
    return {"period": period_id, "closed_now": False, "skipped": True}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_due_periods(job_id: int | None = None) -> list[int]:
    """Daily (beat): start a tracked close job for every period whose end date plus the grace has passed."""
    from django.db import transaction

    from planning.services.closing import close_job_kwargs, periods_due_for_close

    started = []
    with tracked(job_id):
        for period in periods_due_for_close():
            with transaction.atomic():
                start_job(
                    task="planning.tasks.close_period",
                    kwargs=close_job_kwargs(period),
                    label=f"Tự động chốt {period.name} — {period.plan.title}"[:255],
                    unit=period.plan.issuer,
                )
            started.append(period.pk)
    return started


@shared_task(acks_late=True)
def send_reading_reminders(job_id: int | None = None) -> int:
    """Daily (beat): remind nhập liệu of readings still missing a few days before a window closes."""
    from scoring.services.reminders import send_reading_reminders as send_reading_reminders_service

    with tracked(job_id):
        return send_reading_reminders_service()
