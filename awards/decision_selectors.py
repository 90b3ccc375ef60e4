"""Read queries for decision pages and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from awards.models import Decision, Nomination
from awards.reference import reward_rule_on
from awards.wording import amounts_for, build_lines, decision_date
from campaigns.models import Participant, Role, Unit

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
            "period__plan__title",
            "period__plan__issuer__name",
            "award_kind",
            "award_kind__name",
        )
        .annotate(count=Count("pk"))
        .order_by("period__plan__title", "period__start", "award_kind__name")
    )
    return list(rows)


def recipient_users(decision: Decision) -> list[User]:
    """The logins the decision's Nơi nhận names, line by line as the signed text states them: "Như Điều 3" is the
    awarded collectives' accounts and the awarded people who have a login; the leaders' line ("Chủ tịch, các Phó Chủ
    tịch …", "Lãnh đạo …") the issuer's lãnh đạo; "Lưu: VT, …" the issuer's office; a line naming a unit (the Sở or
    Phòng Nội vụ, a department) that unit's accounts, and for a Home Affairs body the nội vụ accounts of the unit it
    belongs to. A line naming nobody with a login (the party committee, HĐND) reaches no one."""
    issuer = decision.issuer
    membership_q = Q(pk__in=[])
    names: set[str] = set()
    for line in decision.recipients:
        text = str(line).strip().rstrip(".;,").strip()
        folded = text.casefold()
        if folded.startswith("như điều 3"):
            nominees = decision.nominations.select_related("participant__person")
            unit_ids = [n.participant.unit_id for n in nominees if n.participant.unit_id]
            membership_q |= Q(memberships__unit_id__in=unit_ids)
            membership_q |= Q(person__in=[n.participant.person_id for n in nominees if n.participant.person_id])
        elif folded.startswith(("chủ tịch", "lãnh đạo")):
            membership_q |= Q(memberships__unit=issuer, memberships__role=Role.LANH_DAO)
        elif folded.startswith("lưu"):
            membership_q |= Q(memberships__unit=issuer, memberships__role__in=[Role.NHAP_LIEU, Role.QUAN_TRI])
        else:
            names.add(text)
    for unit in Unit.objects.filter(name__in=names):
        membership_q |= Q(memberships__unit=unit)
        if unit.is_home_affairs and unit.depth > 1:
            parent_path = unit.path[: (unit.depth - 1) * Unit.steplen]
            membership_q |= Q(memberships__unit__path=parent_path, memberships__role=Role.NOI_VU)
    return list(get_user_model().objects.filter(membership_q, is_active=True).distinct().order_by("pk"))
