"""Read queries for the standings pages, the drill-down, the charts and the exports (scoped by the caller's user)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Avg, Count, Exists, F, Field, OuterRef, Q, QuerySet, Sum

from campaigns.models import Group, Participant, Period, Plan, Unit
from scoring import ranking, rules
from scoring.models import Criterion, FrozenCriteria, Indicator, Reading, RecomputeRequest, Score, Standing
from scoring.ranking import relative_criteria_of
from scoring.services.scores import criterion_spec
from scoring.windows import Window, windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLOUR_CLASSES = {rules.MET: "score-met", rules.CLOSE: "score-close", rules.FAR: "score-far", "": ""}


def periods_for(*, user: User) -> QuerySet[Period]:
    """Periods of the plans the user may see, newest plan first."""
    return (
        Period.objects.filter(plan__in=Plan.objects.visible_to(user))
        .select_related("plan", "plan__issuer")
        .order_by("-plan__start", "plan__title", "start")
    )


def participants_for(*, user: User, period: Period) -> QuerySet[Participant]:
    """Participants of the period's plan that the user may see."""
    return Participant.objects.visible_to(user).filter(plan_id=period.plan_id)


class RankedStandings:
    """A period's standings the user may see, in display order (group, kind, rank, then the Vietnamese name order
    among equals), each with its rank, đồng hạng, total and ratio as they are at this moment and the size of its
    list ("/M"). An open period is ranked by scoring.ranking (one query with window functions over the whole lists,
    then the visible rows of the page loaded with participant and group); a closed period reads its frozen rows.
    Works as a Paginator's object list: a constant number of queries whatever the number of standings."""

    def __init__(self, *, period: Period, visible: QuerySet[Standing], group: Group | None, kind: str | None) -> None:
        self.period, self.visible, self.group, self.kind = period, visible, group, kind
        self._rows: list[ranking.RankedRow] | None = None

    def rows(self) -> list[ranking.RankedRow]:
        """The ranked rows the user may see, in display order (two queries, cached)."""
        if self._rows is None:
            group_id = self.group.pk if self.group is not None else None
            if self.period.status == Period.Status.CLOSED:
                ranked = _frozen_rows(self.period, group_id, self.kind)
            else:
                ranked = ranking.ranked_rows(
                    period_id=self.period.pk, plan_id=self.period.plan_id, group_id=group_id, kind=self.kind
                )
            visible = set(self.visible.values_list("pk", flat=True))
            order = dict(Group.objects.filter(plan_id=self.period.plan_id).values_list("pk", "order"))
            kinds = {kind: index for index, kind in enumerate(Participant.Kind.values)}
            self._rows = sorted(
                (row for row in ranked if row.id in visible),
                key=lambda row: (
                    row.group_id is None,
                    order.get(row.group_id or 0, 0),
                    row.group_id or 0,
                    kinds.get(row.kind, 9),
                    row.position,
                ),
            )
        return self._rows

    def count(self) -> int:
        return len(self.rows())

    __len__ = count

    def __iter__(self) -> Iterator[Standing]:
        rows = self.rows()
        for start in range(0, len(rows), 2000):
            yield from self._load(rows[start : start + 2000])

    @overload
    def __getitem__(self, key: int) -> Standing: ...

    @overload
    def __getitem__(self, key: slice) -> list[Standing]: ...

    def __getitem__(self, key: slice | int) -> list[Standing] | Standing:
        if isinstance(key, int):
            return self._load(self.rows()[key : key + 1])[0]
        return self._load(self.rows()[key])

    def _load(self, rows: list[ranking.RankedRow]) -> list[Standing]:
        loaded = Standing.objects.select_related("participant", "group").in_bulk([row.id for row in rows])
        standings = []
        for row in rows:
            standing = loaded[row.id]
            standing.rank, standing.tied, standing.position = row.rank, row.tied, row.position
            standing.total_points, standing.ratio, standing.list_size = row.total_points, row.ratio, row.size
            standings.append(standing)
        return standings


