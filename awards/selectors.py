"""Read queries for the nominations, council and Home Affairs pages and exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from awards.models import (
    Condition,
    CouncilMeeting,
    CouncilVote,
    Decision,
    DossierFile,
    DossierRequirement,
    Nomination,
    NominationTransition,
    ProposalNote,
)
from campaigns.models import Participant, Period, Plan, Role, Unit, participant_scope_q, scope_q
from scoring.models import Standing

if TYPE_CHECKING:
    from django.contrib.auth.models import User


LIST_ORDER = (
    "period__plan__title",
    "period__order",
    "award_kind__name",
    "quota_rule__group__order",
    "participant__kind",
    "rank",
    "name",
    "pk",
)


@dataclass
class ChecklistItem:
    """One required document of a dossier: the files attached for it, and whether they came late or are overdue."""

    requirement: DossierRequirement
    files: list[DossierFile]
    deadline: dt.date | None
    shared: bool  # one document for the whole submission (tờ trình, biên bản), attached to any of its nominees
    # The council's biên bản (``from_council``): the meeting that voted on this nominee, recorded in the app.
    meeting: CouncilMeeting | None = None

    @property
    def present(self) -> bool:
        return bool(self.files) or self.meeting is not None

    @property
    def not_yet_due(self) -> bool:
        """The council's biên bản before the council has voted on this nominee: not missing, not due yet."""
        return self.requirement.from_council and not self.present

    @property
    def late_files(self) -> list[DossierFile]:
        if self.deadline is None:
            return []
        return [f for f in self.files if timezone.localtime(f.uploaded_at).date() > self.deadline]

    @property
    def is_late(self) -> bool:
        """Attached after the deadline, or still missing with the deadline passed."""
        if self.deadline is None or self.not_yet_due or (self.meeting is not None and not self.files):
            return False
        if not self.files:
            return timezone.localdate() > self.deadline
        return len(self.late_files) == len(self.files)


def submitting_unit(unit: Unit) -> Unit:
    """The unit whose office prepares a nominee's dossier: the nominee's unit, or above a section its commune."""
    if unit.level != "section":
        return unit
    for ancestor in reversed(list(Unit.objects.get_ancestors(unit))):
        if ancestor.level != "section":
            return ancestor
    return unit


def applicable_conditions(nomination: Nomination) -> list[Condition]:
    """The plan's conditions for the nominee's kind (tập thể / cá nhân), in order."""
    return list(
        Condition.objects.filter(plan_id=nomination.period.plan_id)
        .filter(Q(applies_to="both") | Q(applies_to=nomination.participant.kind))
        .order_by("order", "pk")
    )


def applicable_requirements(nomination: Nomination) -> list[DossierRequirement]:
    """The plan's dossier documents for the nominee's kind, in order."""
    return list(
        DossierRequirement.objects.filter(plan_id=nomination.period.plan_id)
        .filter(Q(applies_to="both") | Q(applies_to=nomination.participant.kind))
        .order_by("order", "pk")
    )


