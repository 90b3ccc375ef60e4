"""The plan editor (the plan's own fields with its periods, groups and tasks on one page) and bulk enrolment.

The forms check what was typed and give rows; the plan-part services (planning/services/parts.py) write them with
the same guards and the same Vietnamese reasons as a plan file. A refusal is shown on the part it concerns and
nothing is written. Who may: ``PlanPolicy`` (lãnh đạo or quản trị of the issuing unit; not a closed plan).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.models import Plan, PlanTask, Unit
from campaigns.policies import PlanPolicy
from campaigns.selectors import bulk_candidates
from campaigns.typing import AuthenticatedRequest
from planning.plan_forms import BulkAddForm, GroupFormSet, PeriodFormSet, PlanForm, TaskFormSet
from planning.services import parts


def _show(target: BaseForm | BaseFormSet, error: ValidationError) -> None:
    """Put a service's refusal on the row it names (PlanPartError.rows), else on the form or formset it concerns."""
    rows: dict[str, int] = getattr(error, "rows", {})
    if not isinstance(target, BaseFormSet):
        for message in error.messages:
            target.add_error(None, message)
        return
    forms_by_pk = {form.instance.pk: form for form in target.forms if form.instance.pk}
    for message in error.messages:
        row = forms_by_pk.get(rows.get(message))
        if row is not None:
            row.add_error(None, message)
        else:
            target.non_form_errors().append(message)


def _save_editor(plan: Plan | None, form: PlanForm, periods: Any, groups: Any, tasks: Any, by: Any) -> Plan | None:
    """Write the header, then each part, through its service, all in one transaction: every refusal is shown on
    its part and, if there is any, nothing is kept. Returns the plan saved, or None when refused."""
    refused = False

    def step(target: BaseForm | BaseFormSet, service: Callable[..., Any], **kwargs: Any) -> Any:
        nonlocal refused
        try:
            with transaction.atomic():
                return service(by=by, **kwargs)
        except ValidationError as error:
            refused = True
            _show(target, error)
            return None

    with transaction.atomic():
        saved = step(form, parts.save_plan_header, plan=plan, header=form.header())
        if saved is not None:
            step(periods, parts.replace_periods, plan=saved, rows=periods.rows(), by_id=True)
            step(groups, parts.replace_groups, plan=saved, rows=groups.rows())
            step(tasks, parts.replace_tasks, plan=saved, rows=tasks.rows(), by_id=True)
        if refused:
            transaction.set_rollback(True)
            return None
    return saved


def _plan_editor(request: AuthenticatedRequest, plan: Plan | None) -> HttpResponse:
    """Create or edit a plan with its periods, groups and tasks on one page."""
    user = request.user
    instance = plan or Plan()
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=instance, user=user)
    periods = PeriodFormSet(data, instance=instance, prefix="periods")
    groups = GroupFormSet(data, instance=instance, prefix="groups")
    tasks = TaskFormSet(
        data, instance=instance, prefix="tasks", queryset=PlanTask.objects.prefetch_related("executing_units")
    )
    tasks.limit_units(Unit.objects.in_scope_of(user).order_by("path"))
    status = HTTPStatus.OK
    if request.method == "POST":
        form_ok = form.is_valid()
        if form_ok:
            periods.plan_start, periods.plan_end = form.cleaned_data["start"], form.cleaned_data["end"]
        formsets_ok = all([periods.is_valid(), groups.is_valid(), tasks.is_valid()])
        if form_ok and formsets_ok:
            saved = _save_editor(plan, form, periods, groups, tasks, user)
            if saved is not None:
                messages.success(request, _("Đã lưu kế hoạch “%(title)s”.") % {"title": saved.title})
                return redirect(saved)
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "periods": periods, "groups": groups, "tasks": tasks, "plan": plan},
        status=status,
    )


def _editable_plan(request: AuthenticatedRequest, pk: int) -> tuple[Plan, HttpResponse | None]:
    """The plan from the user's scope (404 outside it); 403 without the role; a closed plan goes back to its page
    with the policy's reason."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    answer = PlanPolicy.edit(request.user, plan)
    if answer.code == "role":
        answer.ensure()
    if not answer:
        messages.error(request, answer.reason)
        return plan, redirect(plan)
    return plan, None


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    PlanPolicy.create_any(request.user).ensure()
    return _plan_editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan, refused = _editable_plan(request, pk)
    return refused or _plan_editor(request, plan)


@login_required
@require_http_methods(["GET", "POST"])
def participants_bulk_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add every commune under, every section of, or every official of the chosen units in one step."""
    plan, refused = _editable_plan(request, pk)
    if refused:
        return refused
    form = BulkAddForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            units, people = bulk_candidates(mode=form.cleaned_data["mode"], units=list(form.cleaned_data["units"]))
            try:
                added, skipped = parts.enrol_participants(
                    plan=plan, units=units, people=people, group=form.cleaned_data["group"], by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("units", message)
            else:
                messages.success(
                    request,
                    _("Đã thêm %(added)s đối tượng; %(skipped)s đối tượng đã có trong kế hoạch nên giữ nguyên khối.")
                    % {"added": added, "skipped": skipped},
                )
                return redirect(f"{plan.get_absolute_url()}#doi-tuong")
        return render(
            request, "planning/participants_bulk_add.html", {"plan": plan, "form": form}, status=HTTPStatus.BAD_REQUEST
        )
    return render(request, "planning/participants_bulk_add.html", {"plan": plan, "form": form})


urlpatterns = [
    path("ke-hoach/tao/", plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/sua/", plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/doi-tuong/them/", participants_bulk_add, name="participants_bulk_add"),
]