def _frozen_rows(period: Period, group_id: int | None, kind: str | None) -> list[ranking.RankedRow]:
    """A closed period's rows as frozen (ranks, totals and relative points were stored when it closed)."""
    standings = Standing.objects.filter(period=period)
    if group_id is not None:
        standings = standings.filter(group_id=group_id)
    if kind is not None:
        standings = standings.filter(kind=kind)
    rows = list(
        standings.values_list(
            "pk", "participant_id", "group_id", "kind", "total_points", "ratio", "rank", "tied", "position"
        )
    )
    sizes: dict[tuple[int | None, str], int] = defaultdict(int)
    for row in rows:
        sizes[(row[2], row[3])] += 1
    return [
        ranking.RankedRow(
            pk,
            participant_id,
            group,
            kind,
            int(total * 100),
            int(ratio * 100),
            rank or 0,
            tied,
            position,
            sizes[(group, kind)],
            (),
        )
        for pk, participant_id, group, kind, total, ratio, rank, tied, position in rows
    ]


def standings_for(
    *,
    period: Period,
    group: Group | None = None,
    user: User | None = None,
    query: str = "",
    kind: str | None = None,
) -> RankedStandings:
    """Standings of a period in display order with their ranks as they are now (see RankedStandings). A ranking
    list is one (group, kind): collectives and individuals are never interleaved, and a rank is always within it."""
    standings = Standing.objects.filter(period=period)
    if user is not None:
        standings = standings.visible_to(user)
    if group is not None:
        standings = standings.filter(group=group)
    if kind is not None:
        standings = standings.filter(kind=kind)
    if query:
        standings = standings.filter(Q(name__icontains=query) | Q(participant__unit_name__icontains=query))
    return RankedStandings(period=period, visible=standings, group=group, kind=kind)


def with_live_ranks(standings: list[Standing], *, closed_sizes: bool = False) -> list[Standing]:
    """Standings of any periods (a page of a cross-period list) with the rank, totals and list size of open periods
    as they are now: one ranking query per list (period, group, kind) on the page; closed periods keep the rank and
    totals frozen when they closed, and with ``closed_sizes`` (a page printing "N/M") their list's size too (one
    query per closed list, read as standings_for reads a closed period)."""
    lists: dict[tuple[int, int, int | None, str], list[Standing]] = defaultdict(list)
    closed: dict[tuple[int, int | None, str], list[Standing]] = defaultdict(list)
    for standing in standings:
        if standing.period.status != Period.Status.CLOSED:
            lists[(standing.period_id, standing.period.plan_id, standing.group_id, standing.kind)].append(standing)
        elif closed_sizes:
            closed[(standing.period_id, standing.group_id, standing.kind)].append(standing)
    for (_period_id, group_id, kind), members in closed.items():
        frozen = {row.id: row for row in _frozen_rows(members[0].period, group_id, kind)}
        for standing in members:
            standing.list_size = frozen[standing.pk].size
    for (period_id, plan_id, group_id, kind), members in lists.items():
        ranked = {
            row.id: row
            for row in ranking.ranked_rows(period_id=period_id, plan_id=plan_id, group_id=group_id, kind=kind)
        }
        for standing in members:
            row = ranked[standing.pk]
            standing.rank, standing.tied, standing.position = row.rank, row.tied, row.position
            standing.total_points, standing.ratio, standing.list_size = row.total_points, row.ratio, row.size
    return standings


def standing_of(*, period: Period, participant: Participant) -> Standing | None:
    """One participant's standing with its rank in its list as it is now (the drill-down, the data-entry page)."""
    standings = standings_for(period=period, group=participant.group, kind=participant.kind)
    standings.visible = standings.visible.filter(participant=participant)
    found = standings[:]
    return found[0] if found else None


def _successors_in(period: Period) -> dict[int, int]:
    """Units the period's collectives succeeded (merged into them, one or two mergers back, as a unit's scope
    reaches), each mapped to the unit of this period's list that carries its history."""
    in_list = Participant.objects.filter(plan_id=period.plan_id, kind=Participant.Kind.COLLECTIVE, unit__isnull=False)
    units = in_list.values("unit_id")
    merged = Unit.objects.filter(Q(successor_id__in=units) | Q(successor__successor_id__in=units)).values_list(
        "pk", "successor_id", "successor__successor_id"
    )
    listed = set(in_list.values_list("unit_id", flat=True))
    carriers: dict[int, int] = {}
    for pk, successor, twice in merged:
        carrier = successor if successor in listed else twice
        if carrier is not None:
            carriers[pk] = carrier
    return carriers


def has_merged_history(*, period: Period) -> bool:
    """Whether a collective of the period succeeded merged units (the standings page then offers the roll-up)."""
    return bool(_successors_in(period))


