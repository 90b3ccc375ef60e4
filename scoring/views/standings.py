"""Standings pages: the periods, a period's standings per group, one participant's drill-down ("vì sao"), charts
and the Excel exports. Read-only pages: every role in scope may look; out of scope answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.text import slugify
from django.views.generic import ListView

from campaigns.models import Group, Participant, Period
from campaigns.typing import AuthenticatedRequest
from scoring import exports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: AuthenticatedRequest, pk: int) -> Period:
    """The period if its plan is visible to the user, else 404."""
    return get_object_or_404(selectors.periods_for(user=request.user), pk=pk)


def _group(request: AuthenticatedRequest, period: Period) -> Group | None:
    raw = request.GET.get("khoi", "")
    if not raw.isdigit():
        return None
    return get_object_or_404(Group, pk=int(raw), plan_id=period.plan_id)


class PeriodListView(LoginRequiredMixin, ListView):
    """Every period of the plans the user may see, with links to their standings."""

    request: AuthenticatedRequest

    template_name = "scoring/standing_index.html"
    context_object_name = "periods"
    paginate_by = 30

    def get_queryset(self) -> QuerySet[Period]:
        periods = selectors.periods_for(user=self.request.user)
        query = self.request.GET.get("q", "").strip()
        if query:
            periods = periods.filter(plan__title__icontains=query)
        return periods


class StandingListView(LoginRequiredMixin, ListView):
    """A period's standings per group: rank, ratio, total, targets met, completeness, tied badge, colours."""

    request: AuthenticatedRequest

    template_name = "scoring/standing_list.html"
    context_object_name = "standings"
    paginate_by = 50

    def get_queryset(self) -> selectors.RankedStandings:  # type: ignore[override]  # sliced and counted like a QuerySet
        self.period = _period(self.request, self.kwargs["period_pk"])
        self.group = _group(self.request, self.period)
        self.query = self.request.GET.get("q", "").strip()
        # Collectives and individuals are two lists ("Tập thể" / "Cá nhân" switch), never one.
        self.kinds = selectors.standing_kinds(period=self.period)
        asked = selectors.KIND_SLUGS.get(self.request.GET.get("loai", ""))
        self.kind = asked if asked in self.kinds or not self.kinds else self.kinds[0]
        if self.kind is None:
            self.kind = Participant.Kind.COLLECTIVE
        return selectors.standings_for(
            period=self.period, group=self.group, user=self.request.user, query=self.query, kind=self.kind
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # "Gộp lịch sử các đơn vị trước sáp nhập" (?gop=1): offered when a collective succeeded merged units; the
        # merged units' earlier rows follow their successor's row, under their old names and ranks.
        rollup_offered = self.kind == Participant.Kind.COLLECTIVE and selectors.has_merged_history(period=self.period)
        rollup = rollup_offered and self.request.GET.get("gop") == "1"
        history = selectors.merged_history(period=self.period, user=self.request.user) if rollup else {}
        for standing in context["standings"]:
            standing.colour = selectors.standing_colour(standing)
            standing.merged_history = history.get(standing.participant.unit_id, []) if history else []
        context.update(
            rollup_offered=rollup_offered,
            rollup=rollup,
            period=self.period,
            plan=self.period.plan,
            group=self.group,
            query=self.query,
            kind=self.kind,
            kind_tabs=[
                (slug, Participant.Kind(kind).label, kind == self.kind)
                for slug, kind in selectors.KIND_SLUGS.items()
                if kind in self.kinds
            ],
            kind_slug=next(slug for slug, kind in selectors.KIND_SLUGS.items() if kind == self.kind),
            groups=selectors.groups_of(period=self.period),
            pending=selectors.recompute_pending(plan=self.period.plan),
        )
        return context


@login_required
def standing_detail(request: AuthenticatedRequest, period_pk: int, participant_pk: int) -> HttpResponse:
    """One participant's criteria, period values, points and "vì sao", its readings by window and charts."""
    period = _period(request, period_pk)
    participant = get_object_or_404(selectors.participants_for(user=request.user, period=period), pk=participant_pk)
    breakdown = selectors.participant_breakdown(participant=participant, period=period)
    return render(
        request,
        "scoring/standing_detail.html",
        {
            "period": period,
            "plan": period.plan,
            "participant": participant,
            "breakdown": breakdown,
            "standing": breakdown.standing,
            "standing_colour": selectors.standing_colour(breakdown.standing) if breakdown.standing else "",
            "charts": selectors.participant_chart_data(breakdown=breakdown),
            "comparison": selectors.period_comparison(plan=period.plan, user=request.user, participant=participant),
            "pending": selectors.recompute_pending(plan=period.plan),
        },
    )


@login_required
def standing_charts(request: AuthenticatedRequest, period_pk: int) -> HttpResponse:
    """Charts for the whole plan: each criterion over the windows against its target, and periods compared."""
    period = _period(request, period_pk)
    group = _group(request, period)
    return render(
        request,
        "scoring/standing_charts.html",
        {
            "period": period,
            "plan": period.plan,
            "group": group,
            "groups": selectors.groups_of(period=period),
            "charts": selectors.plan_chart_data(period=period, user=request.user, group=group),
            "comparison": selectors.period_comparison(plan=period.plan, user=request.user),
            "summaries": selectors.period_summaries(plan=period.plan, user=request.user),
        },
    )


def _xlsx(handle, filename: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def standing_export(request: AuthenticatedRequest, period_pk: int) -> FileResponse:
    """Excel of the period's standings the user may see, one sheet per group (?gop=1: and the merged units' history)."""
    period = _period(request, period_pk)
    rollup = request.GET.get("gop") == "1"  # with a sheet of the merged units' earlier standings
    handle = exports.standings_workbook(period=period, user=request.user, rollup=rollup)
    return _xlsx(handle, f"xep-hang-{slugify(period.plan.key)}-dot-{period.order}.xlsx")


@login_required
def reading_export(request: AuthenticatedRequest, period_pk: int) -> FileResponse:
    """Excel of the period's readings the user may see, one sheet per group."""
    period = _period(request, period_pk)
    handle = exports.readings_workbook(period=period, user=request.user)
    return _xlsx(handle, f"so-lieu-{slugify(period.plan.key)}-dot-{period.order}.xlsx")


urlpatterns = [
    path("xep-hang/", PeriodListView.as_view(), name="standing_index"),
    path("xep-hang/dot/<int:period_pk>/", StandingListView.as_view(), name="standing_list"),
    path("xep-hang/dot/<int:period_pk>/doi-tuong/<int:participant_pk>/", standing_detail, name="standing_detail"),
    path("xep-hang/dot/<int:period_pk>/bieu-do/", standing_charts, name="standing_charts"),
    path("xep-hang/dot/<int:period_pk>/xuat-excel/", standing_export, name="standing_export"),
    path("xep-hang/dot/<int:period_pk>/so-lieu/xuat-excel/", reading_export, name="reading_export"),
]
