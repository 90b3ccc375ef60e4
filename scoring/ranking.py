"""Ranks at read time: one SQL query with window functions over each list (period, group, kind).

A save writes only its own participant's scores and standing row (scoring.services.scores). Whatever depends on the
rest of the list is computed here, when a page, an export or the close reads it, so nothing shown is ever stale:

* relative criteria: the list's best value (FIRST_VALUE over the list, exact fractions compared), then each member's
  points in hundredths with integer arithmetic (half-up, exactly as rules.raw_points + rules.round2);
* the total (stored fixed points + relative points) and the ratio, in hundredths, half-up;
* RANK() over the list ordered by ratio, targets met, then the points per criterion in plan order (the stored
  merit_key, with the relative criteria's points put back in their place), COUNT(*) of equals (đồng hạng),
  ROW_NUMBER() with the Vietnamese name order among equals (the stored sort_key), COUNT(*) of the list ("/M").

Open periods are read through `ranked_rows`; closing a period writes its result into the standing and score rows
(`materialize`), and a frozen period is read from those rows. The order is the one `rules.rank` states.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from scoring import rules
from scoring.models import Criterion


@dataclass(frozen=True)
class _Relative:
    """A relative criterion as the query needs it."""

    id: int
    kind: str
    lower: bool
    max_cents: int
    before: int  # how many non-relative criteria come before it in plan order (its place in merit_key)


def _relatives(plan_id: int) -> list[_Relative]:
    criteria = list(
        Criterion.objects.filter(plan_id=plan_id)
        .order_by("order", "pk")
        .values_list("pk", "rule", "max_points", "indicator__kind", "indicator__direction")
    )
    found, fixed = [], 0
    for pk, rule, max_points, kind, direction in criteria:
        if rule == Criterion.Rule.RELATIVE:
            found.append(_Relative(pk, kind, direction == rules.LOWER, int(Decimal(max_points) * 100), fixed))
        else:
            fixed += 1
    return found


def relative_criteria_of(plan_id: int) -> list[int]:
    """Ids of the plan's relative criteria (their stored points are recomputed by the ranking query)."""
    return [relative.id for relative in _relatives(plan_id)]


class RankedRow(NamedTuple):
    """One standing as ranked now: totals in hundredths, rank, đồng hạng, display position and list size."""

    id: int
    participant_id: int
    group_id: int | None
    kind: str
    total_cents: int
    ratio_cents: int
    rank: int
    tied: bool
    position: int
    size: int
    relative_cents: tuple[int | None, ...]  # per relative criterion, None where the member has no value

    @property
    def total_points(self) -> Decimal:
        return Decimal(self.total_cents) / 100

    @property
    def ratio(self) -> Decimal:
        return Decimal(self.ratio_cents) / 100


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _int(expression: str) -> str:
    """An exact integer of any size: numeric on PostgreSQL (no bigint overflow), SQLite's 64-bit integer."""
    return f"CAST({expression} AS NUMERIC)" if _pg() else f"CAST({expression} AS INTEGER)"


def _div(numerator: str, denominator: str) -> str:
    """Integer division, exact (floor for the non-negative values it is used on)."""
    return f"div({numerator}, {denominator})" if _pg() else f"(({numerator}) / ({denominator}))"


def _real(numerator: str, denominator: str) -> str:
    """A quotient to order by (which fraction is larger); the points themselves are exact integers."""
    return f"({numerator}::float8 / {denominator}::float8)" if _pg() else f"(({numerator}) * 1.0 / ({denominator}))"


