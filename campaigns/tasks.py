"""Celery tasks of the jobs themselves (thin wrappers)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from campaigns.org.import_job import row_count, run_org_import_job
from core.jobs import tracked


@shared_task
def mark_lost_jobs() -> int:
    """Every few minutes (beat): running jobs whose worker stopped sending its heartbeat become "Mất kết nối"."""
    from core.jobs import mark_lost_jobs as mark_lost_jobs_service

    return mark_lost_jobs_service()


@shared_task(acks_late=True)
def import_org_file(user_id: int, stored: str, job_id: int | None = None) -> dict:
    """A confirmed big import of units, officials and accounts (campaigns.org.import_job). Not retried: the kept file
    is removed once the import ran; a worker killed mid-way leaves it, and the redelivered message imports it."""
    with tracked(job_id):
        result = run_org_import_job(job_id=job_id, user=get_user_model().objects.get(pk=user_id), stored=stored)
        return {"rows": row_count(result)}
    return {"rows": 0, "stopped": True}


@shared_task(acks_late=True)
def send_notice_digests() -> int:
    """Daily (beat): one e-mail per user with the day's notices not yet mailed (campaigns.notices); idempotent."""
    from campaigns.notices import send_notice_digests as send_notice_digests_service

    return send_notice_digests_service()