def merged_history(*, period: Period, user: User) -> dict[int, list[Standing]]:
    """ "Gộp lịch sử các đơn vị trước sáp nhập": for each unit of the period's collectives that succeeded merged units,
    the standings those units had in earlier periods the user may see, oldest first, keyed by the successor's unit id.
    Each row keeps the old name it was ranked under and the rank it had in its own list then (with_live_ranks: the
    stored rank of a closed period, the live one of an open period); nothing is re-ranked into this period's list."""
    successor_of = _successors_in(period)
    if not successor_of:
        return {}
    standings = (
        Standing.objects.visible_to(user)
        .filter(participant__unit_id__in=successor_of, kind=Participant.Kind.COLLECTIVE, period__start__lt=period.start)
        .exclude(period=period)
        .select_related("period__plan", "participant", "group")
    )
    ranked = with_live_ranks(list(standings), closed_sizes=True)
    ranked.sort(key=lambda row: (row.period.start, row.period_id, row.position or 0, row.pk))  # each list's order
    history: dict[int, list[Standing]] = defaultdict(list)
    for standing in ranked:
        unit_id = standing.participant.unit_id
        if unit_id is not None:
            history[successor_of[unit_id]].append(standing)
    return dict(history)


KIND_SLUGS = {"tap-the": Participant.Kind.COLLECTIVE, "ca-nhan": Participant.Kind.INDIVIDUAL}


def standing_kinds(*, period: Period) -> list[str]:
    """The participant kinds ranked in the period (collectives first): one switch tab each."""
    present = set(Standing.objects.filter(period=period).values_list("kind", flat=True).distinct())
    return [kind for kind in Participant.Kind.values if kind in present]


def standing_colour(standing: Standing) -> str:
    """CSS class of a standing row: score-met / score-close / score-far (see docs/scoring.md § 6)."""
    return COLOUR_CLASSES[rules.standing_colour(standing.ratio, standing.targets_met, standing.criteria_applicable)]


def recompute_pending(*, plan: Plan) -> bool:
    """Whether a recompute of the plan was asked for and has not finished ("đang tính lại")."""
    return RecomputeRequest.objects.filter(plan=plan, finished_at__isnull=True).exists()


def groups_of(*, period: Period) -> list[Group]:
    """The plan's groups in order."""
    return list(Group.objects.filter(plan_id=period.plan_id).order_by("order", "name"))


# ---------------------------------------------------------------------------------------------------------------
# Drill-down


def window_value(kind: str, reading: Reading | None) -> Decimal | None:
    """A single window's figure: the rate in percent, the count, or 1/0."""
    if reading is None:
        return None
    if kind == rules.RATE:
        if reading.denominator is None or reading.numerator is None or reading.denominator == 0:
            return None
        return rules.round4(Decimal(reading.numerator) * 100 / Decimal(reading.denominator))
    return reading.value


@dataclass
class WindowCell:
    """One window of one criterion in the drill-down."""

    window: Window
    reading: Reading | None
    text: str
    value: Decimal | None


@dataclass
class CriterionRow:
    """One criterion in the drill-down: its score, period value, colour and readings by window."""

    criterion: Criterion
    spec: rules.CriterionSpec
    score: Score | None
    value_text: str
    target_text: str
    colour: str
    cells: list[WindowCell] = field(default_factory=list)
    explanation: str = ""


@dataclass
class Breakdown:
    """Everything the drill-down shows for one participant and period."""

    participant: Participant
    period: Period
    standing: Standing | None
    windows: list[Window]
    rows: list[CriterionRow]


def _cell_text(spec: rules.CriterionSpec, reading: Reading | None) -> str:
    if reading is None:
        return "—"
    if spec.kind == rules.RATE:
        if reading.denominator == 0:
            return "0/0"
        value = window_value(spec.kind, reading)
        return f"{reading.numerator}/{reading.denominator} = {rules.format_value(spec, value)}"
    return rules.format_value(spec, reading.value)


def _score_colour(spec: rules.CriterionSpec, score: Score | None) -> str:
    if score is None:
        return ""
    result = rules.CriterionResult(
        criterion_id=spec.id,
        order=spec.order,
        max_points=spec.max_points,
        period=rules.PeriodValue(score.value, score.numerator_total, score.denominator_total),
        points=score.points,
        applicable=score.applicable,
        met=score.target_met,
    )
    return COLOUR_CLASSES[rules.scorecard(spec, result)]


