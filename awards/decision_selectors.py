"""Read queries for decision pages and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from awards.models import Decision, Nomination
from awards.reference import reward_rule_on
from awards.wording import amounts_for, build_lines, decision_date
from campaigns.models import Participant, Plan

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def decisions_for(*, user: User, query: str = "", status: str = "", year: int | None = None) -> QuerySet[Decision]:
    """Decisions in the user's scope, newest first, filtered by text, status and year."""
    decisions = Decision.objects.visible_to(user).select_related("issuer", "period__plan", "award_kind")
    if query:
        decisions = decisions.filter(
            Q(summary__icontains=query)
            | Q(signer_name__icontains=query)
            | Q(issuer__name__icontains=query)
            | Q(period__plan__title__icontains=query)
            | (Q(number=int(query.split("/")[0])) if query.split("/")[0].isdigit() else Q(pk__in=[]))
        )
    if status:
        decisions = decisions.filter(status=status)
    if year:
        decisions = decisions.filter(year=year)
    return decisions.annotate(nomination_count=Count("nominations")).order_by("-created_at", "-pk")


def decision_lines(decision: Decision) -> list[dict[str, Any]]:
    """The attached list: as signed for a signed or annulled decision, from its nominations for a draft."""
    if decision.status != Decision.Status.DRAFT:
        return list(decision.awardees)
    rule = reward_rule_on(decision_date(decision))
    amounts = amounts_for(decision.award_kind, rule) if rule else None
    return build_lines(list(decision.nominations.select_related("participant")), amounts)


def split_lines(lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(collectives, individuals) of an attached list."""
    collectives = [line for line in lines if line["kind"] == Participant.Kind.COLLECTIVE]
    individuals = [line for line in lines if line["kind"] != Participant.Kind.COLLECTIVE]
    return collectives, individuals


def awaiting_decision_for(*, user: User) -> list[dict[str, Any]]:
    """Accepted nominations without a decision in the user's scope, grouped by period and award kind."""
    rows = (
        Nomination.objects.visible_to(user)
        .awaiting_decision()
        .values(
            "period",
            "period__name",
            "period__plan",
            "period__plan__title",
            "period__plan__issuer__name",
            "award_kind",
            "award_kind__name",
        )
        .annotate(count=Count("pk"))
        .order_by("period__plan__title", "period__start", "award_kind__name")
    )
    plans = Plan.objects.in_bulk({row["period__plan"] for row in rows})
    return [{**row, "plan": plans[row["period__plan"]]} for row in rows]  # the plan named in full (Plan.full_name)
