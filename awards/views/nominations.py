"""Nomination pages: a period's proposals with the engine's reasons, one nomination's dossier and workflow,
the chairman's decisions, the council meeting, and the Home Affairs (nội vụ) read-only view with its exports.

Every object comes from a scoped queryset (out of scope: 404); a write by the wrong role raises PermissionDenied
(403) before anything is parsed, and the service asks the same policy (awards/policies.py) again inside its
transaction. The detail page's buttons come from the same answers: an action relevant but refused (a dossier not
complete, votes below the council's threshold) is shown disabled with the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from awards import exports, selectors, steps
from awards.forms import (
    AcceptForm,
    AddNominationForm,
    AppraisalForm,
    ConditionCheckForm,
    CouncilMeetingForm,
    DossierUploadForm,
    RejectForm,
    StepForm,
)
from awards.models import Decision, DossierFile, Nomination
from awards.policies import (
    OPEN_STATUSES,
    DecisionPolicy,
    NominationPolicy,
    PeriodAwardsPolicy,
    council_result,
    needs_appraisal,
    reaches_threshold,
    shown_refusal,
)
from awards.services import nominations as services
from campaigns.models import Participant, Period, Plan
from campaigns.typing import AuthenticatedRequest
from core.uploads import accepts_upload
from scoring import selectors as scoring_selectors

Status = Nomination.Status


def _period(request: AuthenticatedRequest, pk: int) -> Period:
    return get_object_or_404(
        Period.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related("plan__issuer"), pk=pk
    )


def _nomination(request: AuthenticatedRequest, pk: int) -> Nomination:
    return get_object_or_404(selectors.nomination_detail(user=request.user), pk=pk)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _back(nomination: Nomination) -> HttpResponse:
    return redirect("awards:nomination_detail", pk=nomination.pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------------------------


class NominationIndexView(LoginRequiredMixin, ListView):
    """Every nomination the user may see, filterable by plan, period and status."""

    request: AuthenticatedRequest

    template_name = "awards/nomination_index.html"
    paginate_by = 50
    context_object_name = "nominations"

    def get_queryset(self) -> QuerySet[Nomination]:
        params = self.request.GET
        return selectors.nominations_for(
            user=self.request.user,
            plan=_int(params.get("ke_hoach")),
            period_id=_int(params.get("dot")),
            status=params.get("trang_thai", "") if params.get("trang_thai") in Status.values else "",
            query=params.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = list(selectors.periods_for(user=self.request.user))
        context.update(
            statuses=Status.choices,
            periods=periods,
            plans=sorted({(p.plan_id, p.plan.title) for p in periods}, key=lambda x: x[1]),
        )
        return context


class NominationListView(LoginRequiredMixin, ListView):
    """A period's proposals: the nominations, then the engine's reason for every participant."""

    request: AuthenticatedRequest

    template_name = "awards/nomination_list.html"
    paginate_by = 50
    context_object_name = "nominations"

    def get_queryset(self) -> QuerySet[Nomination]:
        self.period = _period(self.request, self.kwargs["period_pk"])
        params = self.request.GET
        return selectors.nominations_for(
            user=self.request.user,
            period=self.period,
            status=params.get("trang_thai", "") if params.get("trang_thai") in Status.values else "",
            query=params.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, period = self.request.user, self.period
        notes = Paginator(selectors.proposal_notes_for(period=period, user=user), 100)
        counts = dict(
            Nomination.objects.visible_to(user)
            .filter(period=period)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        rerun = PeriodAwardsPolicy.propose(user, period)
        context.update(
            period=period,
            plan=period.plan,
            statuses=Status.choices,
            notes_page=notes.get_page(self.request.GET.get("trang_xet")),
            counts=[(label, counts.get(value, 0), value) for value, label in Status.choices if counts.get(value)],
            can_decide=bool(NominationPolicy.add(user, period)),
            can_rerun=rerun,
            rerun_refused=shown_refusal(rerun),
            tied_count=Nomination.objects.visible_to(user)
            .filter(period=period, tied_at_cut=True, status__in=OPEN_STATUSES)
            .count(),
            bar=steps.period_steps(user, period, counts=counts),
            can_draft=bool(counts.get(Status.ACCEPTED))
            and bool(DecisionPolicy.draft(user, period.plan.issuer))
            and Nomination.objects.filter(period=period).awaiting_decision().exists(),
        )
        return context


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
@require_POST
def period_propose(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Run the quota engine again (after condition checks); idempotent."""
    period = _period(request, period_pk)
    PeriodAwardsPolicy.propose(request.user, period).ensure_role()
    try:
        nominations = services.propose_for_period(period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã xét lại theo chỉ tiêu: %(count)s đề xuất.") % {"count": len(nominations)})
    return redirect("awards:nomination_list", period_pk=period.pk)


@login_required
def period_export(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Excel list of the period's nominations (everyone who can see the period, nội vụ included)."""
    period = _period(request, period_pk)
    nominations = selectors.nominations_for(user=request.user, period=period)
    return _xlsx(exports.nominations_xlsx(nominations), f"de-nghi-khen-thuong-dot-{period.pk}.xlsx")


# ---------------------------------------------------------------------------------------------------------------
# One nomination
# ---------------------------------------------------------------------------------------------------------------


@login_required
def nomination_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    return _render_detail(request, nomination)


def _render_detail(
    request: AuthenticatedRequest, nomination: Nomination, *, status: int = 200, **forms
) -> HttpResponse:
    user = request.user
    period = nomination.period
    conditions = selectors.applicable_conditions(nomination)
    checks = {c.condition_id: c for c in nomination.condition_checks.all()}
    checklist = selectors.dossier_checklist(nomination=nomination)
    vote, passed = council_result(nomination)
    initial = {"version": nomination.version}
    may = {
        "check": NominationPolicy.check(user, nomination),
        "upload": NominationPolicy.upload(user, nomination),
        "prepare": NominationPolicy.prepare(
            user, nomination, conditions=conditions, checks=checks, checklist=checklist
        ),
        "submit": NominationPolicy.submit(user, nomination),
        "appraise": NominationPolicy.appraise(user, nomination),
        "accept": NominationPolicy.accept(user, nomination),
        "reject": NominationPolicy.reject(user, nomination),
    }
    context = {
        "nomination": nomination,
        "period": period,
        "plan": period.plan,
        "condition_rows": [(c, checks.get(c.pk)) for c in conditions],
        "checklist": checklist,
        "other_files": [f for f in nomination.files.all() if f.requirement_id is None],
        "transitions": nomination.transitions.all(),
        "votes": nomination.votes.all(),
        "council_vote": vote,
        "council_passed": passed,
        "needs_appraisal": needs_appraisal(period),
        "may": may,
        "refused": {name: shown_refusal(answer) for name, answer in may.items()},
        "can_check": may["check"] and bool(conditions),
        "check_form": forms.get("check_form") or ConditionCheckForm(conditions=conditions, initial=initial),
        "upload_form": forms.get("upload_form")
        or DossierUploadForm(requirements=selectors.applicable_requirements(nomination), initial=initial),
        "step_form": StepForm(initial=initial),
        "bar": steps.nomination_steps(user, nomination, prepare=may["prepare"], council=(vote, passed)),
    }
    return render(request, "awards/nomination_detail.html", context, status=status)


@login_required
@require_POST
def nomination_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    NominationPolicy.check(request.user, nomination).ensure_role()
    form = ConditionCheckForm(request.POST, conditions=selectors.applicable_conditions(nomination))
    if not form.is_valid():
        return _render_detail(request, nomination, status=400, check_form=form)
    try:
        services.record_condition_check(
            nomination=nomination,
            condition=form.cleaned_data["condition"],
            confirmed=form.cleaned_data["confirmed"],
            note=form.cleaned_data["note"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã ghi kết quả kiểm tra tiêu chuẩn."))
        if not form.cleaned_data["confirmed"]:
            messages.warning(
                request,
                _(
                    "Tiêu chuẩn không đạt: bấm “Xét lại theo chỉ tiêu” ở danh sách đề xuất "
                    "của đợt để đối tượng kế tiếp được xét thay."
                ),
            )
    return _back(nomination)


@accepts_upload
@login_required
@require_POST
def nomination_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    NominationPolicy.upload(request.user, nomination).ensure_role()
    form = DossierUploadForm(request.POST, request.FILES, requirements=selectors.applicable_requirements(nomination))
    if form.is_valid():
        try:
            stored = services.attach_dossier_file(
                nomination=nomination,
                requirement=form.cleaned_data["requirement"],
                upload=form.cleaned_data["file"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error("file", _error_text(error))
        else:
            messages.success(request, _("Đã đính kèm %(name)s.") % {"name": stored.original_name})
            return _back(nomination)
    return _render_detail(request, nomination, status=400, upload_form=form)


def _scoped_file(request: AuthenticatedRequest, pk: int) -> DossierFile:
    return get_object_or_404(
        DossierFile.objects.filter(nomination__in=Nomination.objects.visible_to(request.user)).select_related(
            "nomination"
        ),
        pk=pk,
    )


@login_required
def dossier_file_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Serve a dossier document only to users who may see its nomination (never from a public URL)."""
    dossier_file = _scoped_file(request, pk)
    response = FileResponse(
        dossier_file.file.open("rb"),
        as_attachment=True,
        filename=dossier_file.original_name,
        content_type=dossier_file.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def dossier_file_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier_file = _scoped_file(request, pk)
    nomination = dossier_file.nomination
    NominationPolicy.remove_file(request.user, _nomination(request, nomination.pk)).ensure_role()
    try:
        services.remove_dossier_file(dossier_file=dossier_file, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Đã xóa tệp."))
    return _back(nomination)


def _step(request: AuthenticatedRequest, pk: int, service, success: str, policy) -> HttpResponse:
    nomination = _nomination(request, pk)
    policy(request.user, nomination).ensure_role()
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiếu phiên bản của đề nghị; vui lòng tải lại trang."))
        return _back(nomination)
    try:
        service(nomination=nomination, by=request.user, expected_version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return _back(nomination)


@login_required
@require_POST
def nomination_prepare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.mark_prepared, _("Đã hoàn tất hồ sơ."), NominationPolicy.prepare)


@login_required
@require_POST
def nomination_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.submit_nomination, _("Đã trình hồ sơ đề nghị."), NominationPolicy.submit)


def _decision_page(request: AuthenticatedRequest, pk: int, form_class, template: str, action) -> HttpResponse:
    """GET: a confirmation page with its form; POST: the decision through the service."""
    nomination = _nomination(request, pk)
    answer = action.policy(request.user, nomination)
    answer.ensure_role()
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                action.run(nomination, form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, action.success)
                return _back(nomination)
        status = 400
    else:
        form, status = form_class(initial={"version": nomination.version}), 200
    vote, passed = council_result(nomination)
    return render(
        request,
        template,
        {
            "nomination": nomination,
            "form": form,
            "period": nomination.period,
            "council_vote": vote,
            "council_passed": passed,
            "refusal": "" if answer else answer.reason,
        },
        status=status,
    )


class _Accept:
    success = _("Đã chấp thuận đề nghị.")

    policy = staticmethod(NominationPolicy.accept)

    @staticmethod
    def run(nomination, data, user):
        services.accept_nomination(
            nomination=nomination, by=user, reason=data["reason"], expected_version=data["version"]
        )


class _Reject:
    success = _("Đã ghi không chấp thuận.")

    policy = staticmethod(NominationPolicy.reject)

    @staticmethod
    def run(nomination, data, user):
        services.reject_nomination(
            nomination=nomination, by=user, reason=data["reason"], expected_version=data["version"]
        )


class _Appraise:
    success = _("Đã ghi ý kiến thẩm định.")

    policy = staticmethod(NominationPolicy.appraise)

    @staticmethod
    def run(nomination, data, user):
        services.appraise_nomination(
            nomination=nomination,
            agree=data["agree"],
            comment=data["comment"],
            by=user,
            expected_version=data["version"],
        )


@login_required
def nomination_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decision_page(request, pk, AcceptForm, "awards/nomination_accept.html", _Accept)


@login_required
def nomination_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decision_page(request, pk, RejectForm, "awards/nomination_reject.html", _Reject)


@login_required
def nomination_appraise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decision_page(request, pk, AppraisalForm, "awards/nomination_appraise.html", _Appraise)


@login_required
def nomination_add(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """The chairman adds a nominee by hand (within the quota, with a reason)."""
    period = _period(request, period_pk)
    NominationPolicy.add(request.user, period).ensure()
    rules = services.rules_for_period(period)
    taken = Nomination.objects.filter(period=period).exclude(status__in=[Status.WITHDRAWN, Status.REJECTED])
    participants = (
        Participant.objects.visible_to(request.user)
        .filter(plan=period.plan)
        .exclude(pk__in=taken.values("participant_id"))
        .order_by("kind", "name")
    )
    form = AddNominationForm(request.POST or None, rules=rules, participants=participants)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nomination = services.add_nomination_by_hand(
                    period=period,
                    participant=form.cleaned_data["participant"],
                    quota_rule=form.cleaned_data["quota_rule"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Đã bổ sung %(name)s vào danh sách đề nghị.") % {"name": nomination.name})
                return _back(nomination)
        status = 400
    return render(
        request, "awards/nomination_add.html", {"period": period, "plan": period.plan, "form": form}, status=status
    )


# ---------------------------------------------------------------------------------------------------------------
# Council (Hội đồng Thi đua – Khen thưởng)
# ---------------------------------------------------------------------------------------------------------------


@login_required
def council_meeting(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """The period's council meetings, and (for lãnh đạo / văn phòng) the form to record one with its votes."""
    period = _period(request, period_pk)
    user = request.user
    can_record = PeriodAwardsPolicy.record_council(user, period)
    if request.method == "POST":
        can_record.ensure()
    candidates = list(selectors.council_candidates(period=period, user=user))
    form = CouncilMeetingForm(
        request.POST or None, nominations=candidates, initial={"held_on": timezone.localdate(), "secret_ballot": True}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_council_meeting(
                    period=period,
                    held_on=data["held_on"],
                    members_total=data["members_total"],
                    members_present=data["members_present"],
                    secret_ballot=data["secret_ballot"],
                    votes=form.votes(),
                    minutes=data["minutes"],
                    by=user,
                )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Đã ghi kết quả họp Hội đồng Thi đua – Khen thưởng."))
                return redirect("awards:council_meeting", period_pk=period.pk)
        status = 400
    meetings = list(selectors.council_meetings_for(period=period))
    for meeting in meetings:
        for vote in meeting.votes.all():
            vote.passed = reaches_threshold(vote.votes_for, meeting.members_total, meeting.threshold_percent)
    return render(
        request,
        "awards/council_meeting.html",
        {
            "period": period,
            "plan": period.plan,
            "form": form,
            "meetings": meetings,
            "can_record": can_record,
            "candidates": candidates,
            "vote_rows": list(zip(candidates, form.vote_fields(), strict=True)),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------------------------
# Home Affairs (nội vụ): read-only over its subtree
# ---------------------------------------------------------------------------------------------------------------

HOME_AFFAIRS_TABS = {
    "de-nghi": _("Đề nghị khen thưởng và hồ sơ"),
    "ke-hoach": _("Kế hoạch"),
    "xep-hang": _("Xếp hạng"),
    "quyet-dinh": _("Quyết định"),
}


def _home_affairs_filters(request: AuthenticatedRequest) -> dict:
    params = request.GET
    return {
        "plan": _int(params.get("ke_hoach")),
        "period": _int(params.get("dot")),
        "status": params.get("trang_thai", ""),
        "query": params.get("q", "").strip(),
    }


@login_required
def home_affairs(request: AuthenticatedRequest) -> HttpResponse:
    """Every submission of the communes and departments under the user's Home Affairs office, read-only."""
    user = request.user
    PeriodAwardsPolicy.home_affairs(user).ensure()
    tab = request.GET.get("xem", "de-nghi")
    tab = tab if tab in HOME_AFFAIRS_TABS else "de-nghi"
    filters = _home_affairs_filters(request)
    rows: QuerySet[Any]
    if tab == "ke-hoach":
        statuses = Plan.Status.choices
        status = filters["status"] if filters["status"] in Plan.Status.values else ""
        rows = selectors.home_affairs_plans(user=user, plan=filters["plan"], status=status, query=filters["query"])
    elif tab == "xep-hang":
        statuses = []
        rows = selectors.home_affairs_standings(
            user=user, plan=filters["plan"], period=filters["period"], query=filters["query"]
        )
    elif tab == "quyet-dinh":
        statuses = Decision.Status.choices
        status = filters["status"] if filters["status"] in Decision.Status.values else ""
        rows = selectors.home_affairs_decisions(
            user=user, plan=filters["plan"], period=filters["period"], status=status, query=filters["query"]
        )
    else:
        statuses = Status.choices
        status = filters["status"] if filters["status"] in Status.values else ""
        rows = selectors.home_affairs_nominations(
            user=user, plan=filters["plan"], period=filters["period"], status=status, query=filters["query"]
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    if tab == "xep-hang":  # an open period's ranks are computed when read, never taken from a stale row
        page.object_list = scoring_selectors.with_live_ranks(list(page.object_list))
    return render(
        request,
        "awards/home_affairs.html",
        {
            "tab": tab,
            "tabs": HOME_AFFAIRS_TABS,
            "page_obj": page,
            "rows": page.object_list,
            "is_paginated": page.has_other_pages(),
            "statuses": statuses,
            "units": selectors.home_affairs_units(user=user).filter(
                depth__lte=selectors.home_affairs_top_depth(user=user) + 1
            )[:20],
            **selectors.home_affairs_filter_choices(user=user),
        },
    )


@login_required
def home_affairs_export(request: AuthenticatedRequest) -> HttpResponse:
    """The award lists under the Home Affairs office, filtered as on screen, as Excel."""
    PeriodAwardsPolicy.home_affairs(request.user).ensure()
    filters = _home_affairs_filters(request)
    status = filters["status"] if filters["status"] in Status.values else ""
    nominations = selectors.home_affairs_nominations(
        user=request.user, plan=filters["plan"], period=filters["period"], status=status, query=filters["query"]
    )
    nominations = nominations.annotate(file_count=Count("files", distinct=True)).prefetch_related(None)
    return _xlsx(
        exports.nominations_xlsx(nominations, title=_("Danh sách khen thưởng")),
        f"danh-sach-khen-thuong-{timezone.localdate():%Y%m%d}.xlsx",
    )


urlpatterns = [
    path("de-nghi/", NominationIndexView.as_view(), name="nomination_index"),
    path("dot/<int:period_pk>/de-xuat/", NominationListView.as_view(), name="nomination_list"),
    path("dot/<int:period_pk>/de-xuat/xet-lai/", period_propose, name="nomination_propose"),
    path("dot/<int:period_pk>/de-xuat/bo-sung/", nomination_add, name="nomination_add"),
    path("dot/<int:period_pk>/de-xuat.xlsx", period_export, name="nomination_export"),
    path("dot/<int:period_pk>/hoi-dong/", council_meeting, name="council_meeting"),
    path("de-nghi/<int:pk>/", nomination_detail, name="nomination_detail"),
    path("de-nghi/<int:pk>/tieu-chuan/", nomination_check, name="nomination_check"),
    path("de-nghi/<int:pk>/tep/", nomination_upload, name="nomination_upload"),
    path("de-nghi/<int:pk>/hoan-tat/", nomination_prepare, name="nomination_prepare"),
    path("de-nghi/<int:pk>/trinh/", nomination_submit, name="nomination_submit"),
    path("de-nghi/<int:pk>/tham-dinh/", nomination_appraise, name="nomination_appraise"),
    path("de-nghi/<int:pk>/chap-thuan/", nomination_accept, name="nomination_accept"),
    path("de-nghi/<int:pk>/khong-chap-thuan/", nomination_reject, name="nomination_reject"),
    path("tep-ho-so/<int:pk>/", dossier_file_download, name="dossier_file_download"),
    path("tep-ho-so/<int:pk>/xoa/", dossier_file_remove, name="dossier_file_remove"),
    path("noi-vu/", home_affairs, name="home_affairs"),
    path("noi-vu/danh-sach-khen-thuong.xlsx", home_affairs_export, name="home_affairs_export"),
]
