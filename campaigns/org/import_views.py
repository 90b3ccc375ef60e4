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

from campaigns.org.excel import OrgImport, export_org, grouped_errors, import_org, parse_org, template_org
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.typing import AuthenticatedRequest
from core.uploads import confirmed_upload, keep_pending_upload, pending_upload

IMPORT_FOLDER = "imports/org"
IMPORT_SALT = "campaigns.org-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đơn vị, cán bộ, tài khoản (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
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
) -> HttpResponse:
    context = {
        "form": form,
        "result": result,
        "errors": grouped_errors(result.errors) if result else {},
        "token": token,
        "labels": {"units": _("Đơn vị"), "people": _("Cán bộ"), "accounts": _("Tài khoản"), "roles": _("Vai trò")},
    }
    return render(request, "campaigns/org/import.html", context, status=status)


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
    token = keep_pending_upload(upload, folder=IMPORT_FOLDER, salt=IMPORT_SALT, user=request.user.pk)
    return _page(request, OrgImportForm(), result, token=token)


@login_required
@require_POST
def org_import_commit(request: AuthenticatedRequest) -> HttpResponse:
    """Write a previewed file: checked again against the current data, then everything in one transaction or nothing."""
    ensure(OrgPolicy(request.user).may_administer())
    stored = pending_upload(request.POST.get("token", ""), folder=IMPORT_FOLDER, salt=IMPORT_SALT, user=request.user.pk)
    if stored is None:
        messages.error(request, _("Phiên xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("campaigns:org_import")
    with confirmed_upload(stored) as source:  # the kept file is removed whatever happens below
        if source is None:
            messages.error(request, _("Phiên xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
            return redirect("campaigns:org_import")
        result = parse_org(user=request.user, source=source.read())
        if result.errors:
            return _page(request, OrgImportForm(), result, status=HTTPStatus.BAD_REQUEST)
        import_org(user=request.user, result=result)
    counts = result.counts
    messages.success(
        request,
        _(
            "Đã nhập: %(units)s đơn vị, %(people)s cán bộ, %(accounts)s tài khoản và %(roles)s vai trò mới; "
            "%(changed)s dòng cập nhật. Tài khoản mới đăng nhập lần đầu qua “Quên mật khẩu” hoặc mật khẩu dùng một lần."
        )
        % {
            "units": counts["units"]["new"],
            "people": counts["people"]["new"],
            "accounts": counts["accounts"]["new"],
            "roles": counts["roles"]["new"],
            "changed": counts["units"]["changed"] + counts["people"]["changed"] + counts["accounts"]["changed"],
        },
    )
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
