"""The confirmed Excel import of readings, from the file kept since its preview: in the request for a small file, as a
background job (progress, notice, stale period) for a big one. Both run ``import_stored_readings``.

The preview (scoring.views.entry.excel_upload) parses the upload and keeps it with core.uploads.keep_pending_upload;
the confirmation parses the kept file again against the data as it is now, writes every row or none
(scoring.services.readings.import_readings) and removes the kept file whatever happened (core.uploads.confirmed_upload,
the one place that does, for the org import too).

Why a threshold (settings.READINGS_IMPORT_IN_REQUEST_MAX_ROWS, 2,000 rows unless the environment says otherwise):
the bench (bench/README.md) measures parse + write at 0.18 s for 560 rows and 1.8–1.9 s for 10,000 rows. Up to 2,000
rows the confirmation answers in well under half a second, about what a save of the grid costs, and the user sees the
result at once; above it the request would hold a web worker for seconds (and the file is parsed twice, preview and
confirmation), so the worker writes it while the job page shows the progress. With eager Celery (the embedded default,
no REDIS_URL) the job runs in the request anyway, the same code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import Notice, Period
from campaigns.selectors import period_version
from core.formatting import format_number
from core.jobs import JobRefused, StaleJob, report_progress, report_progress_now
from core.uploads import confirmed_upload
from scoring.excel import ImportResult, parse_readings
from scoring.locks import share_period
from scoring.services.readings import ConflictError, SendOutcome, import_readings, submit_windows

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

IMPORT_TASK = "scoring.tasks.import_readings_file"


def in_request_max_rows() -> int:
    """Rows of a previewed file up to which its confirmation writes in the request (see the module's docstring)."""
    return int(settings.READINGS_IMPORT_IN_REQUEST_MAX_ROWS)


class ImportRefused(Exception):
    """Nothing was written: the file has bad cells now, a reading changed meanwhile, or the user may not change it.
    ``result`` holds the file's bad cells when that is why."""

    def __init__(self, message: str, result: ImportResult | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


@dataclass(frozen=True)
class ImportOutcome:
    """What a confirmed import wrote."""

    changed: int
    new: int
    unchanged: int
    rows: int
    sent: SendOutcome | None = None  # what "Gửi luôn sau khi ghi" sent, when it was asked for


def import_stored_readings(
    *,
    user: User,
    period: Period,
    stored: str,
    expected_version: int | None = None,
    progress: Callable[[int, str], None] | None = None,
    submit: bool = False,
) -> ImportOutcome:
    """Parse the kept file again and write it, every row or none; the kept file is removed whatever happens.

    ``expected_version`` (a job's): the period's version when the import was queued; if it changed since (closed,
    reopened, edited) StaleJob is raised under the period's lock and nothing is written. ``progress(percent,
    message)`` is told how far it got. ``submit`` ("Gửi luôn sau khi ghi"): once written, every complete draft window
    the file names is sent by ``submit_windows``, the grid's one-window send for each."""

    def tell(percent: int, message: str) -> None:
        if progress is not None:
            progress(percent, message)

    with confirmed_upload(stored) as source:
        _ensure_unchanged(period, expected_version)  # before the parse, which would judge the rows by it
        if source is None:
            raise ImportRefused(_("Tệp đã tải lên không còn (quá hạn hoặc đã được ghi); hãy tải tệp lên lại."))
        tell(5, _("Đang đọc tệp Excel"))
        result = parse_readings(user=user, period=period, source=source)
        if result.errors:
            first = result.errors[0]
            raise ImportRefused(
                _("Tệp có %(count)s lỗi, không ghi số liệu nào. Lỗi đầu tiên (%(cell)s): %(message)s")
                % {"count": format_number(len(result.errors)), "cell": first.cell, "message": first.message},
                result,
            )
        tell(30, _("Đã đọc %(rows)s dòng, đang ghi") % {"rows": format_number(len(result.rows))})

        def written(done: int, total: int) -> None:
            tell(
                30 + 60 * done // max(total, 1),
                _("Đã ghi %(done)s/%(total)s dòng") % {"done": format_number(done), "total": format_number(total)},
            )

        try:
            with transaction.atomic():
                share_period(period)  # the close waits for this import, and this import sees the period as it is
                _ensure_unchanged(period, expected_version)  # again, now that nothing can change it
                changed = import_readings(user=user, period=period, rows=result.rows, progress=written)
                tell(95, _("Đang tính lại điểm"))
        except ConflictError as conflict:
            raise ImportRefused(conflict.message) from conflict
        except PermissionDenied as error:
            raise ImportRefused(str(error) or _("Bạn không được thay đổi các số liệu này.")) from error
        except ValidationError as error:
            raise ImportRefused(" ".join(error.messages)) from error
    sent = None
    if submit:
        tell(97, _("Đang gửi các kỳ đã đủ số liệu"))
        sent = submit_windows(
            user=user, period=period, keys={(row.participant.pk, row.window_start) for row in result.rows}
        )
    return ImportOutcome(
        changed=changed, new=result.count_new, unchanged=result.count_unchanged, rows=len(result.rows), sent=sent
    )


def _ensure_unchanged(period: Period, expected_version: int | None) -> None:
    """StaleJob when the period changed since the job was queued (closed, reopened or edited): nothing is done."""
    if expected_version is not None and period_version(period) != expected_version:
        raise StaleJob(
            _(
                "Không ghi: %(period)s đã thay đổi từ khi tệp được xác nhận (đã chốt, mở lại hoặc được sửa). "
                "Hãy tải tệp lên lại để xem trước theo đợt hiện tại."
            )
            % {"period": period.name}
        )


def import_job_kwargs(*, period: Period, user: User, stored: str, submit: bool = False) -> dict[str, object]:
    """The arguments of an import job: who, which kept file, the period's version it was queued for, and whether to
    send the complete windows once written."""
    return {
        "period_id": period.pk,
        "user_id": user.pk,
        "stored": stored,
        "period_version": period_version(period),
        "submit": submit,
    }


def run_import_job(
    *,
    job_id: int | None,
    user: User,
    period: Period,
    stored: str,
    expected_version: int | None,
    submit: bool = False,
) -> ImportOutcome:
    """The job's work: the import with its progress on the job page, and a notice to its author when it ends.
    Refused → JobRefused (the job shows the reason); stale → StaleJob (the job shows it was skipped)."""

    def progress(percent: int, message: str) -> None:
        report_progress_now(job_id, percent, message)

    url = reverse("planning:job_detail", args=[job_id]) if job_id is not None else ""
    try:
        outcome = import_stored_readings(
            user=user,
            period=period,
            stored=stored,
            expected_version=expected_version,
            progress=progress,
            submit=submit,
        )
    except (ImportRefused, StaleJob) as stopped:
        reason = stopped.message if isinstance(stopped, ImportRefused) else stopped.reason
        _notify(
            job_id,
            user,
            _("Nhập số liệu từ Excel không thành công — %(period)s") % {"period": period.name},
            reason,
            url,
        )
        if isinstance(stopped, StaleJob):
            raise
        raise JobRefused(reason) from stopped
    done = _(
        "Đã ghi %(changed)s/%(changed)s dòng: %(new)s số liệu mới, %(updated)s thay đổi, %(unchanged)s giữ nguyên."
    ) % {
        "changed": format_number(outcome.changed),
        "new": format_number(outcome.new),
        "updated": format_number(outcome.changed - outcome.new),
        "unchanged": format_number(outcome.unchanged),
    }
    if outcome.sent is not None:
        done += " " + outcome.sent.message()
    report_progress(job_id, 100, done)
    _notify(job_id, user, _("Đã nhập xong số liệu từ Excel — %(period)s") % {"period": period.name}, done, url)
    return outcome


def _notify(job_id: int | None, user: User, title: str, body: str, url: str) -> None:
    """One in-app notice to the import's author per job (a redelivered job does not send it twice)."""
    if job_id is None:
        return
    Notice.objects.get_or_create(
        user=user, key=f"readings-import-{job_id}", defaults={"title": title[:255], "body": body, "url": url}
    )