def _sql(relatives: list[_Relative], where: str) -> str:
    joins, figures, bests, points = [], [], [], []
    for index, rel in enumerate(relatives):
        alias = f"s{index}"
        joins.append(
            f"LEFT JOIN scoring_score {alias} ON {alias}.period_id = st.period_id "
            f"AND {alias}.participant_id = st.participant_id AND {alias}.criterion_id = {rel.id} "
            f"AND {alias}.applicable"
        )
        if rel.kind == rules.RATE:
            # The exact value: Σ numerators × 100 / Σ denominators.
            num = f"CASE WHEN {alias}.denominator_total > 0 THEN {_int(f'{alias}.numerator_total * 100')} END"
            den = f"CASE WHEN {alias}.denominator_total > 0 THEN {_int(f'{alias}.denominator_total')} END"
        else:  # counts and yes/no: the stored value has 4 places at most
            num = f"{_int(f'ROUND({alias}.value * 10000)')}"
            den = f"CASE WHEN {alias}.value IS NOT NULL THEN {_int('10000')} END"
        figures.append(f"{num} AS n{index}, {den} AS d{index}, {_int(f'ROUND({alias}.points * 100)')} AS k{index}")
        order = "ASC" if rel.lower else "DESC"
        window = (
            f"PARTITION BY group_id, kind ORDER BY CASE WHEN n{index} IS NULL THEN 1 ELSE 0 END, "
            f"{_real(f'n{index}', f'd{index}')} {order}"
        )
        bests.append(
            f"FIRST_VALUE(n{index}) OVER ({window}) AS bn{index}, FIRST_VALUE(d{index}) OVER ({window}) AS bd{index}"
        )
        m, n, d, bn, bd = rel.max_cents, f"n{index}", f"d{index}", f"bn{index}", f"bd{index}"
        if rel.lower:
            # max × best / value; the best value (or below) gets max.
            share = (
                f"CASE WHEN {n} * {bd} <= {bn} * {d} THEN {m} "
                f"ELSE {_div(f'2 * {m} * {bn} * {d} + {bd} * {n}', f'2 * {bd} * {n}')} END"
            )
        else:
            # max × min(1, value / best); best 0 → 0.
            share = (
                f"CASE WHEN {bn} = 0 THEN 0 WHEN {n} * {bd} >= {bn} * {d} THEN {m} "
                f"ELSE {_div(f'2 * {m} * {n} * {bd} + {d} * {bn}', f'2 * {d} * {bn}')} END"
            )
        # No value (no reading, or "không phát sinh"): the stored points, which never depend on the list.
        points.append(f"CASE WHEN {n} IS NULL THEN COALESCE(k{index}, 0) ELSE {share} END AS p{index}")

    total = " + ".join(["fixed_cents", *(f"p{i}" for i in range(len(relatives)))])
    # Tie-break: the stored merit_key, with each relative criterion's points (7 digits) put back in its place.
    width = rules.POINT_DIGITS
    merit, start = [], 1
    for index, rel in enumerate(relatives):
        length = rel.before * width - (start - 1)
        if length > 0:
            merit.append(f"SUBSTR(merit_key, {start}, {length}) DESC")
        merit.append(f"p{index} DESC")
        start = rel.before * width + 1
    merit.append(f"SUBSTR(merit_key, {start}) DESC")
    collate = ' COLLATE "C"' if _pg() else ""
    # PostgreSQL inlines a CTE used once, which would compute every expression again in each window's sort key.
    materialized = "MATERIALIZED " if _pg() else ""
    merit_order = ", ".join(
        f"{item.removesuffix(' DESC')}{collate} DESC" if item.startswith("SUBSTR") else item for item in merit
    )
    equal = ", ".join(
        ["group_id", "kind", "ratio_cents", "targets_met", "merit_key", *(f"p{i}" for i in range(len(relatives)))]
    )
    list_order = f"ratio_cents DESC, targets_met DESC, {merit_order}"
    return f"""
        WITH base AS (
            SELECT st.id, st.participant_id, st.group_id, st.kind, st.targets_met, st.merit_key, st.sort_key,
                   {_int("ROUND(st.fixed_points * 100)")} AS fixed_cents,
                   {_int("ROUND(st.max_points * 100)")} AS max_cents
                   {"".join(", " + f for f in figures)}
            FROM scoring_standing st {" ".join(joins)}
            WHERE st.period_id = %s {where}
        ), best AS {materialized}(
            SELECT base.* {"".join(", " + b for b in bests)} FROM base
        ), scored AS {materialized}(
            SELECT best.* {"".join(", " + p for p in points)} FROM best
        ), totalled AS (
            SELECT scored.*, {total} AS total_cents FROM scored
        ), rated AS {materialized}(
            SELECT totalled.*,
                   CASE WHEN max_cents = 0 THEN 0
                        ELSE {_div("2 * total_cents * 10000 + max_cents", "2 * max_cents")} END AS ratio_cents
            FROM totalled
        )
        SELECT id, participant_id, group_id, kind, total_cents, ratio_cents,
               RANK() OVER (PARTITION BY group_id, kind ORDER BY {list_order}) AS rank,
               COUNT(*) OVER (PARTITION BY {equal}) > 1 AS tied,
               ROW_NUMBER() OVER (PARTITION BY group_id, kind ORDER BY {list_order}, sort_key{collate}, participant_id)
                   AS position,
               COUNT(*) OVER (PARTITION BY group_id, kind) AS size
               {"".join(f", p{i}" for i in range(len(relatives)))}
        FROM rated
    """


