"""Recompute scores and standings from readings (the rules are in scoring.rules); freeze them when a period closes.

Bulk-friendly: a period is recomputed with a fixed number of queries whatever its size. On PostgreSQL one SQL
aggregate gives every participant's totals per indicator (counts, sums, last reading: rules.ReadingTotals) and the
rules run on those, never on the 3.2 million readings of a national period; elsewhere (SQLite) the readings are
streamed and totalled in Python by rules.reading_totals. Both feed rules.period_value_from_totals. Scores are
written with COPY for a whole period (batched upserts otherwise), and the "vì sao" sentence is built only when a
page shows it (explain_scores), from the stored values and the rules the period was scored by.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Participant, Period, Plan
from scoring import rules
from scoring.locks import lock_period_row  # one lock order for every writer of the period
from scoring.models import Criterion, FrozenCriteria, Reading, RecomputeRequest, Score, Standing
from scoring.windows import windows_for

BATCH = 2000
SCORE_FIELDS = [
    "value",
    "numerator_total",
    "denominator_total",
    "points",
    "applicable",
    "target_met",
    "complete",
    "windows_expected",
    "windows_present",
]
SCORE_COLUMNS = ["period_id", "participant_id", "criterion_id", *SCORE_FIELDS]
STANDING_FIELDS = [
    "group",
    "kind",
    "name",
    "total_points",
    "max_points",
    "ratio",
    "targets_met",
    "criteria_applicable",
    "tiebreak",
    "readings_expected",
    "readings_present",
    "rank",
    "tied",
    "position",
    "computed_at",
]


def criterion_spec(criterion: Criterion) -> rules.CriterionSpec:
    """The pure description of a criterion (with its indicator) that scoring.rules works on."""
    indicator = criterion.indicator
    bands = tuple((Decimal(str(bound)), Decimal(str(points))) for bound, points in (criterion.bands or []))
    bands = tuple(sorted(bands, key=lambda band: band[0], reverse=indicator.direction != rules.LOWER))
    return rules.CriterionSpec(
        id=criterion.pk,
        order=criterion.order,
        kind=indicator.kind,
        direction=indicator.direction,
        accumulation=indicator.accumulation,
        comparison=criterion.comparison,
        target=criterion.target,
        max_points=criterion.max_points,
        rule=criterion.rule,
        worst=criterion.worst,
        bands=bands,
        zero_denominator=criterion.zero_denominator,
        unit_label=indicator.unit_label,
        indicator_id=indicator.pk,
    )


@dataclass(frozen=True)
class _Context:
    """What every participant of a period is scored against: criteria in plan order and the windows due."""

    period: Period
    criteria: list[Criterion]
    specs: dict[int, rules.CriterionSpec]
    due_starts: frozenset[dt.date]

    def criteria_for(self, kind: str) -> list[Criterion]:
        return [c for c in self.criteria if c.applies_to_kind(kind)]

    @functools.cached_property
    def by_kind(self) -> dict[str, list[tuple[Criterion, rules.CriterionSpec]]]:
        """Each participant kind's criteria with their specs, in plan order (looked up once, not per participant)."""
        return {kind: [(c, self.specs[c.pk]) for c in self.criteria_for(kind)] for kind in Participant.Kind.values}

    @property
    def relative(self) -> bool:
        return any(c.rule == Criterion.Rule.RELATIVE for c in self.criteria)


def _context(period: Period, as_of: dt.date | None = None) -> _Context:
    criteria = list(
        Criterion.objects.filter(plan_id=period.plan_id).select_related("indicator").order_by("order", "pk")
    )
    windows = windows_for(period)
    due = rules.expected_windows([(w.start, w.end) for w in windows], as_of or timezone.localdate())
    specs = {c.pk: criterion_spec(c) for c in criteria}
    # A closed period recomputed by quản trị is scored by the criteria it was closed with, not today's.
    frozen = (
        FrozenCriteria.objects.filter(period=period).values_list("specs", flat=True).first()
        if period.status == Period.Status.CLOSED
        else None
    )
    for data in frozen or []:
        if data["id"] in specs:
            specs[data["id"]] = rules.spec_from_dict(data)
    return _Context(
        period=period,
        criteria=criteria,
        specs=specs,
        due_starts=frozenset(start for start, _end in due),
    )