def scored_specs(period: Period, criteria: list[Criterion]) -> dict[int, rules.CriterionSpec]:
    """The rules each criterion was scored by: as frozen when the period closed, the plan's current ones otherwise
    (an open period is recomputed whenever its criteria change)."""
    specs = {criterion.pk: criterion_spec(criterion) for criterion in criteria}
    frozen = FrozenCriteria.objects.filter(period=period).values_list("specs", flat=True).first()
    for data in frozen or []:
        if data["id"] in specs:
            specs[data["id"]] = rules.spec_from_dict(data)
    return specs


def explain_scores(
    *, period: Period, participant: Participant, scores: dict[int, Score], specs: dict[int, rules.CriterionSpec]
) -> dict[int, str]:
    """The "vì sao" sentence of each stored score of the participant (built here, not stored). A relative criterion
    of an open period is scored here against the best of the participant's list (group and kind) as it is now (one
    query for all of them), and its Score's points are set to that; a closed period keeps its frozen points."""
    relative = [criterion_id for criterion_id in scores if specs[criterion_id].rule == rules.RELATIVE]
    bests: dict[int, Fraction | None] = {}
    if relative:
        members = Score.objects.filter(
            period=period,
            criterion_id__in=relative,
            participant__plan_id=period.plan_id,
            participant__kind=participant.kind,
            applicable=True,
        )
        members = (
            members.filter(participant__group_id=participant.group_id)
            if participant.group_id is not None
            else members.filter(participant__group__isnull=True)
        )
        values: dict[int, list[Fraction | Decimal | None]] = defaultdict(list)
        for criterion_id, value, numerator, denominator in members.values_list(
            "criterion_id", "value", "numerator_total", "denominator_total"
        ):
            values[criterion_id].append(
                rules.stored_period_value(specs[criterion_id], value, numerator, denominator).figure
            )
        for criterion_id in relative:
            bests[criterion_id] = rules.best_value(specs[criterion_id].direction, values[criterion_id])
            score = scores[criterion_id]
            if period.status != Period.Status.CLOSED and score.applicable:
                stored = rules.stored_period_value(
                    specs[criterion_id], score.value, score.numerator_total, score.denominator_total
                )
                if stored.figure is not None:
                    score.points = rules.score_criterion(
                        specs[criterion_id], stored, best=bests[criterion_id], with_explanation=False
                    ).points
    return {
        criterion_id: rules.explain_stored(
            specs[criterion_id],
            value=score.value,
            numerator_total=score.numerator_total,
            denominator_total=score.denominator_total,
            points=score.points,
            applicable=score.applicable,
            met=score.target_met,
            windows_expected=score.windows_expected,
            windows_present=score.windows_present,
            best=bests.get(criterion_id),
        )
        for criterion_id, score in scores.items()
    }


def participant_breakdown(*, participant: Participant, period: Period) -> Breakdown:
    """The participant's criteria with their period values, points, "vì sao" and readings by window (6 queries)."""
    criteria = [
        c
        for c in Criterion.objects.filter(plan_id=period.plan_id).select_related("indicator").order_by("order", "pk")
        if c.applies_to_kind(participant.kind)
    ]
    specs = scored_specs(period, criteria)
    scores = {
        s.criterion_id: s
        for s in Score.objects.filter(period=period, participant=participant)
        if s.criterion_id in specs
    }
    explanations = explain_scores(period=period, participant=participant, scores=scores, specs=specs)
    readings = {
        (r.indicator_id, r.window_start): r
        for r in Reading.objects.filter(period=period, participant=participant).select_related("entered_by")
    }
    standing = standing_of(period=period, participant=participant)
    windows = windows_for(period)
    rows = []
    for criterion in criteria:
        spec = specs[criterion.pk]
        score = scores.get(criterion.pk)
        cells = []
        for window in windows:
            reading = readings.get((criterion.indicator_id, window.start))
            cells.append(WindowCell(window, reading, _cell_text(spec, reading), window_value(spec.kind, reading)))
        if score is None:
            value_text = "—"
        elif score.denominator_total == 0 and score.value is None and spec.kind == rules.RATE:
            value_text = "0/0"
        else:
            value_text = rules.format_value(spec, score.value)
        target_text = (
            f"{rules.SIGNS.get(spec.comparison, '')} {rules.format_value(spec, spec.target)}"
            if spec.target is not None
            else "Không có chỉ tiêu (so với cao nhất trong khối)"
        )
        rows.append(
            CriterionRow(
                criterion,
                spec,
                score,
                value_text,
                target_text,
                _score_colour(spec, score),
                cells,
                explanations.get(criterion.pk, ""),
            )
        )
    return Breakdown(participant, period, standing, windows, rows)


