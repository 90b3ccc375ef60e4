"""Celery tasks of the jobs themselves (thin wrappers)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def mark_lost_jobs() -> int:
    """Every few minutes (beat): running jobs whose worker stopped sending its heartbeat become "Mất kết nối"."""
    from core.jobs import mark_lost_jobs as mark_lost_jobs_service

    return mark_lost_jobs_service()
