"""Period close and reopen pages, the background job list with live progress, and in-app notices."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from campaigns.models import Job, Notice, Period, Plan, Role
from campaigns.notices import set_email_digest, wants_email
from campaigns.permissions import has_role
from campaigns.policies import PeriodPolicy
from campaigns.typing import AuthenticatedRequest
from core.jobs import mark_lost_jobs, retry_job, start_job
from planning.reports.policies import ReportPolicy
from planning.services.closing import close_job_kwargs, missing_before_close, reopen_period


def _period_in_scope(request: AuthenticatedRequest, pk: int) -> Period:
    return get_object_or_404(
        Period.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related("plan__issuer"), pk=pk
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Vui lòng nhập lý do mở lại đợt thi đua.")},
    )


@login_required
def period_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation, with what is still missing; POST: start the close as a tracked background job."""
    period = _period_in_scope(request, pk)
    issuer = period.plan.issuer
    may_close = PeriodPolicy.close(request.user, period)
    if request.method == "POST":
        may_close.ensure()
        if period.status == Period.Status.CLOSED:
            messages.info(request, _("Đợt thi đua này đã được chốt."))
            return redirect("planning:period_close", pk=period.pk)
        with transaction.atomic():
            job = start_job(
                task="planning.tasks.close_period",
                kwargs=close_job_kwargs(period, by_id=request.user.pk),
                label=_("Chốt %(period)s — %(plan)s") % {"period": period.name, "plan": period.plan.title},
                unit=issuer,
                by=request.user,
            )
        return redirect("planning:job_detail", pk=job.pk)
    context = {
        "period": period,
        "may_close": may_close,
        "missing": missing_before_close(period=period),
        "may_reopen": PeriodPolicy.reopen(request.user, period),
        "jobs": Job.objects.visible_to(request.user).filter(kwargs__period_id=period.pk)[:5],
        "may_report": ReportPolicy.view(request.user, period.plan).allowed,
    }
    return render(request, "awards/period_close.html", context)


@login_required
def period_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    period = _period_in_scope(request, pk)
    answer = PeriodPolicy.reopen(request.user, period)
    if answer.code == "role":
        answer.ensure()
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_period(period=period, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Đã mở lại %(period)s.") % {"period": period.name})
            return redirect("planning:period_close", pk=period.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "awards/period_reopen.html", {"period": period, "form": form}, status=status)


class JobListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest

    template_name = "awards/job_list.html"
    paginate_by = 30
    context_object_name = "jobs"

    def get_queryset(self) -> QuerySet[Job]:
        mark_lost_jobs()  # also every few minutes by beat; here so a page never shows a dead job as running
        jobs = Job.objects.visible_to(self.request.user).select_related("started_by", "unit")
        state = self.request.GET.get("trang_thai", "")
        return jobs.filter(state=state) if state in Job.State.values else jobs

    def get_context_data(self, **kwargs):
        return super().get_context_data(states=Job.State.choices, **kwargs)


def _may_see_errors(user, job: Job) -> bool:
    return user.is_superuser or (job.unit is not None and has_role(user, job.unit, Role.QUAN_TRI))


@login_required
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mark_lost_jobs()
    job = get_object_or_404(Job.objects.visible_to(request.user).select_related("started_by", "unit"), pk=pk)
    template = "awards/_job_progress.html" if request.htmx else "awards/job_detail.html"
    return render(request, template, {"job": job, "show_error": _may_see_errors(request.user, job)})


@login_required
@require_POST
def job_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if not _may_see_errors(request.user, job):
        raise PermissionDenied(_("Chỉ quản trị được chạy lại việc xử lý."))
    if not job.may_retry:
        messages.info(request, _("Chỉ chạy lại được việc bị lỗi hoặc bị gián đoạn."))
    else:
        with transaction.atomic():
            retry_job(job=job)
        messages.success(request, _("Đã chạy lại việc xử lý."))
    return redirect("planning:job_detail", pk=job.pk)


@login_required
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = Notice.objects.filter(user=request.user)[:100]
    return render(request, "awards/notice_list.html", {"notices": notices})


@login_required
@require_POST
def notice_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.filter(user=request.user), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return redirect(notice.url or reverse("planning:notice_list"))


class NoticeSettingsForm(forms.Form):
    email_digest = forms.BooleanField(
        label=gettext_lazy("Nhận thư tổng hợp thông báo hằng ngày qua e-mail"),
        required=False,
        help_text=gettext_lazy(
            "Mỗi ngày một thư gồm các thông báo mới trong ngày. Thông báo trên trang luôn được hiển thị."
        ),
    )


@login_required
def notice_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Cài đặt thông báo: the user's own choice to receive the daily e-mail digest or not."""
    if request.method == "POST":
        form = NoticeSettingsForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["email_digest"]
            set_email_digest(user=request.user, enabled=enabled)
            if enabled:
                messages.success(request, _("Đã bật thư tổng hợp thông báo hằng ngày."))
            else:
                messages.success(request, _("Đã tắt thư tổng hợp thông báo: bạn chỉ xem thông báo trên trang."))
            return redirect("planning:notice_settings")
    else:
        form = NoticeSettingsForm(initial={"email_digest": wants_email(request.user)})
    return render(request, "awards/notice_settings.html", {"form": form})


urlpatterns = [
    path("dot/<int:pk>/chot/", period_close, name="period_close"),
    path("dot/<int:pk>/mo-lai/", period_reopen, name="period_reopen"),
    path("tac-vu/", JobListView.as_view(), name="job_list"),
    path("tac-vu/<int:pk>/", job_detail, name="job_detail"),
    path("tac-vu/<int:pk>/chay-lai/", job_retry, name="job_retry"),
    path("thong-bao/", notice_list, name="notice_list"),
    path("thong-bao/<int:pk>/da-doc/", notice_read, name="notice_read"),
    path("thong-bao/cai-dat/", notice_settings, name="notice_settings"),
]