# ---------------------------------------------------------------------------------------------------------------
# Charts: plain dicts handed to json_script and drawn by static/js/charts.js


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


YES = "Có"


def participant_chart_data(*, breakdown: Breakdown) -> list[dict[str, Any]]:
    """One line chart per criterion: the participant's value in each window against the target. A yes/no criterion
    is a bar per window answering "Có" (1), on a whole-number axis: no "0,6" between yes and no."""
    labels = [w.label for w in breakdown.windows]
    charts = []
    for row in breakdown.rows:
        if row.spec.kind == rules.BOOLEAN:
            charts.append(
                {
                    "title": f"{row.criterion.order}. {row.criterion.name}",
                    "type": "bar",
                    "labels": labels,
                    "unit": "",
                    "integer": True,
                    "datasets": [{"label": f"Trả lời “{YES}”", "data": [_number(c.value) for c in row.cells]}],
                }
            )
            continue
        charts.append(
            {
                "title": f"{row.criterion.order}. {row.criterion.name}",
                "type": "line",
                "labels": labels,
                "unit": "%" if row.spec.kind == rules.RATE else row.spec.unit_label,
                "datasets": [
                    {"label": str(breakdown.participant), "data": [_number(c.value) for c in row.cells]},
                    {"label": "Chỉ tiêu", "data": [_number(row.spec.target)] * len(labels), "dashed": True},
                ],
            }
        )
    return charts


def plan_chart_data(*, period: Period, user: User, group: Group | None = None) -> list[dict[str, Any]]:
    """One line chart per criterion for the whole plan (participants the user may see): per window, the rate pooled
    over participants or the average count against the target; for a yes/no criterion, how many answered "Có" beside
    how many answered at all (counts on a whole-number axis, not a share between 0 and 1). One aggregate query."""
    criteria = list(Criterion.objects.filter(plan_id=period.plan_id).select_related("indicator").order_by("order"))
    participants = participants_for(user=user, period=period)
    if group is not None:
        participants = participants.filter(group=group)
    aggregates = (
        Reading.objects.filter(period=period, participant__in=participants)
        .values("indicator_id", "window_start")
        .annotate(
            numerators=Sum("numerator"),
            denominators=Sum("denominator"),
            average=Avg("value"),
            count=Count("id"),
            yes=Count("id", filter=Q(value=1)),
            answered=Count("id", filter=Q(value__isnull=False)),
        )
    )
    by_key = {(a["indicator_id"], a["window_start"]): a for a in aggregates}
    windows = windows_for(period)
    labels = [w.label for w in windows]
    charts = []
    for criterion in criteria:
        spec = criterion_spec(criterion)
        if spec.kind == rules.BOOLEAN:
            answers = [by_key.get((criterion.indicator_id, window.start)) for window in windows]
            charts.append(
                {
                    "title": f"{criterion.order}. {criterion.name}",
                    "type": "bar",
                    "labels": labels,
                    "unit": "",
                    "integer": True,
                    "datasets": [
                        {"label": f"Số trả lời “{YES}”", "data": [row["yes"] if row else None for row in answers]},
                        {"label": "Số đã trả lời", "data": [row["answered"] if row else None for row in answers]},
                    ],
                }
            )
            continue
        data: list[float | None] = []
        for window in windows:
            row = by_key.get((criterion.indicator_id, window.start))
            if row is None:
                data.append(None)
            elif spec.kind == rules.RATE:
                data.append(
                    _number(Decimal(row["numerators"] or 0) * 100 / Decimal(row["denominators"]))
                    if row["denominators"]
                    else None
                )
            else:
                data.append(_number(Decimal(str(row["average"]))) if row["average"] is not None else None)
        charts.append(
            {
                "title": f"{criterion.order}. {criterion.name}",
                "type": "line",
                "labels": labels,
                "unit": "%" if spec.kind == rules.RATE else spec.unit_label,
                "datasets": [
                    {"label": "Toàn kế hoạch" if group is None else str(group), "data": data},
                    {"label": "Chỉ tiêu", "data": [_number(spec.target)] * len(labels), "dashed": True},
                ],
            }
        )
    return charts


