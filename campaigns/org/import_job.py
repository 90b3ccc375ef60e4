"""The confirmed import of units, officials and accounts (issue 17: big imports run as a job): a file of more rows
than settings.ORG_IMPORT_IN_REQUEST_MAX_ROWS (default 2,000; a province's first load of 100 communes and 3,000
officials takes ~14 s, bench/org_import.py) is written by the worker while the job page shows the progress; a smaller
one in the request. Both run ``import_stored_org``: the kept file parsed again against the data as it is now, written
all or nothing (``import_org``), removed whatever happens (core.uploads.confirmed_upload)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import Notice
from campaigns.org.excel import OrgImport, import_org, parse_org
from core.formatting import format_number
from core.jobs import JobRefused, report_progress
from core.uploads import confirmed_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ORG_IMPORT_TASK = "campaigns.tasks.import_org_file"


def in_request_max_rows() -> int:
    return int(settings.ORG_IMPORT_IN_REQUEST_MAX_ROWS)


def row_count(result: OrgImport) -> int:
    """The rows a previewed workbook holds (units, officials, accounts): what decides where it is written."""
    return len(result.units) + len(result.people) + len(result.accounts)


class OrgImportRefused(Exception):
    """Nothing was written: the file is gone, or it has refusals now (``result`` holds them)."""

    def __init__(self, message: str, result: OrgImport | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


def summary(result: OrgImport) -> str:
    counts = result.counts
    return _(
        "Đã nhập: %(units)s đơn vị, %(people)s cán bộ, %(accounts)s tài khoản và %(roles)s vai trò mới; "
        "%(changed)s dòng cập nhật. Tài khoản mới đăng nhập lần đầu qua “Quên mật khẩu” hoặc mật khẩu dùng một lần."
    ) % {
        "units": format_number(counts["units"]["new"]),
        "people": format_number(counts["people"]["new"]),
        "accounts": format_number(counts["accounts"]["new"]),
        "roles": format_number(counts["roles"]["new"]),
        "changed": format_number(
            counts["units"]["changed"] + counts["people"]["changed"] + counts["accounts"]["changed"]
        ),
    }


def import_stored_org(*, user: User, stored: str, progress: Callable[[int, str], None] | None = None) -> OrgImport:
    """Parse the kept workbook again and write it, all or nothing; the kept file is removed whatever happens."""

    def tell(percent: int, message: str) -> None:
        if progress is not None:
            progress(percent, message)

    with confirmed_upload(stored) as source:
        if source is None:
            raise OrgImportRefused(_("Tệp đã tải lên không còn (quá hạn hoặc đã được ghi); hãy tải tệp lên lại."))
        tell(5, _("Đang đọc và kiểm tra tệp Excel"))
        result = parse_org(user=user, source=source.read())
        if result.errors:
            first = result.errors[0]
            raise OrgImportRefused(
                _("Tệp có %(count)s lỗi, không ghi gì. Lỗi đầu tiên: %(error)s")
                % {"count": format_number(len(result.errors)), "error": first},
                result,
            )
        tell(40, _("Đã kiểm tra %(rows)s dòng, đang ghi") % {"rows": format_number(row_count(result))})
        import_org(user=user, result=result)
    return result


def run_org_import_job(*, job_id: int | None, user: User, stored: str) -> OrgImport:
    """The job's work: the import with its progress on the job page and a notice to its author when it ends."""
    url = reverse("planning:job_detail", args=[job_id]) if job_id is not None else ""
    try:
        result = import_stored_org(
            user=user, stored=stored, progress=lambda percent, message: report_progress(job_id, percent, message)
        )
    except OrgImportRefused as refused:
        _notify(job_id, user, _("Nhập đơn vị, cán bộ, tài khoản không thành công"), refused.message, url)
        raise JobRefused(refused.message) from refused
    done = summary(result)
    report_progress(job_id, 100, done)
    _notify(job_id, user, _("Đã nhập xong đơn vị, cán bộ, tài khoản từ Excel"), done, url)
    return result


def _notify(job_id: int | None, user: User, title: str, body: str, url: str) -> None:
    """One in-app notice per job (a redelivered job does not send it twice)."""
    if job_id is None:
        return
    Notice.objects.get_or_create(
        user=user, key=f"org-import-{job_id}", defaults={"title": title[:255], "body": body[:2000], "url": url}
    )