_PG_TOTALS = """
    SELECT participant_id, indicator_id,
           COUNT(*) FILTER (WHERE denominator IS NOT NULL),
           COUNT(*) FILTER (WHERE value IS NOT NULL),
           COALESCE(SUM(numerator) FILTER (WHERE denominator IS NOT NULL), 0),
           COALESCE(SUM(denominator), 0),
           SUM(value),
           (ARRAY_AGG(numerator ORDER BY window_start DESC)
               FILTER (WHERE denominator IS NOT NULL AND indicator_id = ANY(%(last)s)))[1],
           (ARRAY_AGG(denominator ORDER BY window_start DESC)
               FILTER (WHERE denominator IS NOT NULL AND indicator_id = ANY(%(last)s)))[1],
           (ARRAY_AGG(value ORDER BY window_start DESC)
               FILTER (WHERE value IS NOT NULL AND indicator_id = ANY(%(last)s)))[1],
           COUNT(*) FILTER (WHERE denominator IS NOT NULL AND window_start = ANY(%(due)s)),
           COUNT(*) FILTER (WHERE value IS NOT NULL AND window_start = ANY(%(due)s))
    FROM scoring_reading
    WHERE period_id = %(period)s {participants}
    GROUP BY participant_id, indicator_id
    ORDER BY participant_id
"""