def period_comparison(*, plan: Plan, user: User, participant: Participant | None = None) -> dict[str, Any]:
    """A bar chart comparing the plan's periods: per criterion, the share of its maximum earned on average (%), over
    the participants the user may see (or one participant). One aggregate query."""
    criteria = list(Criterion.objects.filter(plan=plan).order_by("order"))
    periods = list(Period.objects.filter(plan=plan).order_by("start"))
    scores = Score.objects.filter(period__plan=plan, applicable=True)
    if participant is not None:
        scores = scores.filter(participant=participant)
    else:
        scores = scores.filter(participant__in=Participant.objects.visible_to(user).filter(plan=plan))
    averages = {
        (row["period_id"], row["criterion_id"]): row["average"]
        for row in scores.values("period_id", "criterion_id").annotate(average=Avg("points"))
    }
    datasets = []
    for period in periods:
        data: list[float | None] = []
        for criterion in criteria:
            average = averages.get((period.pk, criterion.pk))
            if average is None or not criterion.max_points:
                data.append(None)
            else:
                data.append(_number(Decimal(str(average)) * 100 / criterion.max_points))
        datasets.append({"label": period.name, "data": data})
    return {
        "title": "So sánh các đợt: tỷ lệ điểm đạt được theo tiêu chí",
        "type": "bar",
        "labels": [f"{c.order}. {c.name[:40]}" for c in criteria],
        "unit": "%",
        "datasets": datasets,
    }


def period_summaries(*, plan: Plan, user: User) -> list[dict[str, Any]]:
    """Per period: how many standings the user sees, their average ratio and how many are complete."""
    standings = Standing.objects.filter(period__plan=plan).visible_to(user)
    rows = {
        row["period_id"]: row
        for row in standings.values("period_id").annotate(
            count=Count("id"),
            average=Avg("ratio"),
            complete=Count("id", filter=Q(readings_present__gte=F("readings_expected"))),
        )
    }
    result = []
    for period in Period.objects.filter(plan=plan).order_by("start"):
        row = rows.get(period.pk, {})
        average = row.get("average")
        if row and relative_criteria_of(plan.pk) and period.status != Period.Status.CLOSED:
            # Relative points depend on the list's best: the ratios as they are now (one ranking query).
            visible = set(standings.filter(period=period).values_list("pk", flat=True))
            ratios = [r.ratio for r in ranking.ranked_rows(period_id=period.pk, plan_id=plan.pk) if r.id in visible]
            average = sum(ratios) / len(ratios) if ratios else None
        result.append(
            {
                "period": period,
                "count": row.get("count", 0),
                "average": average,
                "complete": row.get("complete", 0),
            }
        )
    return result


# ---------------------------------------------------------------------------------------------------------------
# Exports


class ExportParticipant(NamedTuple):
    """A participant as the readings export shows it."""

    id: int
    name: str
    unit_name: str
    kind: str
    group_id: int | None


class ExportIndicator(NamedTuple):
    """An indicator as the readings export needs it: what it is called and how its period value is made."""

    id: int
    name: str
    kind: str
    accumulation: str
    unit_label: str


class ExportReading(NamedTuple):
    """One reading as plain values, read without model instances (3 million of them at national scale). The stream
    yields plain tuples in this order (a named tuple per reading costs a second at that scale); this names them."""

    participant_id: int
    indicator_id: int
    window_start: dt.date
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    status: str
    entered_by_id: int | None
    note: str


@dataclass
class ReadingExport:
    """What the readings export of a period needs: the participants the user may see in display order, the indicators
    each must report, the names of the people who entered, and the readings as a stream in the participants' order."""

    period: Period
    windows: list[Window]
    groups: dict[int, Group]
    participants: list[ExportParticipant]
    indicators: dict[int, ExportIndicator]
    expected: dict[str, list[int]]  # participant kind → indicator ids, in the order of the plan's criteria
    people: dict[int, str]
    readings: Iterator[tuple[Any, ...]]  # in ExportReading's field order


READING_EXPORT_COLUMNS = (
    "participant_id",
    "indicator_id",
    "window_start",
    "numerator",
    "denominator",
    "value",
    "status",
    "entered_by_id",
    "note",
)
READING_EXPORT_CHUNK = 5000