def dossier_checklist(*, nomination: Nomination) -> list[ChecklistItem]:
    """The plan's required documents for this nominee, with the files attached (a shared document counts when
    attached to any nomination of the same period prepared by the same office)."""
    requirements = applicable_requirements(nomination)
    own = list(nomination.files.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    office = submitting_unit(nomination.participant.home_unit)
    shared_ids = [r.pk for r in requirements if not r.per_nominee]
    shared = []
    if shared_ids:
        shared = list(
            DossierFile.objects.filter(requirement_id__in=shared_ids, nomination__period_id=nomination.period_id)
            .filter(
                Q(nomination__participant__unit__path__startswith=office.path)
                | Q(nomination__participant__person__unit__path__startswith=office.path)
            )
            .select_related("uploaded_by")
            .order_by("uploaded_at", "pk")
            .distinct()
        )
    meeting = None
    if any(r.from_council for r in requirements):
        vote = (
            CouncilVote.objects.filter(nomination=nomination)
            .select_related("meeting")
            .order_by("-meeting__held_on", "-meeting_id")
            .first()
        )
        meeting = vote.meeting if vote is not None else None
    items = []
    for requirement in requirements:
        if requirement.per_nominee:
            files = [f for f in own if f.requirement_id == requirement.pk]
        else:
            files = [f for f in shared if f.requirement_id == requirement.pk]
        items.append(
            ChecklistItem(
                requirement=requirement,
                files=files,
                deadline=nomination.period.dossier_deadline,
                shared=not requirement.per_nominee,
                meeting=meeting if requirement.from_council else None,
            )
        )
    return items


def periods_for(*, user: User) -> QuerySet[Period]:
    """Periods of the plans the user may see."""
    return (
        Period.objects.filter(plan__in=Plan.objects.visible_to(user))
        .select_related("plan")
        .order_by("-plan__start", "plan__title", "order")
    )


def _filter_nominations(
    nominations: QuerySet[Nomination], *, plan: int | None, period: int | None, status: str, query: str
) -> QuerySet[Nomination]:
    """The filters every nomination list offers: plan, period, status and a search on the names."""
    if plan:
        nominations = nominations.filter(period__plan_id=plan)
    if period:
        nominations = nominations.filter(period_id=period)
    if status:
        nominations = nominations.filter(status=status)
    if query:
        nominations = nominations.filter(Q(name__icontains=query) | Q(unit_name__icontains=query))
    return nominations


def nominations_for(
    *,
    user: User,
    period: Period | None = None,
    plan: int | None = None,
    status: str = "",
    query: str = "",
    period_id: int | None = None,
) -> QuerySet[Nomination]:
    """Nominations the user may see, filtered, with what list pages show (constant query count)."""
    nominations: QuerySet[Nomination] = Nomination.objects.visible_to(user)
    if period is not None:
        nominations = nominations.filter(period=period)
    nominations = _filter_nominations(nominations, plan=plan, period=period_id, status=status, query=query)
    return (
        nominations.select_related("period__plan__issuer", "award_kind", "participant", "quota_rule__group", "decision")
        .annotate(file_count=Count("files", distinct=True))
        .order_by(*LIST_ORDER)
    )


def proposal_notes_for(*, period: Period, user: User) -> QuerySet[ProposalNote]:
    """The engine's reasons for every participant of the period the user may see, rule by rule, in rank order."""
    return (
        ProposalNote.objects.filter(period=period, participant__in=Participant.objects.visible_to(user))
        .select_related("participant", "quota_rule__group", "quota_rule__award_kind")
        .order_by("quota_rule_id", "participant__kind", "-proposed", "rank", "participant__name", "pk")
    )


def nomination_detail(*, user: User) -> QuerySet[Nomination]:
    """The scoped queryset for one nomination's page: everything it shows in a few queries."""
    return (
        Nomination.objects.visible_to(user)
        .select_related(
            "period__plan__issuer",
            "award_kind",
            "quota_rule__group",
            "decision",
            "participant__unit",
            "participant__person__unit",
        )
        .prefetch_related(
            Prefetch("transitions", queryset=NominationTransition.objects.select_related("by").order_by("at", "pk")),
            "condition_checks__by",
            Prefetch("votes", queryset=CouncilVote.objects.select_related("meeting").order_by("meeting__held_on")),
        )
    )


def council_candidates(*, period: Period, user: User) -> QuerySet[Nomination]:
    """Nominations the council can vote on: submitted or appraised."""
    return (
        Nomination.objects.visible_to(user)
        .filter(period=period, status__in=["submitted", "appraised"])
        .select_related("participant", "award_kind")
        .order_by("award_kind__name", "participant__kind", "rank", "name")
    )


def council_meetings_for(*, period: Period) -> QuerySet[CouncilMeeting]:
    """A period's council meetings with their votes, newest first."""
    return (
        CouncilMeeting.objects.filter(period=period)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("votes", queryset=CouncilVote.objects.select_related("nomination").order_by("nomination__name"))
        )
        .order_by("-held_on", "-pk")
    )


# ---------------------------------------------------------------------------------------------------------------
# Home Affairs (nội vụ): everything submitted by the units under it, read-only
# ---------------------------------------------------------------------------------------------------------------