def _totals_sql(ctx: _Context, participant_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    """(participant id, indicator id, *ReadingTotals) rows from one aggregate, ordered by participant (PostgreSQL).
    The last reading is only looked for where a rule uses it (yes/no and "last" indicators)."""
    last = sorted(
        {
            spec.indicator_id
            for spec in ctx.specs.values()
            if spec.kind == rules.BOOLEAN or spec.accumulation == rules.LAST
        }
    )
    params: dict[str, Any] = {
        "period": ctx.period.pk,
        "last": last,
        "due": sorted(ctx.due_starts),
        "ids": participant_ids,
    }
    sql = _PG_TOTALS.format(participants="AND participant_id = ANY(%(ids)s)" if participant_ids is not None else "")
    # A server-side cursor: PostgreSQL streams the groups as it aggregates them (index order), so the rules run in
    # Python while the scan goes on, on the other core.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def _totals_python(ctx: _Context, participant_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    """The same rows as _totals_sql, from the readings streamed and totalled in Python (SQLite)."""
    readings = Reading.objects.filter(period=ctx.period)
    if participant_ids is not None:
        readings = readings.filter(participant_id__in=participant_ids)
    rows = (
        readings.order_by("participant_id", "indicator_id")
        .values_list(
            "participant_id",
            "indicator_id",
            "window_start",
            "numerator",
            "denominator",
            "value",
        )
        .iterator(chunk_size=5000)
    )
    key: tuple[int, int] | None = None
    bucket: list[rules.ReadingValue] = []
    for participant_id, indicator_id, start, numerator, denominator, value in rows:
        if (participant_id, indicator_id) != key:
            if key is not None:
                yield (*key, *rules.reading_totals(bucket, ctx.due_starts))
            key, bucket = (participant_id, indicator_id), []
        bucket.append(rules.ReadingValue(start, numerator, denominator, value))
    if key is not None:
        yield (*key, *rules.reading_totals(bucket, ctx.due_starts))


def reading_totals_rows(ctx: _Context, participant_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    """Every participant's totals per indicator for the period, ordered by participant."""
    if connection.vendor == "postgresql":
        return _totals_sql(ctx, participant_ids)
    return _totals_python(ctx, participant_ids)


def _totals_by_participant(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, dict[int, rules.ReadingTotals]]]:
    """Group the rows: (participant id, {indicator id: ReadingTotals})."""
    current: int | None = None
    bucket: dict[int, rules.ReadingTotals] = {}
    for participant_id, indicator_id, *totals in rows:
        if participant_id != current:
            if current is not None:
                yield current, bucket
            current, bucket = participant_id, {}
        bucket[indicator_id] = rules.ReadingTotals(*totals)
    if current is not None:
        yield current, bucket


class _Who(NamedTuple):
    """What scoring needs of a participant (a Participant works too; a whole period loads these plain rows)."""

    pk: int
    kind: str
    group_id: int | None
    name: str


@dataclass
class _Computed:
    """One participant's results before they are written."""

    participant: Participant | _Who
    results: list[rules.CriterionResult]
    completeness: rules.Completeness
    values: dict[int, rules.PeriodValue]  # relative criteria only, scored once the group's best is known


NO_READINGS = rules.ReadingTotals()


def _compute_participant(
    ctx: _Context, participant: Participant | _Who, totals: dict[int, rules.ReadingTotals]
) -> _Computed:
    results: list[rules.CriterionResult] = []
    deferred: dict[int, rules.PeriodValue] = {}
    expected_windows = len(ctx.due_starts)
    present_by_indicator: dict[int, int] = {}
    for criterion, spec in ctx.by_kind[participant.kind]:
        found = totals.get(criterion.indicator_id, NO_READINGS)
        value = rules.period_value_from_totals(spec.kind, spec.accumulation, found)
        present = found.rate_due if spec.kind == rules.RATE else found.value_due
        present_by_indicator[criterion.indicator_id] = present
        if spec.rule == rules.RELATIVE:
            deferred[criterion.pk] = value
            # Placeholder, replaced once the group's best value is known.
            results.append(
                rules.CriterionResult(
                    criterion.pk,
                    spec.order,
                    spec.max_points,
                    value,
                    windows_expected=expected_windows,
                    windows_present=present,
                )
            )
        else:
            results.append(
                rules.score_criterion(
                    spec, value, windows_expected=expected_windows, windows_present=present, with_explanation=False
                )
            )
    # Expected: each distinct indicator of the applicable criteria in each due window (rules.completeness).
    completeness = rules.Completeness(
        expected=len(present_by_indicator) * expected_windows, present=sum(present_by_indicator.values())
    )
    return _Computed(participant, results, completeness, deferred)


ListKey = tuple[int | None, str]  # (group id, participant kind): one ranking list, one relative best


def _score_relative(
    ctx: _Context,
    computed: list[_Computed],
    external: dict[tuple[int | None, str, int], list] | None = None,
) -> dict[tuple[int | None, str, int], Fraction | None]:
    """Score relative criteria: max × value / the best value among the participant's group and kind (collectives
    and individuals are never compared). `external` holds the exact values of the list's members not recomputed
    now. Returns the best value per (group, kind, criterion)."""
    bests: dict[tuple[int | None, str, int], Fraction | None] = {}
    if not ctx.relative:
        return bests
    by_list: dict[ListKey, list[_Computed]] = defaultdict(list)
    for item in computed:
        by_list[(item.participant.group_id, item.participant.kind)].append(item)
    relative = [spec for spec in ctx.specs.values() if spec.rule == rules.RELATIVE]
    for (group_id, kind), members in by_list.items():
        for spec in relative:
            criterion_id = spec.id
            values = [m.values[criterion_id].figure for m in members if criterion_id in m.values]
            values += (external or {}).get((group_id, kind, criterion_id), [])
            best = bests[(group_id, kind, criterion_id)] = rules.best_value(spec.direction, values)
            for member in members:
                value = member.values.get(criterion_id)
                if value is None:
                    continue
                index = next(i for i, r in enumerate(member.results) if r.criterion_id == criterion_id)
                placeholder = member.results[index]
                member.results[index] = rules.score_criterion(
                    spec,
                    value,
                    best=best,
                    windows_expected=placeholder.windows_expected,
                    windows_present=placeholder.windows_present,
                    with_explanation=False,
                )
    return bests


def _group_q(group_ids: set[int | None], field: str = "group") -> Q:
    q = Q(**{f"{field}_id__in": [g for g in group_ids if g is not None]})
    if None in group_ids:
        q |= Q(**{f"{field}__isnull": True})
    return q


class _OtherScore(NamedTuple):
    """A stored relative score of a list member not recomputed now."""

    pk: int
    participant_id: int
    group_id: int | None
    kind: str
    criterion_id: int
    value: Decimal | None
    numerator_total: int | None
    denominator_total: int | None
    points: Decimal
    windows_expected: int
    windows_present: int


@dataclass
class _Others:
    """Stored relative scores of the list members not recomputed now, and what changed for them."""

    rows: list[_OtherScore]
    mine_before: dict[tuple[int | None, str, int], Fraction | None]  # best among the recomputed members' old values
    deltas: dict[int, dict[int, Decimal]]  # participant id → {criterion id: new points − old points}

    def exact(self, ctx: _Context, row: _OtherScore) -> rules.PeriodValue:
        return rules.stored_period_value(
            ctx.specs[row.criterion_id], row.value, row.numerator_total, row.denominator_total, row.windows_present
        )


def _load_others(ctx: _Context, period: Period, participants: Sequence[Participant | _Who]) -> _Others:
    relative_ids = [c.pk for c in ctx.criteria if c.rule == Criterion.Rule.RELATIVE]
    groups = {p.group_id for p in participants}
    mine = [p.pk for p in participants]
    rows = [
        _OtherScore(*row)
        for row in Score.objects.filter(
            period=period, criterion_id__in=relative_ids, participant__plan_id=period.plan_id
        )
        .filter(_group_q(groups, "participant__group"))
        .exclude(participant_id__in=mine)
        .values_list(
            "pk",
            "participant_id",
            "participant__group_id",
            "participant__kind",
            "criterion_id",
            "value",
            "numerator_total",
            "denominator_total",
            "points",
            "windows_expected",
            "windows_present",
        )
    ]
    before: dict[tuple[int | None, str, int], list] = defaultdict(list)
    for group_id, kind, criterion_id, value, numerator, denominator in Score.objects.filter(
        period=period, criterion_id__in=relative_ids, participant_id__in=mine
    ).values_list(
        "participant__group_id", "participant__kind", "criterion_id", "value", "numerator_total", "denominator_total"
    ):
        spec = ctx.specs[criterion_id]
        before[(group_id, kind, criterion_id)].append(
            rules.stored_period_value(spec, value, numerator, denominator).figure
        )
    mine_before = {key: rules.best_value(ctx.specs[key[2]].direction, values) for key, values in before.items()}
    return _Others(rows, mine_before, defaultdict(dict))


def _external_values(ctx: _Context, others: _Others) -> dict[tuple[int | None, str, int], list]:
    """Exact values of the list members not recomputed now, per (group, kind, criterion)."""
    external: dict[tuple[int | None, str, int], list] = defaultdict(list)
    for row in others.rows:
        external[(row.group_id, row.kind, row.criterion_id)].append(others.exact(ctx, row).figure)
    return external


def _rescore_others(ctx: _Context, others: _Others, bests: dict[tuple[int | None, str, int], Fraction | None]) -> None:
    """Re-score the stored relative scores of the rest of the list when its best value moved."""
    external = _external_values(ctx, others)
    old_bests = {
        key: rules.best_value(ctx.specs[key[2]].direction, [*values, others.mine_before.get(key)])
        for key, values in external.items()
    }
    changed: list[Score] = []
    for row in others.rows:
        spec = ctx.specs[row.criterion_id]
        key = (row.group_id, row.kind, row.criterion_id)
        if key not in bests or bests[key] == old_bests[key]:
            continue  # a list none of the recomputed participants is in, or whose best did not move
        best = bests[key]
        result = rules.score_criterion(
            spec,
            others.exact(ctx, row),
            best=best,
            windows_expected=row.windows_expected,
            windows_present=row.windows_present,
            with_explanation=False,
        )
        changed.append(Score(pk=row.pk, points=result.points))
        if result.points != row.points:
            others.deltas[row.participant_id][row.criterion_id] = result.points - row.points
    if changed:
        Score.objects.bulk_update(changed, ["points"], batch_size=BATCH)


def _apply_deltas(ctx: _Context, standing: Standing, deltas: dict[int, Decimal]) -> None:
    """Move a stored standing's total, ratio and tie-break by the change of its relative points."""
    order = [c.pk for c in ctx.criteria_for(standing.participant.kind)]
    tiebreak = [Decimal(p) for p in standing.tiebreak or []]
    for criterion_id, delta in deltas.items():
        standing.total_points = rules.round2(standing.total_points + delta)
        if criterion_id in order and order.index(criterion_id) < len(tiebreak):
            tiebreak[order.index(criterion_id)] += delta
    standing.tiebreak = [str(p) for p in tiebreak]
    standing.ratio = (
        rules.round2(standing.total_points * rules.HUNDRED / standing.max_points) if standing.max_points else Decimal(0)
    )


def _score_rows(period: Period, item: _Computed) -> Iterator[tuple[Any, ...]]:
    """Score rows as tuples in SCORE_COLUMNS order (model instances cost more than the arithmetic at scale)."""
    for result in item.results:
        pv = result.period
        yield (
            period.pk,
            item.participant.pk,
            result.criterion_id,
            pv.value,
            pv.numerator_total,
            pv.denominator_total,
            result.points,
            result.applicable,
            result.met,
            result.complete,
            result.windows_expected,
            result.windows_present,
        )


@dataclass(slots=True)
class StandingRow:
    """A standing as computed, before it is written (a plain object: 13,000 model instances cost seconds)."""

    participant_id: int
    group_id: int | None
    kind: str
    name: str
    total_points: Decimal
    max_points: Decimal
    ratio: Decimal
    targets_met: int
    criteria_applicable: int
    tiebreak: list[str]
    readings_expected: int
    readings_present: int
    rank: int | None = None
    tied: bool = False
    position: int = 0
    pk: None = None  # never stored yet (ranking tells it from the stored standings of the rest of the group)

    def as_model(self, period: Period, now: dt.datetime) -> Standing:
        return Standing(
            period=period, computed_at=now, **{name: getattr(self, name) for name in self.__slots__ if name != "pk"}
        )


def _standing_row(item: _Computed) -> StandingRow:
    summary = rules.totals(item.results)
    return StandingRow(
        participant_id=item.participant.pk,
        group_id=item.participant.group_id,
        kind=item.participant.kind,
        name=item.participant.name,
        total_points=summary.total,
        max_points=summary.max_points,
        ratio=summary.ratio,
        targets_met=summary.targets_met,
        criteria_applicable=summary.applicable,
        tiebreak=[str(points) for points in summary.tiebreak],
        readings_expected=item.completeness.expected,
        readings_present=item.completeness.present,
    )


def _rank_entries(standings: Iterable[Standing | StandingRow]) -> dict[int, rules.Ranked]:
    """Rank standings list by list (group, kind); returns participant id → Ranked."""
    by_group: dict[ListKey, list[rules.RankEntry]] = defaultdict(list)
    for standing in standings:
        by_group[(standing.group_id, standing.kind)].append(
            rules.RankEntry(
                key=standing.participant_id,
                name=standing.name,
                ratio=Decimal(standing.ratio),
                targets_met=standing.targets_met,
                tiebreak=tuple(Decimal(p) for p in standing.tiebreak or []),
            )
        )
    ranked: dict[int, rules.Ranked] = {}
    for entries in by_group.values():
        ranked.update({r.key: r for r in rules.rank(entries)})
    return ranked


_PG_UPSERT = """
    INSERT INTO scoring_score (period_id, participant_id, criterion_id, value, numerator_total, denominator_total,
                               points, applicable, target_met, complete, windows_expected, windows_present)
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::bigint[], %s::bigint[],
                         %s::numeric[], %s::boolean[], %s::boolean[], %s::boolean[], %s::integer[], %s::integer[])
    ON CONFLICT (period_id, participant_id, criterion_id) DO UPDATE SET
        value = EXCLUDED.value, numerator_total = EXCLUDED.numerator_total,
        denominator_total = EXCLUDED.denominator_total, points = EXCLUDED.points, applicable = EXCLUDED.applicable,
        target_met = EXCLUDED.target_met, complete = EXCLUDED.complete,
        windows_expected = EXCLUDED.windows_expected, windows_present = EXCLUDED.windows_present
"""


def _copy_scores(period: Period, rows: Iterable[tuple[Any, ...]]) -> None:
    """A whole period's scores on PostgreSQL: delete the period's rows and COPY the new ones in (the period row lock
    is held, so nobody else writes them meanwhile; readers see the old scores until the transaction commits)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scoring_score WHERE period_id = %s", [period.pk])
        with cursor.copy(f"COPY scoring_score ({', '.join(SCORE_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _upsert_scores(rows: list[tuple[Any, ...]]) -> None:
    """Insert or update scores in batches: one INSERT … SELECT unnest(…) ON CONFLICT per batch on PostgreSQL (the
    ORM's per-value compilation dominated a national recompute), bulk_create(update_conflicts) elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH * 5):
                batch = rows[start : start + BATCH * 5]
                cursor.execute(_PG_UPSERT, [list(column) for column in zip(*batch, strict=True)])
        return
    objects = [Score(**dict(zip(SCORE_COLUMNS, row, strict=True))) for row in rows]
    for start in range(0, len(objects), BATCH):
        Score.objects.bulk_create(
            objects[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["period", "participant", "criterion"],
            update_fields=SCORE_FIELDS,
        )


STANDING_COLUMNS = [
    "period_id",
    "participant_id",
    "group_id",
    "kind",
    "name",
    "total_points",
    "max_points",
    "ratio",
    "targets_met",
    "criteria_applicable",
    "tiebreak",
    "readings_expected",
    "readings_present",
    "rank",
    "tied",
    "position",
    "frozen",
    "computed_at",
]


def _copy_standings(period: Period, rows: list[StandingRow]) -> None:
    """A whole period's standings on PostgreSQL: delete and COPY, like _copy_scores (nothing refers to their ids)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scoring_standing WHERE period_id = %s", [period.pk])
        with cursor.copy(f"COPY scoring_standing ({', '.join(STANDING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    (
                        period.pk,
                        row.participant_id,
                        row.group_id,
                        row.kind,
                        row.name,
                        row.total_points,
                        row.max_points,
                        row.ratio,
                        row.targets_met,
                        row.criteria_applicable,
                        json.dumps(row.tiebreak),
                        row.readings_expected,
                        row.readings_present,
                        row.rank,
                        row.tied,
                        row.position,
                        False,
                        now,
                    )
                )


def _upsert_standings(period: Period, rows: list[StandingRow]) -> None:
    now = timezone.now()
    objects = [row.as_model(period, now) for row in rows]
    for start in range(0, len(objects), BATCH):
        Standing.objects.bulk_create(
            objects[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["period", "participant"],
            update_fields=STANDING_FIELDS,
        )


def _delete_stale_scores(period: Period, participant_ids: list[int] | None) -> None:
    """Scores of criteria that no longer apply to the participant's kind (collective / individual)."""
    stale = Score.objects.filter(period=period).filter(
        Q(criterion__applies_to=Criterion.AppliesTo.COLLECTIVE, participant__kind=Participant.Kind.INDIVIDUAL)
        | Q(criterion__applies_to=Criterion.AppliesTo.INDIVIDUAL, participant__kind=Participant.Kind.COLLECTIVE)
    )
    if participant_ids is not None:
        stale = stale.filter(participant_id__in=participant_ids)
    stale.delete()


def _recompute(
    period: Period, participants: Sequence[Participant | _Who], *, whole_period: bool, as_of: dt.date | None = None
) -> list[StandingRow]:
    """Score `participants` (whole groups) for a period, write Scores and Standings, and rank their groups."""
    ctx = _context(period, as_of)
    participants = sorted(participants, key=lambda p: p.pk)
    ids = None if whole_period else [p.pk for p in participants]
    stream = _totals_by_participant(reading_totals_rows(ctx, ids))
    pending = next(stream, None)
    computed: list[_Computed] = []
    for participant in participants:
        while pending is not None and pending[0] < participant.pk:
            pending = next(stream, None)
        totals = pending[1] if pending is not None and pending[0] == participant.pk else {}
        computed.append(_compute_participant(ctx, participant, totals))
    partial_relative = ctx.relative and not whole_period
    others_scores = _load_others(ctx, period, participants) if partial_relative else None
    external = _external_values(ctx, others_scores) if others_scores else None
    bests = _score_relative(ctx, computed, external)
    if others_scores is not None:
        _rescore_others(ctx, others_scores, bests)
    score_rows = (row for item in computed for row in _score_rows(period, item))
    if whole_period and connection.vendor == "postgresql":
        _copy_scores(period, score_rows)  # the period's old rows go, criteria that no longer apply with them
    else:
        _upsert_scores(list(score_rows))
        _delete_stale_scores(period, ids)
    standings = [_standing_row(item) for item in computed]
    if whole_period or not standings:
        others: list[Standing] = []
    else:
        # Rank against the rest of the group as stored (their readings did not change).
        mine = {s.participant_id for s in standings}
        others = list(
            Standing.objects.filter(period=period)
            .filter(_group_q({s.group_id for s in standings}), kind__in={s.kind for s in standings})
            .exclude(participant_id__in=mine)
            .select_related("participant")
            .only(
                "id",
                "participant_id",
                "participant__kind",
                "group_id",
                "kind",
                "name",
                "ratio",
                "targets_met",
                "tiebreak",
                "total_points",
                "max_points",
                "rank",
                "tied",
                "position",
            )
        )
        if others_scores is not None and others_scores.deltas:
            for standing in others:
                if standing.participant_id in others_scores.deltas:
                    _apply_deltas(ctx, standing, others_scores.deltas[standing.participant_id])
    ranked = _rank_entries([*standings, *others])
    moved: list[Standing] = []
    deltas = others_scores.deltas if others_scores is not None else {}
    everyone: list[StandingRow | Standing] = [*standings, *others]
    for entry in everyone:
        placed = ranked[entry.participant_id]
        before = (entry.rank, entry.tied, entry.position)
        entry.rank, entry.tied, entry.position = placed.rank, placed.tied, placed.position
        # Only stored standings (the rest of the group) can have moved; a StandingRow has no pk yet.
        if (
            isinstance(entry, Standing)
            and entry.pk is not None
            and (before != (placed.rank, placed.tied, placed.position) or entry.participant_id in deltas)
        ):
            moved.append(entry)
    if whole_period and connection.vendor == "postgresql":
        _copy_standings(period, standings)
    else:
        _upsert_standings(period, standings)
    # Only the rest of the group whose place (or relative points) changed is written: usually a handful of rows.
    mine = {m.participant_id for m in standings}
    moved = [s for s in moved if s.participant_id not in mine]
    if moved:
        fields = ["rank", "tied", "position"] + (["total_points", "ratio", "tiebreak"] if deltas else [])
        Standing.objects.bulk_update(moved, fields, batch_size=500)
    return standings


def is_frozen(period: Period) -> bool:
    """A period whose standings were frozen (at close) is never recomputed."""
    return Standing.objects.filter(period=period, frozen=True).exists()


@transaction.atomic
def recompute_participant(*, participant: Participant, period: Period) -> Standing:
    """Recompute one participant's Scores and Standing for a period and re-rank its group; with relative criteria
    the group's other scores move with the group's best value (from their stored period values, without reading
    their readings again). A frozen standing is returned unchanged."""
    lock_period_row(period)
    existing = Standing.objects.filter(period=period, participant=participant).first()
    if existing is not None and existing.frozen:
        return existing
    if is_frozen(period):
        raise ValueError("period is frozen")  # pragma: no cover - a frozen period has every standing frozen
    # Relative criteria: the rest of the group is re-scored from its stored values when the best value moves.
    _recompute(period, [participant], whole_period=False)
    return Standing.objects.select_related("participant", "group").get(period=period, participant=participant)


@transaction.atomic
def recompute_participants(*, period: Period, participants: list[Participant]) -> list[StandingRow]:
    """Recompute several participants of a period at once (an import) and re-rank their groups; frozen periods
    are left as they are (returns [])."""
    lock_period_row(period)
    if not participants or is_frozen(period):
        return []
    return _recompute(period, list({p.pk: p for p in participants}.values()), whole_period=False)


@transaction.atomic
def recompute_period(*, period: Period, as_of: dt.date | None = None) -> int:
    """Recompute every participant of a period; returns how many standings were written (0 for a frozen period)."""
    lock_period_row(period)
    if is_frozen(period):
        return 0
    participants = [
        _Who(*row)
        for row in Participant.objects.filter(plan_id=period.plan_id).values_list("id", "kind", "group_id", "name")
    ]
    return len(_recompute(period, participants, whole_period=True, as_of=as_of))


def recompute_plan(*, plan: Plan) -> int:
    """Recompute every period of a plan that is not frozen, and close its pending recompute requests."""
    pending = list(RecomputeRequest.objects.filter(plan=plan, finished_at__isnull=True).values_list("pk", flat=True))
    RecomputeRequest.objects.filter(pk__in=pending, started_at__isnull=True).update(started_at=timezone.now())
    written = 0
    for period in Period.objects.filter(plan=plan).select_related("plan").order_by("start"):
        written += recompute_period(period=period)
    RecomputeRequest.objects.filter(pk__in=pending).update(finished_at=timezone.now())
    return written


@transaction.atomic
def freeze_standings(*, period: Period) -> int:
    """Recompute a period one last time and freeze its standings; idempotent (a frozen period stays as it is)."""
    if not is_frozen(period):
        recompute_period(period=period)
    ctx = _context(period)
    FrozenCriteria.objects.update_or_create(
        period=period, defaults={"specs": [rules.spec_as_dict(ctx.specs[criterion.pk]) for criterion in ctx.criteria]}
    )
    return Standing.objects.filter(period=period, frozen=False).update(frozen=True)


class StandingChange(NamedTuple):
    """A participant whose rank or points moved when a closed period was recomputed."""

    participant_id: int
    name: str
    rank_before: int | None
    rank_after: int | None
    points_before: Decimal | None
    points_after: Decimal | None

    def line(self) -> str:
        return gettext("%(name)s: hạng %(rb)s → %(ra)s, điểm %(pb)s → %(pa)s") % {
            "name": self.name,
            "rb": self.rank_before if self.rank_before is not None else "—",
            "ra": self.rank_after if self.rank_after is not None else "—",
            "pb": rules.format_number(self.points_before, 2),
            "pa": rules.format_number(self.points_after, 2),
        }


@transaction.atomic
def recompute_frozen_period(*, period: Period) -> list[StandingChange]:
    """Recompute a closed period's frozen standings by the rules as they are now (ranks per group and kind, exact
    points) and the criteria it was closed with; they stay frozen. Returns every participant whose rank or points
    changed. The caller checks who may do it (quản trị) and writes the history."""
    from scoring.services.readings import lock_period_row  # one lock order for every writer of the period

    lock_period_row(period)
    standings = Standing.objects.filter(period=period)
    before = {
        s.participant_id: (s.name, s.rank, s.total_points)
        for s in standings.only("participant_id", "name", "rank", "total_points")
    }
    standings.update(frozen=False)
    recompute_period(period=period)
    standings.update(frozen=True)
    changes = []
    for participant_id, name, rank, points in standings.values_list("participant_id", "name", "rank", "total_points"):
        old_name, old_rank, old_points = before.get(participant_id, (name, None, None))
        if (old_rank, old_points) != (rank, points):
            changes.append(StandingChange(participant_id, name, old_rank, rank, old_points, points))
    gone = before.keys() - set(standings.values_list("participant_id", flat=True))
    changes += [StandingChange(p, before[p][0], before[p][1], None, before[p][2], None) for p in gone]
    return sorted(changes, key=lambda change: rules.vi_sort_key(change.name))


@transaction.atomic
def unfreeze_standings(*, period: Period) -> int:
    """Unfreeze a period's standings (when a period is reopened) and recompute them from the readings."""
    count = Standing.objects.filter(period=period, frozen=True).update(frozen=False)
    FrozenCriteria.objects.filter(period=period).delete()
    recompute_period(period=period)
    return count
