"""The home page: what waits for this user now, by role (it reads all three apps, so it lives in awards)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from awards.models import Decision, Nomination
from campaigns import selectors as campaign_selectors
from campaigns.models import Membership, Notice, Period, Plan, Role, Unit
from campaigns.typing import AuthenticatedRequest
from scoring.services.reminders import missing_readings
from scoring.windows import window_containing


@dataclass(frozen=True)
class Todo:
    """One line of the "việc cần làm" card."""

    text: str
    url: str
    count: int


def _leader_todos(user) -> list[Todo]:
    """Proposals waiting for a decision and drafts waiting for a signature, in the units the user leads."""
    led = Unit.objects.in_scope_of(user, roles=(Role.LANH_DAO,))
    waiting = (
        Nomination.objects.filter(period__plan__issuer__in=led)
        .filter(
            status__in=[
                Nomination.Status.PROPOSED,
                Nomination.Status.PREPARED,
                Nomination.Status.SUBMITTED,
                Nomination.Status.APPRAISED,
            ]
        )
        .values("period", "period__name", "period__plan__title")
        .annotate(count=Count("pk"))
        .order_by("period__end")
    )
    todos = [
        Todo(
            f"Xem xét đề xuất khen thưởng — {row['period__name']}, {row['period__plan__title']}",
            reverse("awards:nomination_list", args=[row["period"]]),
            row["count"],
        )
        for row in waiting
    ]
    drafts = Decision.objects.filter(issuer__in=led, status=Decision.Status.DRAFT)
    todos += [Todo(f"Ký dự thảo quyết định — {draft.summary}", draft.get_absolute_url(), 1) for draft in drafts]
    return todos


def _office_todos(user) -> list[Todo]:
    today = timezone.localdate()
    todos = []
    periods = Period.objects.filter(
        plan__in=Plan.objects.visible_to(user),
        plan__status=Plan.Status.ACTIVE,
        status=Period.Status.OPEN,
        start__lte=today,
        end__gte=today,
    ).select_related("plan")
    for period in periods:
        window = window_containing(period, today)
        if window is None:
            continue
        gaps = missing_readings(period=period, window_start=window.start)
        visible = set(period.plan.participants.visible_to(user).values_list("pk", flat=True))
        count = sum(gap for participant, gap in gaps.items() if participant in visible)
        if count:
            todos.append(
                Todo(
                    f"Nhập số liệu {window.label} — {period.plan.title}",
                    reverse("scoring:entry_dashboard", args=[period.pk]),
                    count,
                )
            )
    return todos


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
    roles = {m.role for m in memberships} | ({choice.value for choice in Role} if user.is_superuser else set())
    todos: list[Todo] = []
    if Role.LANH_DAO in roles:
        todos += _leader_todos(user)
    if roles & {Role.NHAP_LIEU, Role.QUAN_TRI}:
        todos += _office_todos(user)
    context = {
        "memberships": memberships,
        "plans": campaign_selectors.plans_for(user=user)[:10],
        "todos": todos,
        "notices": Notice.objects.filter(user=user, read_at__isnull=True)[:5],
        "is_home_affairs": Role.NOI_VU in roles,
    }
    return render(request, "home.html", context)