def readings_for_export(*, period: Period, user: User) -> ReadingExport:
    """The period's readings the user may see, for the Excel export: a handful of queries whatever the number of
    participants, the readings streamed as plain tuples (never model instances) in the participants' display order:
    group, then the Vietnamese name order of rules.vi_sort_key (the standings' order, the same on every database)."""
    groups = {group.pk: group for group in Group.objects.filter(plan_id=period.plan_id)}
    participants = [
        ExportParticipant(*row)
        for row in participants_for(user=user, period=period).values_list("id", "name", "unit_name", "kind", "group_id")
    ]

    def position(participant: ExportParticipant) -> tuple[tuple[int, int, str, int], tuple[Any, ...], int]:
        group = groups.get(participant.group_id) if participant.group_id is not None else None
        return (
            (0, group.order, group.name, group.pk) if group else (1, 0, "", 0),
            rules.vi_sort_key(participant.name),
            participant.id,
        )

    participants.sort(key=position)
    criteria = list(Criterion.objects.filter(plan_id=period.plan_id).order_by("order", "pk"))
    expected: dict[str, list[int]] = {}
    for kind in Participant.Kind.values:
        expected[kind] = list(dict.fromkeys(c.indicator_id for c in criteria if c.applies_to_kind(kind)))
    # The whole catalogue (a few hundred rows): a reading of an indicator no criterion reads any more still shows.
    indicators = {
        row[0]: ExportIndicator(*row)
        for row in Indicator.objects.values_list("id", "name", "kind", "accumulation", "unit_label")
    }
    people = {
        pk: (" ".join(part for part in (first, last) if part) or username)
        for pk, username, first, last in get_user_model()
        .objects.filter(Exists(Reading.objects.filter(period=period, entered_by=OuterRef("pk"))))
        .values_list("pk", "username", "first_name", "last_name")
    }
    return ReadingExport(
        period=period,
        windows=windows_for(period),
        groups=groups,
        participants=participants,
        indicators=indicators,
        expected=expected,
        people=people,
        readings=_export_readings(period, [p.id for p in participants]),
    )


def _export_readings(period: Period, participant_ids: list[int]) -> Iterator[tuple[Any, ...]]:
    """The readings of these participants in their order, streamed: one query, no sort of the readings on
    PostgreSQL (a nested loop over unnest(…) WITH ORDINALITY keeps the given order, each participant's readings
    found through its index), a server-side cursor so memory stays flat. SQLite orders by json_each's index. The
    project runs on these two databases only: one path each, no third to keep in step."""
    if not participant_ids:
        return
    table, columns = (
        connection.ops.quote_name(Reading._meta.db_table),
        ", ".join(f"r.{connection.ops.quote_name(_reading_column(name))}" for name in READING_EXPORT_COLUMNS),
    )
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {columns} FROM unnest(%s::bigint[]) WITH ORDINALITY AS o(participant_id, position) "
            f"JOIN {table} r ON r.participant_id = o.participant_id WHERE r.period_id = %s ORDER BY o.position"
        )
        params: list[Any] = [participant_ids, period.pk]
        convert = None
    elif connection.vendor == "sqlite":
        sql = (
            f"SELECT {columns} FROM json_each(%s) AS o JOIN {table} r ON r.participant_id = o.value "
            f"WHERE r.period_id = %s ORDER BY o.key"
        )
        params = [json.dumps(participant_ids), period.pk]
        convert = _sqlite_reading
    else:
        raise ImproperlyConfigured(f"The readings export runs on PostgreSQL or SQLite, not {connection.vendor}.")
    disabled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.cursor() if disabled else connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READING_EXPORT_CHUNK):
            yield from (rows if convert is None else map(convert, rows))


def _reading_column(name: str) -> str:
    model_field = Reading._meta.get_field(name)
    assert isinstance(model_field, Field) and model_field.column  # READING_EXPORT_COLUMNS are concrete columns
    return model_field.column


def _sqlite_reading(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A raw SQLite row with the ORM's types: the date comes converted (Django's "date" converter), the decimal as a
    plain int or float."""
    value = row[5]
    if value is None or isinstance(value, Decimal):
        return row
    return (*row[:5], Decimal(str(value)), *row[6:])


def criteria_by_indicator(*, period: Period) -> dict[int, list[Criterion]]:
    """The plan's criteria grouped by the indicator they read."""
    grouped: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(plan_id=period.plan_id).order_by("order"):
        grouped[criterion.indicator_id].append(criterion)
    return grouped
