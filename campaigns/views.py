"""Campaign pages: the dashboard, the org tree in scope, plans."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from campaigns import selectors
from campaigns.models import Membership, Plan, Unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("unit").order_by("unit__path")
    plans = selectors.plans_for(user=request.user)[:10]
    return render(request, "home.html", {"memberships": memberships, "plans": plans})


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "campaigns/unit_list.html"
    paginate_by = 100
    context_object_name = "units"

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.units_for(user=self.request.user, query=self.request.GET.get("q", "").strip())


class PlanListView(LoginRequiredMixin, ListView):
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
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Plan.Status.choices
        context["kinds"] = Plan.Kind.choices
        return context


class PlanDetailView(LoginRequiredMixin, DetailView):
    template_name = "campaigns/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.visible_to(self.request.user).select_related("issuer")
