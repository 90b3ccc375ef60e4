"""Campaign pages: the org tree in scope, plans (list, detail, print, status) and task progress. The plan editor and
bulk enrolment write through the plan-part services and live in planning/views/plan_editor.py."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView, ListView

from campaigns import selectors, services
from campaigns.forms import TaskProgressForm
from campaigns.models import Participant, Plan, PlanTask, Unit
from campaigns.permissions import is_read_only
from campaigns.policies import PeriodPolicy, PlanPolicy
from campaigns.typing import AuthenticatedRequest


class UnitListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest

    template_name = "campaigns/unit_list.html"
    paginate_by = 100
    context_object_name = "units"

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.units_for(user=self.request.user, query=self.request.GET.get("q", "").strip())


class PlanListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest

    template_name = "campaigns/plan_list.html"
    paginate_by = 20
    context_object_name = "plans"

    def get_queryset(self) -> QuerySet[Plan]:
        params = self.request.GET
        year = params.get("nam", "")
        return selectors.plans_for(
            user=self.request.user,
            query=params.get("q", "").strip(),
            year=int(year) if year.isdigit() else None,
            status=params.get("trang_thai", "") if params.get("trang_thai", "") in Plan.Status.values else "",
            kind=params.get("loai", "") if params.get("loai", "") in Plan.Kind.values else "",
            issuer=int(params["don_vi"]) if params.get("don_vi", "").isdigit() else None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Plan.Status.choices
        context["kinds"] = Plan.Kind.choices
        context["issuers"] = selectors.issuers_for(user=self.request.user)
        context["create"] = PlanPolicy.create_any(self.request.user)
        return context


class PlanDetailView(LoginRequiredMixin, DetailView):
    request: AuthenticatedRequest

    template_name = "campaigns/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self) -> QuerySet[Plan]:
        return selectors.plan_detail_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        participants = list(selectors.participants_of(plan=plan))
        context.update(
            {
                "edit": PlanPolicy.edit(user, plan),  # the plan and its parts: not once it has closed
                "change_status": PlanPolicy.change_status(user, plan),  # a closed plan may be reopened
                "read_only": is_read_only(user, plan.issuer),
                "collectives": [p for p in participants if p.kind == Participant.Kind.COLLECTIVE],
                "individuals": [p for p in participants if p.kind == Participant.Kind.INDIVIDUAL],
                "criteria_points": sum((c.max_points for c in plan.criteria.all()), 0),
                "activation_problems": services.activation_problems(plan) if plan.status == Plan.Status.DRAFT else [],
                "transitions": sorted(Plan.TRANSITIONS.get(plan.status, ())),
                # each period with whether this user may close it (lãnh đạo, quản trị of the issuer): the close is
                # offered where the period is listed, not only from its dashboard
                "period_rows": [(period, PeriodPolicy.close(user, period)) for period in plan.periods.all()],
            }
        )
        return context


class PlanPrintView(PlanDetailView):
    """The plan laid out as the printed Kế hoạch (Nghị định 30/2020 layout), with its criteria and awards."""

    request: AuthenticatedRequest

    template_name = "campaigns/plan_print.html"


STATUS_ACTIONS: dict[str, tuple[str, str]] = {
    Plan.Status.ACTIVE: (_("Triển khai kế hoạch"), _("Đã chuyển kế hoạch sang “Đang triển khai”.")),
    Plan.Status.CLOSED: (_("Kết thúc kế hoạch"), _("Đã kết thúc kế hoạch.")),
    Plan.Status.DRAFT: (_("Trả về dự thảo"), _("Đã trả kế hoạch về dự thảo.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def plan_status(request: AuthenticatedRequest, pk: int, to: str) -> HttpResponse:
    """Confirm, then move the plan to another status (activation checks the points add up)."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    PlanPolicy.change_status(request.user, plan).ensure()
    if to not in STATUS_ACTIONS or to not in Plan.TRANSITIONS.get(plan.status, set()):
        messages.error(request, _("Không thể chuyển kế hoạch sang trạng thái này."))
        return redirect(plan)
    problems = services.activation_problems(plan) if to == Plan.Status.ACTIVE else []
    if request.method == "POST":
        try:
            services.change_plan_status(plan=plan, to=to, by=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, str(STATUS_ACTIONS[to][1]))
            return redirect(plan)
    return render(
        request,
        "campaigns/plan_status_confirm.html",
        {
            "plan": plan,
            "to": to,
            "action": STATUS_ACTIONS[to][0],
            "problems": problems,
        },
        status=HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK,
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Report a task's status and progress."""
    plans = Plan.objects.visible_to(request.user)
    task = get_object_or_404(PlanTask.objects.select_related("plan__issuer", "lead_unit").filter(plan__in=plans), pk=pk)
    form = TaskProgressForm(request.POST or None, instance=task)
    if request.method == "POST":
        if form.is_valid():
            services.update_task_progress(
                task=task,
                by=request.user,
                **{name: form.cleaned_data[name] for name in ("status", "progress_percent", "progress")},
            )
            messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
            return redirect(f"{task.plan.get_absolute_url()}#nhiem-vu")
        return render(
            request, "campaigns/task_progress.html", {"task": task, "form": form}, status=HTTPStatus.BAD_REQUEST
        )
    return render(request, "campaigns/task_progress.html", {"task": task, "form": form})
