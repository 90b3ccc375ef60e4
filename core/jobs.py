"""Background jobs that a person can watch: a Job row per run, dispatched to Celery after commit.

A task is referenced by its dotted path and started with `apply_async`, so the same code runs eagerly in-process
(the embedded default), in a real worker, and in tests. The Job row's model is named by `settings.JOB_MODEL` (as
Django names its user model): it lives with the units it is scoped to, while this machinery imports no app.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def job_model() -> type[Model]:
    """The Job model named by settings.JOB_MODEL (a unit-scoped row, owned by the app that owns units)."""
    return apps.get_model(settings.JOB_MODEL)


def start_job(
    *,
    task: str,
    label: str,
    kwargs: dict[str, Any],
    unit: Model | None = None,
    by: User | None = None,
    immediately: bool = False,
) -> Model:
    """Record a job and queue its task once the surrounding transaction commits (or at once, for a command that
    runs outside any request and must see the result before it goes on)."""
    job = job_model().objects.create(
        task=task,
        label=label,
        kwargs=kwargs,
        unit=unit,
        started_by=by if by and by.is_authenticated else None,
    )
    if immediately:
        dispatch_job(job.pk)
    else:
        transaction.on_commit(lambda: dispatch_job(job.pk))
    return job


def dispatch_job(job_id: int) -> None:
    """Send the job's task to Celery (or run it now when tasks are eager); a failure is kept on the Job row."""
    job = job_model().objects.get(pk=job_id)
    task = import_string(job.task)
    try:
        result = task.apply_async(kwargs={**job.kwargs, "job_id": job.pk})
    except Exception:  # eager run: the error is already recorded on the job by `tracked`
        logger.exception("Job %s failed", job.pk)
        return
    if result.id and not job.celery_id:
        job_model().objects.filter(pk=job.pk).update(celery_id=result.id)


def retry_job(*, job: Model) -> Model:
    """Run a failed job again with the same arguments."""
    job_model().objects.filter(pk=job.pk).update(
        state=job_model().State.PENDING, error="", progress=0, message="", finished_at=None
    )
    transaction.on_commit(lambda: dispatch_job(job.pk))
    job.refresh_from_db()
    return job


@contextmanager
def tracked(job_id: int | None) -> Iterator[None]:
    """Mark the job running, then done or failed with its error; a no-op when the task was called without a job."""
    if job_id is None:
        yield
        return
    job_model().objects.filter(pk=job_id).update(
        state=job_model().State.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        attempts=F("attempts") + 1,
        error="",
    )
    try:
        yield
    except Exception as error:
        job_model().objects.filter(pk=job_id).update(
            state=job_model().State.FAILURE,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=8)}",
            message=str(error)[:500],
        )
        raise
    job_model().objects.filter(pk=job_id).update(
        state=job_model().State.SUCCESS, progress=100, finished_at=timezone.now()
    )


def report_progress(job_id: int | None, percent: int, message: str = "") -> None:
    """Progress shown on the job page (polled with htmx); outside any transaction of the work itself."""
    if job_id is not None:
        job_model().objects.filter(pk=job_id).update(progress=max(0, min(100, percent)), message=message[:500])


def report_progress_now(job_id: int | None, percent: int, message: str = "") -> None:
    """Like report_progress, but on a connection of its own so it shows while the work's transaction is still open.

    SQLite allows one writer at a time, so there (the embedded default, where tasks run in the request anyway)
    progress is written with the work's own connection.
    """
    from django.db import connections

    if job_id is None:
        return
    if connections["default"].vendor == "sqlite" or not connections["default"].in_atomic_block:
        report_progress(job_id, percent, message)
        return
    side = connections.create_connection("default")
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {job_model()._meta.db_table} SET progress = %s, message = %s WHERE id = %s",
                [max(0, min(100, percent)), message[:500], job_id],
            )
    finally:
        side.close()
