"""Read queries for campaign pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from campaigns.models import Plan, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def plans_for(*, user: AbstractBaseUser, query: str = "", year: int | None = None, status: str = "",
              kind: str = "", issuer: int | None = None) -> QuerySet[Plan]:
    """Plans the user may see, filtered, with their counts, newest first."""
    plans = Plan.objects.visible_to(user).select_related("issuer")
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number__icontains=query) | Q(issuer__name__icontains=query))
    if year:
        plans = plans.filter(start__year__lte=year, end__year__gte=year)
    if status:
        plans = plans.filter(status=status)
    if kind:
        plans = plans.filter(kind=kind)
    if issuer:
        plans = plans.filter(issuer_id=issuer)
    return plans.annotate(
        period_count=Count("periods", distinct=True), participant_count=Count("participants", distinct=True)
    ).order_by("-start", "title")


def units_for(*, user: AbstractBaseUser, query: str = "") -> QuerySet[Unit]:
    """Units in the user's scope, in tree order."""
    units = Unit.objects.in_scope_of(user)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(short_name__icontains=query))
    return units.select_related("successor").order_by("path")
