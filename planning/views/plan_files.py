"""Plan files in the browser: upload a YAML plan (all or nothing), download a plan as YAML, copy a plan to a new year.

These pages live in planning because a plan file spans campaigns, scoring and awards (see planning/plan_io.py).
"""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.forms import CopyPlanForm
from campaigns.models import Plan
from campaigns.policies import PlanPolicy
from campaigns.typing import AuthenticatedRequest
from core.uploads import accepts_upload
from core.widgets import VietnameseFileInput
from planning.plan_io import PlanFileError, copy_plan_to_year, export_plan, import_plan

MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024


class PlanUploadForm(forms.Form):
    """A plan file to import (the file "Tải tệp kế hoạch" gives; .yaml on disk, a word office staff need not read)."""

    file = forms.FileField(
        label=gettext_lazy("Tệp kế hoạch"),
        help_text=gettext_lazy("Tệp tải về bằng nút “Tải tệp kế hoạch” trên trang kế hoạch, đã sửa theo hướng dẫn."),
        widget=VietnameseFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(
                _("Đây không phải tệp kế hoạch. Hãy chọn tệp tải về bằng nút “Tải tệp kế hoạch” trên trang kế hoạch.")
            )
        if upload.size > MAX_PLAN_FILE_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 2 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("Tệp phải được lưu với bảng mã UTF-8.")) from error


@accepts_upload
@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request: AuthenticatedRequest) -> HttpResponse:
    """Import a plan file; a refused file lists every error with its line and changes nothing."""
    user = request.user
    PlanPolicy.create_any(user).ensure()
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                result = import_plan(text=form.cleaned_data["file"], by=user)
            except PlanFileError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    (
                        _("Đã tạo kế hoạch “%(title)s” từ tệp.")
                        if result.created
                        else _("Đã cập nhật kế hoạch “%(title)s” từ tệp.")
                    )
                    % {"title": result.plan.title},
                )
                return redirect(result.plan)
        return render(
            request, "awards/plan_upload.html", {"form": form, "errors": errors}, status=HTTPStatus.BAD_REQUEST
        )
    return render(request, "awards/plan_upload.html", {"form": form, "errors": errors})


@login_required
@require_GET
def plan_file_help(request: AuthenticatedRequest) -> HttpResponse:
    """How to write a plan file, in plain Vietnamese (docs/plan-format.md rewritten for office staff), with the
    plans the user may download as examples."""
    examples = Plan.objects.visible_to(request.user).select_related("issuer").order_by("-start", "title")[:5]
    return render(request, "planning/plan_file_help.html", {"examples": examples})


@login_required
@require_GET
def plan_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The plan file of a plan the user can see."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    response = HttpResponse(export_plan(plan=plan), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.key}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Draft the same plan for another year: dates shifted, number cleared, tasks not started."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    PlanPolicy.create(request.user, plan.issuer).ensure()
    form = CopyPlanForm(request.POST or None, initial={"year": plan.start.year + 1})
    if request.method == "POST":
        if form.is_valid():
            try:
                copy = copy_plan_to_year(plan=plan, year=form.cleaned_data["year"], by=request.user)
            except PlanFileError as error:
                for message in error.errors:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Đã tạo dự thảo kế hoạch năm %(year)s; %(count)s chỗ đã được sửa, xin rà soát bên dưới.")
                    % {"year": form.cleaned_data["year"], "count": len(copy.copy_changes)},
                )
                return redirect(f"{copy.get_absolute_url()}#thay-doi-khi-sao-chep")
        return render(request, "awards/plan_copy.html", {"plan": plan, "form": form}, status=HTTPStatus.BAD_REQUEST)
    return render(request, "awards/plan_copy.html", {"plan": plan, "form": form})


urlpatterns = [
    path("ke-hoach/nhap-tep/", plan_upload, name="plan_upload"),
    path("ke-hoach/huong-dan-tep-ke-hoach/", plan_file_help, name="plan_file_help"),
    path("ke-hoach/<int:pk>/tep.yaml", plan_download, name="plan_download"),
    path("ke-hoach/<int:pk>/sao-chep/", plan_copy, name="plan_copy"),
]
