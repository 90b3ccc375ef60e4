"""Campaign pages: the dashboard, the org tree in scope, plans (list, detail, create and edit, print, status),
bulk enrolment and task progress."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView, ListView

from campaigns import selectors, services
from campaigns.forms import BulkAddForm, GroupFormSet, PeriodFormSet, PlanForm, TaskFormSet, TaskProgressForm
from campaigns.models import Membership, Participant, Plan, PlanTask, Role, Unit
from campaigns.permissions import is_read_only
from campaigns.policies import PlanPolicy
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
        context["can_create"] = _can_create_plans(self.request.user)
        return context


def _can_create_plans(user) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, role__in=[Role.LANH_DAO, Role.QUAN_TRI]).exists()


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
                "can_edit": PlanPolicy.change_status(user, plan),
                "can_edit_parts": PlanPolicy.edit(user, plan),  # criteria, awards: not once the plan has closed
                "read_only": is_read_only(user, plan.issuer),
                "collectives": [p for p in participants if p.kind == Participant.Kind.COLLECTIVE],
                "individuals": [p for p in participants if p.kind == Participant.Kind.INDIVIDUAL],
                "criteria_points": sum((c.max_points for c in plan.criteria.all()), 0),
                "activation_problems": services.activation_problems(plan) if plan.status == Plan.Status.DRAFT else [],
                "transitions": sorted(Plan.TRANSITIONS.get(plan.status, ())),
            }
        )
        return context


class PlanPrintView(PlanDetailView):
    """The plan laid out as the printed Kế hoạch (Nghị định 30/2020 layout), with its criteria and awards."""

    request: AuthenticatedRequest

    template_name = "campaigns/plan_print.html"


def _plan_editor(request: AuthenticatedRequest, plan: Plan | None) -> HttpResponse:
    """Create or edit a plan with its periods, groups and tasks on one page."""
    user = request.user
    instance = plan or Plan()
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=instance, user=user)
    periods = PeriodFormSet(data, instance=instance, prefix="periods")
    groups = GroupFormSet(data, instance=instance, prefix="groups")
    tasks = TaskFormSet(data, instance=instance, prefix="tasks")
    scope_root = plan.issuer if plan else None
    tasks.units = (
        Unit.objects.filter(path__startswith=scope_root.path) if scope_root else Unit.objects.in_scope_of(user)
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        form_ok = form.is_valid()
        if form_ok:
            periods.plan_start, periods.plan_end = form.cleaned_data["start"], form.cleaned_data["end"]
        formsets_ok = all([periods.is_valid(), groups.is_valid(), tasks.is_valid()])
        if form_ok and formsets_ok:
            try:
                saved = services.save_plan(form=form, formsets=[periods, groups, tasks], by=user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã lưu kế hoạch “%(title)s”.") % {"title": saved.title})
                return redirect(saved)
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "campaigns/plan_form.html",
        {
            "form": form,
            "periods": periods,
            "groups": groups,
            "tasks": tasks,
            "plan": plan,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    if not _can_create_plans(request.user):
        raise PermissionDenied(_("Chỉ lãnh đạo hoặc quản trị được tạo kế hoạch."))
    return _plan_editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    PlanPolicy.create(request.user, plan.issuer).ensure()
    return _plan_editor(request, plan)


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
    PlanPolicy.create(request.user, plan.issuer).ensure()
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
def participants_bulk_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add every commune under, every section of, or every official of the chosen units in one step."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    PlanPolicy.create(request.user, plan.issuer).ensure()
    form = BulkAddForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if form.is_valid():
            kind, units, people = services.bulk_candidates(
                mode=form.cleaned_data["mode"], units=list(form.cleaned_data["units"])
            )
            added, skipped = services.add_participants(
                plan=plan,
                kind=kind,
                group=form.cleaned_data["group"],
                by=request.user,
                units=units,
                people=people,
            )
            messages.success(
                request,
                _("Đã thêm %(added)s đối tượng; %(skipped)s đối tượng đã có trong kế hoạch nên giữ nguyên khối.")
                % {"added": added, "skipped": skipped},
            )
            return redirect(f"{plan.get_absolute_url()}#doi-tuong")
        return render(
            request, "campaigns/participants_bulk_add.html", {"plan": plan, "form": form}, status=HTTPStatus.BAD_REQUEST
        )
    return render(request, "campaigns/participants_bulk_add.html", {"plan": plan, "form": form})


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
