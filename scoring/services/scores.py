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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Participant, Period, Plan
from scoring import ranking, rules
from scoring.locks import lock_period, share_period
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
    "fixed_points",
    "merit_key",
    "sort_key",
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


NO_READINGS = rules.ReadingTotals()


def _compute_participant(
    ctx: _Context, participant: Participant | _Who, totals: dict[int, rules.ReadingTotals]
) -> _Computed:
    results: list[rules.CriterionResult] = []
    expected_windows = len(ctx.due_starts)
    present_by_indicator: dict[int, int] = {}
    for criterion, spec in ctx.by_kind[participant.kind]:
        found = totals.get(criterion.indicator_id, NO_READINGS)
        value = rules.period_value_from_totals(spec.kind, spec.accumulation, found)
        present = found.rate_due if spec.kind == rules.RATE else found.value_due
        present_by_indicator[criterion.indicator_id] = present
        # A relative criterion is scored here for what is its own (value, target met, "không phát sinh"); its
        # points against the list's best are computed by scoring.ranking when the list is read.
        results.append(
            rules.score_criterion(
                spec, value, windows_expected=expected_windows, windows_present=present, with_explanation=False
            )
        )
    # Expected: each distinct indicator of the applicable criteria in each due window (rules.completeness).
    completeness = rules.Completeness(
        expected=len(present_by_indicator) * expected_windows, present=sum(present_by_indicator.values())
    )
    return _Computed(participant, results, completeness)


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
    fixed_points: Decimal
    merit_key: str
    sort_key: str
    rank: int | None = None
    tied: bool = False
    position: int = 0

    def as_model(self, period: Period, now: dt.datetime) -> Standing:
        return Standing(period=period, computed_at=now, **{name: getattr(self, name) for name in self.__slots__})


def _standing_row(ctx: _Context, item: _Computed) -> StandingRow:
    summary = rules.totals(item.results)
    points = {r.criterion_id: r.points for r in item.results if r.applicable}
    # Every rule but relative: the points that do not depend on the rest of the list, and their tie-break in plan
    # order (0 where a criterion does not apply); scoring.ranking adds the relative points when the list is read.
    fixed = [c.pk for c in ctx.criteria if c.rule != Criterion.Rule.RELATIVE]
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
        tiebreak=[str(p) for p in summary.tiebreak],
        readings_expected=item.completeness.expected,
        readings_present=item.completeness.present,
        fixed_points=rules.round2(sum((points.get(pk, rules.ZERO) for pk in fixed), rules.ZERO)),
        merit_key=rules.points_key(points.get(pk, rules.ZERO) for pk in fixed),
        sort_key=rules.name_key(item.participant.name),
    )


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
    "fixed_points",
    "merit_key",
    "sort_key",
    "rank",
    "tied",
    "position",
    "frozen",
    "computed_at",
]


def _copy_standings(period: Period, rows: list[StandingRow], *, frozen: bool = False) -> None:
    """A whole period's standings on PostgreSQL: delete and COPY, like _copy_scores (nothing refers to their ids);
    `frozen` when the close writes them (freezing them afterwards would rewrite every row and its 7 index entries
    once more)."""
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
                        row.fixed_points,
                        row.merit_key,
                        row.sort_key,
                        row.rank,
                        row.tied,
                        row.position,
                        frozen,
                        now,
                    )
                )


def _analyze_rewritten_tables() -> None:
    """Refresh the planner's statistics of the two tables a whole period was just deleted from and copied into
    (PostgreSQL, inside the same transaction: ANALYZE counts this transaction's own new rows).

    Without it the ranking query that follows (scoring.ranking, one LEFT JOIN of the scores per relative criterion)
    is planned on the statistics of before the COPY, typically "the period has no scores" after a reopen: the
    planner then estimates one row per join and picks nested loops that compare every standing with every score
    (5 million rows filtered per relative criterion at province scale, 3 s instead of 0.1 s; quadratic, so far worse
    at national scale). Autovacuum would correct the statistics only after the commit, too late for the close."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scoring_score, scoring_standing")


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
    period: Period,
    participants: Sequence[Participant | _Who],
    *,
    whole_period: bool,
    as_of: dt.date | None = None,
    freeze: bool = False,
) -> list[StandingRow]:
    """Score `participants` for a period and write their own Scores and Standing rows, nothing of anybody else.

    What depends on the rest of a list (relative points, ranks) is computed by scoring.ranking when the list is
    read; a whole period (a plan recompute, the close) also stores that result in its rows (ranking.materialize).
    """
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
    score_rows = (row for item in computed for row in _score_rows(period, item))
    if whole_period and connection.vendor == "postgresql":
        _copy_scores(period, score_rows)  # the period's old rows go, criteria that no longer apply with them
    else:
        _upsert_scores(list(score_rows))
        _delete_stale_scores(period, ids)
    standings = [_standing_row(ctx, item) for item in computed]
    if whole_period and connection.vendor == "postgresql":
        _copy_standings(period, standings, frozen=freeze)
        _analyze_rewritten_tables()
    else:
        _upsert_standings(period, standings)
    if whole_period:
        ranking.materialize(period_id=period.pk, plan_id=period.plan_id)
    return standings


def is_frozen(period: Period) -> bool:
    """A period whose standings were frozen (at close) is never recomputed."""
    return Standing.objects.filter(period=period, frozen=True).exists()


@transaction.atomic
def recompute_participant(*, participant: Participant, period: Period) -> Standing | None:
    """Recompute one participant's own Scores and Standing row for a period (a save): nothing of the rest of its
    list is read or written; its rank and relative points come from scoring.ranking when a page reads the list. A
    frozen standing is returned unchanged."""
    share_period(period)
    existing = Standing.objects.filter(period=period, participant=participant).first()
    if (existing is not None and existing.frozen) or period.status == Period.Status.CLOSED:
        return existing
    standing = _recompute(period, [participant], whole_period=False)[0]
    return standing.as_model(period, timezone.now())


@transaction.atomic
def recompute_participants(*, period: Period, participants: list[Participant]) -> list[StandingRow]:
    """Recompute several participants of a period at once (an import), their own rows only, in one pass; a closed
    (frozen) period is left as it is (returns [])."""
    share_period(period)
    if not participants or period.status == Period.Status.CLOSED:
        return []
    return _recompute(period, list({p.pk: p for p in participants}.values()), whole_period=False)


@transaction.atomic
def recompute_period(*, period: Period, as_of: dt.date | None = None, freeze: bool = False) -> int:
    """Recompute every participant of a period and store its ranks; returns how many standings were written (0 for
    a frozen period). Takes the period alone. `freeze`: the close's last recompute (see freeze_standings)."""
    lock_period(period)
    if is_frozen(period):
        return 0
    participants = [
        _Who(*row)
        for row in Participant.objects.filter(plan_id=period.plan_id).values_list("id", "kind", "group_id", "name")
    ]
    return len(_recompute(period, participants, whole_period=True, as_of=as_of, freeze=freeze))


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
    """Recompute a period one last time and freeze its standings; idempotent (a frozen period stays as it is).
    Returns how many standings were frozen now. On PostgreSQL they are written frozen by the recompute itself."""
    written = 0
    if not is_frozen(period):
        written = recompute_period(period=period, freeze=True)
    ctx = _context(period)
    FrozenCriteria.objects.update_or_create(
        period=period, defaults={"specs": [rules.spec_as_dict(ctx.specs[criterion.pk]) for criterion in ctx.criteria]}
    )
    updated = Standing.objects.filter(period=period, frozen=False).update(frozen=True)
    return updated if updated else written


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
    lock_period(period)
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
