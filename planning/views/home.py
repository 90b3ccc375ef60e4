"""The home page: what waits for this user now, by role (planning.todos), the unread notices, roles and plans."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from campaigns import selectors as campaign_selectors
from campaigns.models import Membership, Notice, Role
from campaigns.typing import AuthenticatedRequest
from planning.todos import todos_for


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
    roles = {m.role for m in memberships} | ({choice.value for choice in Role} if user.is_superuser else set())
    context = {
        "memberships": memberships,
        "plans": campaign_selectors.plans_for(user=user)[:10],
        "todos": todos_for(user, roles),
        "notices": Notice.objects.filter(user=user, read_at__isnull=True)[:5],
        "is_home_affairs": Role.NOI_VU in roles,
    }
    return render(request, "home.html", context)
