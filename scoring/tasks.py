"""Celery entry points for scoring: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from campaigns.models import Period, Plan
from core.jobs import tracked
from scoring.services.excel_import import run_import_job
from scoring.services.scores import recompute_plan as recompute_plan_service


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_plan(plan_id: int) -> int:
    """Recompute every open period of a plan (queued when its criteria change); the work is in the service."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:  # deleted since it was queued: nothing to do
        return 0
    return recompute_plan_service(plan=plan)


@shared_task(acks_late=True)
def import_readings_file(
    period_id: int,
    user_id: int,
    stored: str,
    period_version: int | None = None,
    job_id: int | None = None,
    submit: bool = False,
) -> dict:
    """A confirmed big Excel import (scoring.services.excel_import). Not retried on a database error: the kept file
    is removed once the import ran, so the user uploads again; a worker killed mid-way leaves the file, and the
    redelivered message imports it (the period unchanged) or does nothing (changed since)."""
    with tracked(job_id):
        outcome = run_import_job(
            job_id=job_id,
            user=get_user_model().objects.get(pk=user_id),
            period=Period.objects.select_related("plan").get(pk=period_id),
            stored=stored,
            expected_version=period_version,
            submit=submit,
        )
        sent = outcome.sent.windows if outcome.sent is not None else 0
        return {"period": period_id, "changed": outcome.changed, "rows": outcome.rows, "sent": sent}
    return {"period": period_id, "changed": 0, "stopped": True}
