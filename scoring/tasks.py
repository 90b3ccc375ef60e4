"""Celery entry points for scoring: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from campaigns.models import Plan
from scoring.services.scores import recompute_plan as recompute_plan_service


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_plan(plan_id: int) -> int:
    """Recompute every open period of a plan (queued when its criteria change); the work is in the service."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:  # deleted since it was queued: nothing to do
        return 0
    return recompute_plan_service(plan=plan)
