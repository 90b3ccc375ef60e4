"""Read queries of data entry: which indicators a participant reports, a window's grid, the office dashboard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from campaigns.models import Participant, Period, Plan
from scoring.models import Criterion, Indicator, Reading
from scoring.windows import Window, windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def periods_for_entry(*, user: User, query: str = "") -> QuerySet[Period]:
    """Periods of the plans the user may see, open ones first, newest first."""
    periods = Period.objects.filter(plan__in=Plan.objects.visible_to(user)).select_related("plan", "plan__issuer")
    if query:
        periods = periods.filter(Q(name__icontains=query) | Q(plan__title__icontains=query))
    return periods.order_by("status", "-start", "plan__title")


def periods_visible_to(*, user: User) -> QuerySet[Period]:
    """Periods in the user's scope (a Period has no unit of its own: its plan's visibility decides)."""
    return Period.objects.filter(plan__in=Plan.objects.visible_to(user)).select_related("plan", "plan__issuer")


def plan_criteria(plan: Plan) -> list[Criterion]:
    """The plan's criteria in plan order, with their indicators."""
    return list(Criterion.objects.filter(plan=plan).select_related("indicator").order_by("order", "pk"))


def indicators_for_kind(criteria: list[Criterion], kind: str) -> list[Indicator]:
    """Distinct indicators read by the criteria applying to a participant kind, in order of first criterion."""
    seen: dict[int, Indicator] = {}
    for criterion in criteria:
        if criterion.applies_to_kind(kind) and criterion.indicator_id not in seen:
            seen[criterion.indicator_id] = criterion.indicator
    return list(seen.values())


def expected_indicators(*, participant: Participant, plan: Plan | None = None) -> list[Indicator]:
    """The indicators this participant must report every window."""
    return indicators_for_kind(plan_criteria(plan or participant.plan), participant.kind)


def figures_present(kind: str, numerator: object, denominator: object, value: object) -> bool:
    """Figures of an indicator of ``kind`` count as present when filled (zero is a value, not a gap): a rate needs
    both its parts, any other kind its value."""
    if kind == Indicator.Kind.RATE:
        return numerator is not None and denominator is not None
    return value is not None


def is_present(reading: Reading) -> bool:
    """A reading counts as present when its figures are filled (``figures_present``)."""
    return figures_present(reading.indicator.kind, reading.numerator, reading.denominator, reading.value)


@dataclass
class GridRow:
    """One row of the entry grid: an indicator, the criteria reading it, this window's reading and the previous one."""

    indicator: Indicator
    criteria: list[Criterion]
    reading: Reading | None
    previous: Reading | None
    history: list[Reading] = field(default_factory=list)  # earlier windows, most recent first


def grid_rows(*, participant: Participant, period: Period, window: Window) -> list[GridRow]:
    """The rows of the grid for one participant and window, with a constant number of queries."""
    criteria = [c for c in plan_criteria(period.plan) if c.applies_to_kind(participant.kind)]
    by_indicator: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        by_indicator[criterion.indicator_id].append(criterion)
    # Every window up to this one (the earlier ones feed the "previous" column and the warnings). The indicator is
    # the one already read with the criteria, attached in Python rather than joined again on every row.
    readings = Reading.objects.filter(
        participant=participant, indicator_id__in=by_indicator.keys(), window_start__lte=window.start
    ).order_by("-window_start")
    current: dict[int, Reading] = {}
    earlier: dict[int, list[Reading]] = defaultdict(list)
    for reading in readings:
        reading.indicator = by_indicator[reading.indicator_id][0].indicator
        if reading.window_start == window.start:
            current[reading.indicator_id] = reading
        else:
            earlier[reading.indicator_id].append(reading)
    return [
        GridRow(
            indicator=group[0].indicator,
            criteria=group,
            reading=current.get(indicator_id),
            previous=earlier[indicator_id][0] if earlier[indicator_id] else None,
            history=earlier[indicator_id],
        )
        for indicator_id, group in by_indicator.items()
    ]


def previous_readings(
    *, participant: Participant, indicator: Indicator, before: dt.date, limit: int = 6
) -> list[Reading]:
    """The participant's readings of this indicator in earlier windows, most recent first."""
    return list(
        Reading.objects.filter(participant=participant, indicator=indicator, window_start__lt=before).order_by(
            "-window_start"
        )[:limit]
    )


@dataclass
class DashboardCell:
    """Counts of one participant's window: expected readings missing, in draft, submitted (or locked)."""

    window: Window
    expected: int
    draft: int = 0
    submitted: int = 0
    locked: int = 0

    @property
    def present(self) -> int:
        return self.draft + self.submitted + self.locked

    @property
    def missing(self) -> int:
        return max(self.expected - self.present, 0)

    @property
    def state(self) -> str:
        if self.locked:
            return "locked"
        if self.submitted and not self.draft and not self.missing:
            return "submitted"
        if self.present == 0:
            return "empty"
        return "missing" if self.missing else "complete"


def dashboard_participants(*, user: User, period: Period, query: str = "") -> QuerySet[Participant]:
    """Participants of the period's plan in the user's scope, searchable by name or unit."""
    participants = Participant.objects.visible_to(user).filter(plan=period.plan).select_related("group")
    if query:
        participants = participants.filter(Q(name__icontains=query) | Q(unit_name__icontains=query))
    return participants.order_by("group__order", "kind", "name", "pk")


def dashboard_cells(*, period: Period, participants: list[Participant]) -> dict[int, list[DashboardCell]]:
    """For each participant of a page, one cell per window of the period (two queries whatever the page size)."""
    windows = windows_for(period)
    criteria = plan_criteria(period.plan)
    expected_ids = {
        kind: {indicator.pk for indicator in indicators_for_kind(criteria, kind)} for kind in Participant.Kind.values
    }
    present_q = Q(indicator__kind=Indicator.Kind.RATE, numerator__isnull=False, denominator__isnull=False) | (
        ~Q(indicator__kind=Indicator.Kind.RATE) & Q(value__isnull=False)
    )
    counts = (
        Reading.objects.filter(period=period, participant__in=participants)
        .filter(present_q)
        .values("participant_id", "participant__kind", "indicator_id", "window_start", "status")
        .annotate(n=Count("pk"))
    )
    tallies: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        if row["indicator_id"] in expected_ids[row["participant__kind"]]:
            tallies[(row["participant_id"], row["window_start"])][row["status"]] += row["n"]
    closed = period.status != Period.Status.OPEN  # a closed period's readings are all locked, whatever their status
    result: dict[int, list[DashboardCell]] = {}
    for participant in participants:
        cells = []
        for window in windows:
            tally = tallies.get((participant.pk, window.start), {})
            draft, submitted = tally.get("draft", 0), tally.get("submitted", 0)
            if closed:
                cells.append(
                    DashboardCell(window=window, expected=len(expected_ids[participant.kind]), locked=draft + submitted)
                )
            else:
                cells.append(
                    DashboardCell(
                        window=window, expected=len(expected_ids[participant.kind]), draft=draft, submitted=submitted
                    )
                )
        result[participant.pk] = cells
    return result
