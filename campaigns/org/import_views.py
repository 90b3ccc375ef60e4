"""Excel pages of the org: template and export downloads, upload with a preview (nothing written), then the commit
(checked again, all or nothing). The same parse and import as `manage.py import_org`."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.models import Unit
from campaigns.org.excel import OrgImport, export_org, grouped_errors, parse_org, template_org
from campaigns.org.import_job import (
    ORG_IMPORT_TASK,
    OrgImportRefused,
    import_stored_org,
    in_request_max_rows,
    row_count,
    summary,
)
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.typing import AuthenticatedRequest
from core.formatting import format_number
from core.jobs import start_big_import
from core.uploads import keep_pending_upload, pending_upload
from core.widgets import VietnameseFileInput

IMPORT_FOLDER = "imports/org"
IMPORT_SALT = "campaigns.org-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đơn vị, cán bộ, tài khoản (.xlsx)"),
        widget=VietnameseFileInput(attrs={"accept": ".xlsx"}),
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(
    request: AuthenticatedRequest,
    form: OrgImportForm,
    result: OrgImport | None = None,
    token: str = "",
    status: int = HTTPStatus.OK,
    rows: int = 0,
) -> HttpResponse:
    context = {
        "rows": rows,
        "form": form,
        "result": result,
        "errors": grouped_errors(result.errors) if result else {},
        "token": token,
        "labels": {"units": _("Đơn vị"), "people": _("Cán bộ"), "accounts": _("Tài khoản"), "roles": _("Vai trò")},
    }
    return render(request, "campaigns/org/import.html", context, status=status)


def _home_unit_of(request: AuthenticatedRequest) -> Unit | None:
    """The highest unit the quản trị manages: its jobs are seen by those who see that unit."""
    return OrgPolicy(request.user).admin_units().order_by("depth", "path").first()


@login_required
@require_http_methods(["GET", "POST"])
def org_import(request: AuthenticatedRequest) -> HttpResponse:
    """GET: downloads and the upload form. POST: check the file and show what would change (nothing written)."""
    ensure(OrgPolicy(request.user).may_administer())
    if request.method != "POST":
        return _page(request, OrgImportForm())
    form = OrgImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=HTTPStatus.BAD_REQUEST)
    upload = form.cleaned_data["file"]
    upload.seek(0)
    content = upload.read()
    result = parse_org(user=request.user, source=content)
    if result.errors:
        return _page(request, form, result, status=HTTPStatus.BAD_REQUEST)
    rows = row_count(result)
    token = keep_pending_upload(upload, folder=IMPORT_FOLDER, salt=IMPORT_SALT, user=request.user.pk, rows=rows)
    return _page(request, OrgImportForm(), result, token=token, rows=rows)


@login_required
@require_POST
def org_import_commit(request: AuthenticatedRequest) -> HttpResponse:
    """Write a previewed file: checked again against the current data, then everything in one transaction or nothing."""
    ensure(OrgPolicy(request.user).may_administer())
    posted_rows = request.POST.get("rows", "")
    rows = int(posted_rows) if posted_rows.isdigit() and len(posted_rows) <= 9 else -1
    stored = pending_upload(
        request.POST.get("token", ""),
        folder=IMPORT_FOLDER,
        salt=IMPORT_SALT,
        user=request.user.pk,
        rows=rows,  # signed with the token at the preview: the size that decides where the import runs
    )
    if stored is None:
        messages.error(request, _("Phiên xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("campaigns:org_import")
    if rows > in_request_max_rows():
        job, told = start_big_import(
            task=ORG_IMPORT_TASK,
            kwargs={"user_id": request.user.pk, "stored": stored},
            label=_("Nhập %(rows)s dòng đơn vị, cán bộ, tài khoản từ Excel") % {"rows": format_number(rows)},
            rows=rows,
            unit=_home_unit_of(request),
            by=request.user,
        )
        messages.info(request, told)
        return redirect("planning:job_detail", pk=job.pk)
    try:
        result = import_stored_org(user=request.user, stored=stored)
    except OrgImportRefused as refused:
        if refused.result is not None:
            return _page(request, OrgImportForm(), refused.result, status=HTTPStatus.BAD_REQUEST)
        messages.error(request, refused.message)
        return redirect("campaigns:org_import")
    messages.success(request, summary(result))
    return redirect("campaigns:person_list")


@login_required
@require_http_methods(["GET"])
def org_template(request: AuthenticatedRequest) -> HttpResponse:
    ensure(OrgPolicy(request.user).may_administer())
    return _xlsx(template_org(user=request.user), "mau-don-vi-can-bo-tai-khoan.xlsx")


@login_required
@require_http_methods(["GET"])
def org_export(request: AuthenticatedRequest) -> HttpResponse:
    ensure(OrgPolicy(request.user).may_administer())
    return _xlsx(export_org(user=request.user), f"don-vi-can-bo-tai-khoan-{timezone.localdate():%Y%m%d}.xlsx")
