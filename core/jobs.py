"""Background jobs that a person can watch: a Job row per run, dispatched to Celery after commit.

A task is referenced by its dotted path and started with `apply_async`, so the same code runs eagerly in-process
(the embedded default), in a real worker, and in tests. The Job row's model is named by `settings.JOB_MODEL` (as
Django names its user model): it lives with the units it is scoped to, while this machinery imports no app.

A task whose work refuses what it was asked raises ``JobRefused``: the job is failed with the user's reason and
no traceback (nothing to retry). Safe to redeliver: a task carries the state it was queued for (e.g. the period's
version) and its service raises ``StaleJob`` when that changed; ``tracked`` then records the job as skipped with the
reason, and nothing is done.
A running job sends a heartbeat (its own thread and connection, every JOB_HEARTBEAT_SECONDS); ``mark_lost_jobs``
marks a job silent for JOB_LOST_AFTER_SECONDS as lost ("Mất kết nối": its worker was killed), and quản trị may run a
lost job again as a failed one.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.formatting import format_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def job_model() -> Any:
    """The Job model named by settings.JOB_MODEL (campaigns.Job: a unit-scoped row, owned by the app that owns
    units). Typed Any: core imports no app, so the model's manager and State are not known here."""
    return apps.get_model(settings.JOB_MODEL)


class StaleJob(Exception):
    """What the job was queued for has changed since (a redelivered or retried task): it must do nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JobRefused(Exception):
    """The work refused what it was asked (an import whose rows conflict, a file gone): nothing was written, the
    reason is for the user, and it is no bug: recorded as failed with the reason and no traceback, never run again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start_job(
    *,
    task: str,
    label: str,
    kwargs: dict[str, Any],
    unit: Model | None = None,
    by: User | None = None,
    immediately: bool = False,
) -> Any:
    """Record a job and queue its task once the surrounding transaction commits (or at once, for a command that
    runs outside any request and must see the result before it goes on)."""
    Job = job_model()
    job = Job.objects.create(
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
    Job = job_model()
    job = Job.objects.get(pk=job_id)
    task = import_string(job.task)
    try:
        result = task.apply_async(kwargs={**job.kwargs, "job_id": job.pk})
    except Exception:  # eager run: the error is already recorded on the job by `tracked`
        logger.exception("Job %s failed", job.pk)
        return
    if result.id and not job.celery_id:
        Job.objects.filter(pk=job.pk).update(celery_id=result.id)


def retry_job(*, job: Any) -> Any:
    """Run a failed or lost job again with the same arguments (what it was queued for is checked again)."""
    Job = job_model()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.PENDING, error="", progress=0, message="", finished_at=None, heartbeat_at=None
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
    Job = job_model()
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        error="",
    )
    heartbeat = _Heartbeat(job_id) if connection.vendor != "sqlite" else None  # SQLite: one writer at a time
    if heartbeat is not None:
        heartbeat.start()
    try:
        yield
    except StaleJob as stale:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.SKIPPED, finished_at=timezone.now(), message=stale.reason[:500]
        )
        logger.info("Job %s skipped: %s", job_id, stale.reason)
        return
    except JobRefused as refused:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILURE, finished_at=timezone.now(), error="", message=refused.reason[:500]
        )
        logger.info("Job %s refused: %s", job_id, refused.reason)
        return
    except Exception as error:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILURE,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=8)}",
            message=str(error)[:500],
        )
        raise
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    Job.objects.filter(pk=job_id).update(state=Job.State.SUCCESS, progress=100, finished_at=timezone.now())


class _Heartbeat(threading.Thread):
    """Stamps the running job every JOB_HEARTBEAT_SECONDS on a connection of its own, until stopped."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.every = float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 15))
        self.stopped = threading.Event()

    def run(self) -> None:
        Job = job_model()
        try:
            while not self.stopped.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a lost database connection: the next beat tries again
                    logger.warning("Job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


def mark_lost_jobs(*, now: dt.datetime | None = None) -> int:
    """Running jobs silent for longer than JOB_LOST_AFTER_SECONDS lost their worker: marked "Mất kết nối"."""
    Job = job_model()
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=int(getattr(settings, "JOB_LOST_AFTER_SECONDS", 120)))
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    return Job.objects.filter(silent, state=Job.State.RUNNING).update(
        state=Job.State.LOST,
        finished_at=now,
        message=_("Máy chủ xử lý đã ngừng giữa chừng (không còn tín hiệu); quản trị có thể chạy lại."),
    )


def start_big_import(
    *, task: str, kwargs: dict[str, Any], label: str, rows: int, unit: Model | None, by: User
) -> tuple[Any, str]:
    """A confirmed file too big to write in the request (readings, units and officials), queued as a job in its own
    transaction; returns the job and the sentence that tells the user where the writing went."""
    with transaction.atomic():
        job = start_job(task=task, kwargs=kwargs, label=label[:255], unit=unit, by=by)
    told = _(
        "Tệp có %(rows)s dòng nên được ghi trong nền: trang này cho biết tiến độ, "
        "và bạn sẽ nhận thông báo khi ghi xong."
    ) % {"rows": format_number(rows)}
    return job, told


def report_progress(job_id: int | None, percent: int, message: str = "") -> None:
    """Progress shown on the job page (polled with htmx); outside any transaction of the work itself."""
    if job_id is not None:
        Job = job_model()
        Job.objects.filter(pk=job_id).update(
            progress=max(0, min(100, percent)), message=message[:500], heartbeat_at=timezone.now()
        )


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