def home_affairs_top_depth(*, user: User) -> int:
    """The depth of the highest unit the user is Nội vụ of (1 when none): the Home Affairs page lists units down to
    one level below it."""
    depths = list(user.memberships.filter(role=Role.NOI_VU).values_list("unit__depth", flat=True))
    return min(depths) if depths else 1


def home_affairs_units(*, user: User) -> QuerySet[Unit]:
    """The units under the user's nội vụ memberships (every unit for a superuser)."""
    return Unit.objects.in_scope_of(user, roles=(Role.NOI_VU,))


def home_affairs_plans(*, user: User, plan: int | None = None, status: str = "", query: str = "") -> QuerySet[Plan]:
    """Plans issued in, or joined by units of, the Home Affairs subtree."""
    plans = Plan.objects.filter(
        scope_q(
            user,
            ["issuer", "participants__unit", "participants__person__unit"],
            plan_start="start",
            roles=(Role.NOI_VU,),
        )
    ).distinct()
    if plan:
        plans = plans.filter(pk=plan)
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(issuer__name__icontains=query))
    return (
        plans.select_related("issuer")
        .annotate(
            period_count=Count("periods", distinct=True), nomination_count=Count("periods__nominations", distinct=True)
        )
        .order_by("-start", "title", "pk")
    )


def _in_home_affairs_scope(user: User, prefix: str = "participant__") -> Q:
    """Rows under the user's nội vụ memberships, of periods within their time (campaigns.models.scope_q)."""
    return participant_scope_q(user, prefix=prefix, roles=(Role.NOI_VU,))


def home_affairs_nominations(
    *, user: User, plan: int | None = None, period: int | None = None, status: str = "", query: str = ""
) -> QuerySet[Nomination]:
    """Nominations with their dossiers from the units under the Home Affairs office."""
    nominations = _filter_nominations(
        Nomination.objects.filter(_in_home_affairs_scope(user)), plan=plan, period=period, status=status, query=query
    )
    return (
        nominations.select_related("period__plan__issuer", "award_kind", "participant", "decision")
        .prefetch_related(
            Prefetch("files", queryset=DossierFile.objects.select_related("requirement").order_by("uploaded_at", "pk"))
        )
        .order_by(*LIST_ORDER)
    )


def home_affairs_standings(
    *, user: User, plan: int | None = None, period: int | None = None, query: str = ""
) -> QuerySet[Standing]:
    """Standings of the participants under the Home Affairs office."""
    standings = Standing.objects.filter(_in_home_affairs_scope(user))
    if plan:
        standings = standings.filter(period__plan_id=plan)
    if period:
        standings = standings.filter(period_id=period)
    if query:
        standings = standings.filter(participant__name__icontains=query)
    return standings.select_related("period__plan", "participant", "group").order_by(
        "period__plan__title", "period__order", "group__order", "rank", "participant__name", "pk"
    )


def home_affairs_decisions(
    *, user: User, plan: int | None = None, period: int | None = None, status: str = "", query: str = ""
) -> QuerySet[Decision]:
    """Decisions issued by units under the Home Affairs office, or for plans in its subtree."""
    in_time = scope_q(user, ["issuer", "period__plan__issuer"], period_end="period__end", roles=(Role.NOI_VU,))
    decisions = Decision.objects.filter(in_time)
    if plan:
        decisions = decisions.filter(period__plan_id=plan)
    if period:
        decisions = decisions.filter(period_id=period)
    if status:
        decisions = decisions.filter(status=status)
    if query:
        decisions = decisions.filter(Q(summary__icontains=query) | Q(issuer__name__icontains=query))
    return (
        decisions.select_related("issuer", "period__plan", "award_kind")
        .annotate(nomination_count=Count("nominations", distinct=True))
        .order_by("-year", "-number", "-created_at", "pk")
    )


def home_affairs_filter_choices(*, user: User) -> dict[str, Any]:
    """Plans and periods to filter by."""
    plans = list(home_affairs_plans(user=user).values_list("pk", "title"))
    periods = list(
        Period.objects.filter(plan_id__in=[pk for pk, _ in plans])
        .select_related("plan")
        .order_by("plan__title", "order")
    )
    return {"plans": plans, "periods": periods}
