"""Read queries for campaign pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from campaigns.models import Participant, Period, Person, Plan, Unit, path_scope_q

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def plans_for(
    *,
    user: User,
    query: str = "",
    year: int | None = None,
    status: str = "",
    kind: str = "",
    issuer: int | None = None,
    ended: bool | None = False,
) -> QuerySet[Plan]:
    """Plans the user may see, filtered, with their counts, newest first. By default only the current ones;
    `ended=True` is the archive, `ended=None` both (a year asked for shows all of that year)."""
    plans = Plan.objects.visible_to(user).select_related("issuer")
    if ended is not None:
        plans = plans.ended() if ended else plans.current()
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


def plan_years_for(*, user: User) -> list[int]:
    """The years the user's plans run in, newest first: the choices of the plan list's year filter."""
    spans = Plan.objects.visible_to(user).values_list("start__year", "end__year").distinct()
    return sorted({year for first, last in spans for year in range(first, last + 1)}, reverse=True)


def issuers_for(*, user: User) -> QuerySet[Unit]:
    """Units that issued a plan the user can see: the issuer filter of the plan list."""
    return Unit.objects.filter(pk__in=Plan.objects.visible_to(user).values("issuer")).order_by("path")


def plan_detail_for(*, user: User) -> QuerySet[Plan]:
    """Plans in the user's scope with every part the detail and print pages show, in a constant number of queries.

    Criteria, quotas, conditions and dossier documents belong to scoring and awards; they are prefetched by their
    reverse relation names so campaigns does not import those apps.
    """
    return (
        Plan.objects.visible_to(user)
        .select_related("issuer")
        .prefetch_related(
            Prefetch("periods", queryset=Period.objects.current_first()),
            "groups",
            "criteria__indicator",
            "quota_rules__award_kind",
            "quota_rules__group",
            "quota_rules__period",
            "conditions",
            "dossier_requirements",
            "tasks__lead_unit",
            "tasks__executing_units",
        )
    )


def participants_of(*, plan: Plan) -> QuerySet[Participant]:
    """A plan's participants with their group, collectives first, in name order."""
    return plan.participants.select_related("group", "unit", "person").order_by("kind", "group__order", "name")


def units_for(*, user: User, query: str = "") -> QuerySet[Unit]:
    """Units in the user's scope, in tree order."""
    units = Unit.objects.in_scope_of(user)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(short_name__icontains=query))
    return units.select_related("successor").order_by("path")


def bulk_candidates(*, mode: str, units: list[Unit]) -> tuple[list[Unit], list[Person]]:
    """Who "every commune under", "every section of" or "every official of" these units means, in tree order:
    (the units, the people), one of the two lists empty."""
    if mode == "officials":
        paths = path_scope_q([unit.path for unit in units], field="unit__path")
        people = Person.objects.filter(paths, is_active=True).select_related("unit").order_by("unit__path", "full_name")
        return [], list(people)
    found: dict[int, Unit] = {}
    for unit in units:
        below = Unit.objects.get_queryset().filter(path__startswith=unit.path, depth__gt=unit.depth)
        if mode == "communes":
            below = below.filter(kind__in=[Unit.Kind.XA, Unit.Kind.PHUONG, Unit.Kind.THI_TRAN])
        else:
            below = below.filter(
                depth=unit.depth + 1, kind__in=[Unit.Kind.BO_PHAN, Unit.Kind.KHOI, Unit.Kind.PHONG, Unit.Kind.SO_NGANH]
            )
        for child in below.current():
            found[child.pk] = child
    return sorted(found.values(), key=lambda unit: unit.path), []


def period_version(period: Period) -> int:
    """The period's version: its latest history row (every save, closing and reopening included, adds one). A job
    carries the version it was queued for and does nothing if the period changed since (core.jobs.StaleJob)."""
    return period.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