def ranked_rows(
    *, period_id: int, plan_id: int, group_id: int | None = None, kind: str | None = None, lists: bool = True
) -> list[RankedRow]:
    """Every standing of the period's lists (or of one group and/or kind: always whole lists), ranked now."""
    relatives = _relatives(plan_id)
    where = ""
    params: list[Any] = [period_id]
    if group_id is not None:
        where += " AND st.group_id = %s"
        params.append(group_id)
    if kind is not None:
        where += " AND st.kind = %s"
        params.append(kind)
    with connection.cursor() as cursor:
        cursor.execute(_sql(relatives, where), params)
        rows = cursor.fetchall()
    count = len(relatives)
    return [
        RankedRow(
            row[0],
            row[1],
            row[2],
            row[3],
            int(row[4]),
            int(row[5]),
            int(row[6]),
            bool(row[7]),
            int(row[8]),
            int(row[9]),
            tuple(None if value is None else int(value) for value in row[10 : 10 + count]),
        )
        for row in rows
    ]


def materialize(*, period_id: int, plan_id: int) -> None:
    """Write the ranking of a whole period into its rows (a whole-period recompute, the close before it freezes):
    rank, đồng hạng, position, total and ratio on every standing, the relative criteria's points on the scores. The
    ranking query runs once; its rows are written with one UPDATE per table (and per relative criterion) on
    PostgreSQL (arrays unnested), one executemany elsewhere."""
    relatives = _relatives(plan_id)
    rows = ranked_rows(period_id=period_id, plan_id=plan_id)
    standings = [(row.id, row.rank, row.tied, row.position, row.total_points, row.ratio) for row in rows]
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                """UPDATE scoring_standing AS st SET rank = v.rank, tied = v.tied, position = v.position,
                          total_points = v.total, ratio = v.ratio
                   FROM unnest(%s::bigint[], %s::integer[], %s::boolean[], %s::integer[], %s::numeric[],
                               %s::numeric[]) AS v(id, rank, tied, position, total, ratio)
                   WHERE st.id = v.id""",
                [list(column) for column in zip(*standings, strict=True)] if standings else [[]] * 6,
            )
        else:
            cursor.executemany(
                "UPDATE scoring_standing SET rank = %s, tied = %s, position = %s, total_points = %s, ratio = %s "
                "WHERE id = %s",
                [
                    (rank, tied, position, str(total), str(ratio), pk)
                    for pk, rank, tied, position, total, ratio in standings
                ],
            )
        for index, rel in enumerate(relatives):
            # The query gives a member without a value its stored points (COALESCE); None is skipped all the same.
            points = [
                (row.participant_id, Decimal(cents) / 100)
                for row in rows
                if (cents := row.relative_cents[index]) is not None
            ]
            if _pg():
                cursor.execute(
                    """UPDATE scoring_score AS sc SET points = v.points
                       FROM unnest(%s::bigint[], %s::numeric[]) AS v(participant_id, points)
                       WHERE sc.period_id = %s AND sc.criterion_id = %s AND sc.participant_id = v.participant_id""",
                    [[p for p, _points in points], [value for _p, value in points], period_id, rel.id],
                )
            else:
                cursor.executemany(
                    "UPDATE scoring_score SET points = %s WHERE period_id = %s AND criterion_id = %s "
                    "AND participant_id = %s",
                    [(str(value), period_id, rel.id, participant) for participant, value in points],
                )
