"""The plan rules editor: criteria on one page; quota rules, eligibility conditions and dossier documents on another,
with a small page beside it to add a form of commendation the shared catalogue lacks.

What used to need a YAML upload is typed in the browser, saved by the same plan-part services as a plan file
(planning/services/parts.py), and exports to the same file (planning/plan_io.py).
Lãnh đạo and quản trị of the issuing unit edit while the plan is a draft or in force; others in scope get 403, those
out of scope 404. Deleting rows asks for a confirmation first; invalid input re-renders with 400 and saves nothing.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.models import Plan
from campaigns.policies import PlanPolicy
from campaigns.typing import AuthenticatedRequest
from planning import selectors
from planning.forms import (
    AwardKindForm,
    ConditionFormSet,
    CriterionFormSet,
    CriterionFormSetBase,
    DossierRequirementFormSet,
    QuotaRuleFormSet,
    award_kind_choices,
    indicator_choices,
)
from planning.services import parts
from planning.services import rules as services

WIDE_FIELDS = ("name", "text", "note", "bands_text")


def _plan_for_rules(request: AuthenticatedRequest, pk: int) -> Plan:
    """The plan from the user's scope (404 outside it), once the user is known to be allowed to edit (403)."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("issuer"), pk=pk)
    answer = PlanPolicy.edit(request.user, plan)
    if answer.code == "role":
        answer.ensure()
    return plan


def _closed(request: AuthenticatedRequest, plan: Plan) -> HttpResponse | None:
    answer = PlanPolicy.edit(request.user, plan)
    if not answer:
        messages.error(request, answer.reason)
        return redirect(plan)
    return None


def _criteria_formset(plan: Plan, data: Any = None) -> CriterionFormSetBase:
    formset = CriterionFormSet(data, instance=plan, prefix="criteria", queryset=plan.criteria.order_by("order", "code"))
    formset.indicator_options = indicator_choices(selectors.indicator_catalogue())
    formset.in_use = selectors.criteria_in_use(plan=plan)
    if not plan.criteria.exists():
        formset.extra = 3  # a new plan: room for the first criteria at once
    return formset


def _award_formsets(plan: Plan, data: Any = None) -> dict[str, Any]:
    quotas = QuotaRuleFormSet(
        data,
        instance=plan,
        prefix="quotas",
        queryset=plan.quota_rules.select_related("award_kind", "group").order_by("pk"),
    )
    quotas.period_options = [("", _("Mọi đợt"))] + [(p.pk, p.name) for p in plan.periods.order_by("order")]
    quotas.group_options = [("", _("Toàn kế hoạch"))] + [(g.pk, g.name) for g in plan.groups.order_by("order")]
    quotas.award_options = award_kind_choices(selectors.award_kind_catalogue())
    quotas.in_use = selectors.quota_rules_in_use(plan=plan)
    conditions = ConditionFormSet(
        data, instance=plan, prefix="conditions", queryset=plan.conditions.order_by("order", "pk")
    )
    conditions.in_use = selectors.conditions_in_use(plan=plan)
    documents = DossierRequirementFormSet(
        data, instance=plan, prefix="documents", queryset=plan.dossier_requirements.order_by("order", "code")
    )
    documents.in_use = selectors.dossier_requirements_in_use(plan=plan)
    return {"quotas": quotas, "conditions": conditions, "documents": documents}


def _confirming(request: AuthenticatedRequest, formsets: list[Any]) -> list[str]:
    """Rows to delete that the user has not confirmed yet (the page then asks before saving anything)."""
    if request.POST.get("confirm_delete"):
        return []
    return [name for formset in formsets for name in formset.marked_for_deletion()]


