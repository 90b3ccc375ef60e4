"""The period dashboard (one screen for lãnh đạo and nội vụ) and the report drafts (DOCX) of a period and a plan.
Read-only pages: out of scope answers 404 (the scoped querysets), another role 403 (ReportPolicy)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns.models import Period, Plan
from campaigns.policies import PeriodPolicy
from campaigns.typing import AuthenticatedRequest
from planning.reports import charts
from planning.reports.docx import render_quick_report_docx, render_report_docx
from planning.reports.forms import QuickReportForm
from planning.reports.policies import ReportPolicy
from planning.reports.selectors import period_report, plan_periods, quick_report
from scoring.entry_selectors import periods_visible_to

WAITING_SHOWN = 30  # the rest are on the data-entry dashboard, linked
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _period(request: AuthenticatedRequest, pk: int) -> Period:
    """The period if its plan is visible to the user (else 404) and the user may see its report (else 403)."""
    period = get_object_or_404(periods_visible_to(user=request.user), pk=pk)
    ReportPolicy.view(request.user, period.plan).ensure()
    return period


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def period_dashboard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The period at a glance: who has not sent, the ranking charts, a light per criterion, the change since the
    previous period, and the buttons for the report, the exports and the close."""
    period = _period(request, pk)
    return _dashboard(request, period, QuickReportForm(period=period))


def _dashboard(request: AuthenticatedRequest, period: Period, form: QuickReportForm, status: int = 200) -> HttpResponse:
    report = period_report(period=period, user=request.user)
    waiting = report.waiting
    return render(
        request,
        "planning/period_dashboard.html",
        {
            "period": period,
            "plan": period.plan,
            "report": report,
            "waiting": waiting,
            "waiting_shown": waiting[:WAITING_SHOWN],
            "waiting_hidden": max(len(waiting) - WAITING_SHOWN, 0),
            "ranking_charts": [charts.ranking_chart(ranking) for ranking in report.rankings],
            "sending_chart": charts.sending_chart(report.sending),
            "may_close": PeriodPolicy.close(request.user, period).allowed and report.provisional,
            "quick_form": form,
        },
        status=status,
    )


@login_required
@require_GET
def period_report_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The period's báo cáo sơ kết / tổng kết as a Word draft."""
    period = _period(request, pk)
    report = period_report(period=period, user=request.user)
    content = render_report_docx(plan=period.plan, reports=[report], user=request.user)
    return _docx(content, f"bao-cao-{slugify(period.plan.key)}-dot-{period.order}.docx")


@login_required
@require_GET
def period_quick_report_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A báo cáo nhanh of the period for a date range (?tu=…&den=…); a bad range shows the dashboard with why."""
    period = _period(request, pk)
    form = QuickReportForm(request.GET, period=period)
    if not form.is_valid():
        return _dashboard(request, period, form, status=400)
    start, end = form.cleaned_data["tu"], form.cleaned_data["den"]
    quick = quick_report(period=period, user=request.user, start=start, end=end)
    content = render_quick_report_docx(quick=quick)
    return _docx(content, f"bao-cao-nhanh-{slugify(period.plan.key)}-{start:%Y%m%d}-{end:%Y%m%d}.docx")


@login_required
@require_GET
def plan_report_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The plan's báo cáo tổng kết over all its periods as a Word draft."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    ReportPolicy.view(request.user, plan).ensure()
    reports = [period_report(period=period, user=request.user) for period in plan_periods(plan=plan)]
    if not reports:
        messages.info(request, _("Kế hoạch chưa có đợt thi đua nào để tổng kết."))
        return redirect("campaigns:plan_detail", pk=plan.pk)
    content = render_report_docx(plan=plan, reports=reports, user=request.user, whole_plan=True)
    return _docx(content, f"bao-cao-tong-ket-{slugify(plan.key)}.docx")


urlpatterns = [
    path("dot/<int:pk>/dieu-hanh/", period_dashboard, name="period_dashboard"),
    path("dot/<int:pk>/bao-cao.docx", period_report_docx, name="period_report"),
    path("dot/<int:pk>/bao-cao-nhanh.docx", period_quick_report_docx, name="period_quick_report"),
    path("ke-hoach/<int:pk>/bao-cao-tong-ket.docx", plan_report_docx, name="plan_report"),
]
