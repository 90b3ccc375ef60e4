"""Celery entry points of the awards app: ids in, one service call (the work and its idempotency live there)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from awards.models import Decision
from awards.services.decision_pdf import store_decision_pdf


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def render_decision_pdf(decision_id: int) -> None:
    """Render and store a signed decision's PDF; a retry keeps the PDF already stored."""
    store_decision_pdf(decision=Decision.objects.get(pk=decision_id))