@login_required
@require_http_methods(["GET", "POST"])
def plan_rules_criteria(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Type in the plan's criteria; the running total of maximum points is shown against the plan's total."""
    plan = _plan_for_rules(request, pk)
    if (refused := _closed(request, plan)) is not None:
        return refused
    formset = _criteria_formset(plan, request.POST if request.method == "POST" else None)
    status, save_errors, to_delete, checked = HTTPStatus.OK, [], [], False
    if request.method == "POST":
        if not formset.is_valid():
            status = HTTPStatus.BAD_REQUEST
        elif "check" in request.POST:
            checked = True
        elif not (to_delete := _confirming(request, [formset])):
            try:
                parts.replace_criteria(plan=plan, rows=formset.rows(), by=request.user)
            except ValidationError as error:
                save_errors, status = error.messages, HTTPStatus.BAD_REQUEST
                formset = _criteria_formset(plan, request.POST)  # the failed save may have touched the forms
                formset.is_valid()
            else:
                messages.success(request, _("Đã lưu tiêu chí của kế hoạch."))
                return redirect(reverse("planning:plan_rules_criteria", args=[plan.pk]))
    total = formset.points_total()
    return render(
        request,
        "awards/plan_rules_criteria.html",
        {
            "plan": plan,
            "formset": formset,
            "save_errors": save_errors,
            "to_delete": to_delete,
            "checked": checked,
            "points_total": total,
            "points_gap": plan.total_points - total,
            "points_over": total - plan.total_points,
            "wide_fields": WIDE_FIELDS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_rules_awards(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Type in the plan's quota rules, eligibility conditions and dossier documents, saved together."""
    plan = _plan_for_rules(request, pk)
    if (refused := _closed(request, plan)) is not None:
        return refused
    formsets = _award_formsets(plan, request.POST if request.method == "POST" else None)
    status, save_errors, to_delete = HTTPStatus.OK, [], []
    if request.method == "POST":
        if not all([formset.is_valid() for formset in formsets.values()]):
            status = HTTPStatus.BAD_REQUEST
        elif not (to_delete := _confirming(request, list(formsets.values()))):
            try:
                parts.replace_award_rules(
                    plan=plan,
                    quotas=formsets["quotas"].rows(),
                    conditions=formsets["conditions"].rows(),
                    documents=formsets["documents"].rows(),
                    by=request.user,
                )
            except ValidationError as error:
                save_errors, status = error.messages, HTTPStatus.BAD_REQUEST
                formsets = _award_formsets(plan, request.POST)
                for formset in formsets.values():
                    formset.is_valid()
            else:
                messages.success(request, _("Đã lưu khen thưởng, tiêu chuẩn và hồ sơ của kế hoạch."))
                return redirect(reverse("planning:plan_rules_awards", args=[plan.pk]))
    return render(
        request,
        "awards/plan_rules_awards.html",
        {
            "plan": plan,
            **formsets,
            "save_errors": save_errors,
            "to_delete": to_delete,
            "wide_fields": WIDE_FIELDS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_rules_award_kind_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add a form of commendation the catalogue lacks, then go back to the award-rules editor to choose it."""
    plan = _plan_for_rules(request, pk)
    if (refused := _closed(request, plan)) is not None:
        return refused
    form = AwardKindForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                kind = services.create_award_kind(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Đã thêm hình thức «%(name)s» (%(level)s) vào danh mục; chọn hình thức "
                        "này ở bảng chỉ tiêu rồi lưu."
                    )
                    % {"name": kind.name, "level": kind.get_level_display()},
                )
                return redirect(reverse("planning:plan_rules_awards", args=[plan.pk]))
        status = HTTPStatus.BAD_REQUEST
    else:
        status = HTTPStatus.OK
    return render(
        request,
        "awards/plan_rules_award_kind.html",
        {"plan": plan, "form": form, "catalogue": selectors.award_kind_catalogue()},
        status=status,
    )


urlpatterns = [
    path("ke-hoach/<int:pk>/tieu-chi/", plan_rules_criteria, name="plan_rules_criteria"),
    path("ke-hoach/<int:pk>/khen-thuong/", plan_rules_awards, name="plan_rules_awards"),
    path(
        "ke-hoach/<int:pk>/khen-thuong/hinh-thuc-moi/",
        plan_rules_award_kind_create,
        name="plan_rules_award_kind_create",
    ),
]
