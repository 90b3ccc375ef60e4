"""The scoring rules, exact and pure: period values, points per criterion, ratio, ranking, completeness.

No ORM here: plain values in, plain values out, Decimal arithmetic throughout. docs/scoring.md states every rule
and its worked examples; tests/scoring/test_rules.py checks each of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from django.utils.translation import get_language, gettext

# The Vietnamese name order lives with the other Vietnamese text helpers (the officials' lists sort by it too).
from campaigns.vietnamese import vi_sort_key as vi_sort_key

ZERO = Decimal(0)
HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
VALUE_PLACES = Decimal("0.0001")
# A criterion not met is "close" when its value is within this share of the target (scorecard colour).
CLOSE_MARGIN = Decimal("0.10")

RATE, COUNT, BOOLEAN = "rate", "count", "boolean"
HIGHER, LOWER = "higher", "lower"
SUM, LAST = "sum", "last"
GTE, LTE, EQ = "gte", "lte", "eq"
THRESHOLD, LINEAR, BANDS, RELATIVE = "threshold", "linear", "bands", "relative"
NOT_APPLICABLE, FULL, ZERO_POINTS = "not_applicable", "full", "zero"

MET, CLOSE, FAR = "met", "close", "far"


_CATALOGUES: dict[str | None, dict[str, str]] = {}
_active: dict[str, str] = {}


def _use_active_language() -> None:
    """Pick the memo of the active language once per explanation (get_language() itself is costly when called for
    each of the ~10 phrases of hundreds of thousands of explanations)."""
    global _active
    _active = _CATALOGUES.setdefault(get_language(), {})


def _(message: str) -> str:
    """gettext, memoised per language (see _use_active_language)."""
    translated = _active.get(message)
    if translated is None:
        translated = _active[message] = gettext(message)
    return translated


def format_number(value: Decimal | int | None, places: int = 0) -> str:
    """Vietnamese number: 1234.5, 2 → "1.234,50" (half-up), like core.formatting.format_number but faster."""
    if value is None:
        return "—"
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not number:
        number = abs(number)  # no "-0,00"
    return f"{number:,.{places}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _round_fraction(value: Fraction, places: int) -> Decimal:
    """An exact fraction rounded half-up to `places` decimals, in one step (no intermediate rounding)."""
    numerator, denominator = value.numerator, value.denominator  # integers: no Fraction arithmetic on the hot path
    whole = (abs(numerator) * 10**places * 2 + denominator) // (denominator * 2)  # floor(|value| × 10^p + 1/2)
    return Decimal(whole if numerator >= 0 else -whole).scaleb(-places)


def round2(value: Decimal | Fraction) -> Decimal:
    """Round half-up to 2 decimal places (points, totals, ratios); a Fraction is rounded exactly, once."""
    if isinstance(value, Fraction):
        return _round_fraction(value, 2)
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round4(value: Decimal | Fraction) -> Decimal:
    """Round half-up to 4 decimal places (the period value as stored and shown; rules use the exact value)."""
    if isinstance(value, Fraction):
        return _round_fraction(value, 4)
    return Decimal(value).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------------------------------------
# Inputs


class _Numbers(NamedTuple):
    """A spec's numbers as exact fractions, converted once per spec (a national close scores 266,000 values)."""

    target: Fraction | None
    maximum: Fraction
    worst: Fraction | None
    bands: tuple[tuple[Fraction, Fraction], ...]


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """What the rules need to know about a criterion and its indicator."""

    id: int
    order: int
    kind: str = RATE  # rate | count | boolean (the indicator's)
    direction: str = HIGHER  # higher | lower (the indicator's)
    accumulation: str = SUM  # sum | last (the indicator's)
    comparison: str = GTE
    target: Decimal | None = ZERO  # None: a relative criterion without a target ("the most gets full points")
    max_points: Decimal = Decimal(10)
    rule: str = THRESHOLD
    worst: Decimal | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] = ()
    zero_denominator: str = NOT_APPLICABLE
    unit_label: str = ""
    indicator_id: int = 0
    # Its numbers as exact fractions, converted once (see _numbers); not part of equality or hashing.
    numbers: _Numbers | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", _numbers(self))


def spec_as_dict(spec: CriterionSpec) -> dict[str, Any]:
    """A spec as JSON-ready values (Decimals as strings), for the criteria a closed period was scored by."""
    return {
        "id": spec.id,
        "order": spec.order,
        "kind": spec.kind,
        "direction": spec.direction,
        "accumulation": spec.accumulation,
        "comparison": spec.comparison,
        "target": None if spec.target is None else str(spec.target),
        "max_points": str(spec.max_points),
        "rule": spec.rule,
        "worst": None if spec.worst is None else str(spec.worst),
        "bands": [[str(bound), str(points)] for bound, points in spec.bands],
        "zero_denominator": spec.zero_denominator,
        "unit_label": spec.unit_label,
        "indicator_id": spec.indicator_id,
    }


def spec_from_dict(data: dict[str, Any]) -> CriterionSpec:
    """The inverse of spec_as_dict."""
    return CriterionSpec(
        **{
            **data,
            "target": None if data.get("target") is None else Decimal(data["target"]),
            "max_points": Decimal(data["max_points"]),
            "worst": None if data.get("worst") is None else Decimal(data["worst"]),
            "bands": tuple((Decimal(bound), Decimal(points)) for bound, points in data.get("bands", [])),
        }
    )


def explain_stored(
    spec: CriterionSpec,
    *,
    value: Decimal | None,
    numerator_total: int | None,
    denominator_total: int | None,
    points: Decimal,
    applicable: bool,
    met: bool,
    windows_expected: int,
    windows_present: int,
    best: Decimal | Fraction | None = None,
) -> str:
    """The "vì sao" sentence of a stored score, exactly as score_criterion would have written it then."""
    period = stored_period_value(spec, value, numerator_total, denominator_total)
    result = CriterionResult(
        criterion_id=spec.id,
        order=spec.order,
        max_points=spec.max_points,
        period=period,
        points=points,
        applicable=applicable,
        met=met,
        missing=value is None and not period.zero_denominator,
        windows_expected=windows_expected,
        windows_present=windows_present,
    )
    return explain(spec, result, best)


class ReadingValue(NamedTuple):
    """One window's reading of an indicator: numerator/denominator for rates, value for counts and yes/no (1/0)."""

    window_start: dt.date
    numerator: int | None = None
    denominator: int | None = None
    value: Decimal | None = None


# ------------------------------------------------------------------------------------------------------------
# Period value


@dataclass(frozen=True, slots=True)
class PeriodValue:
    """The value of an indicator over a period, and what it was made of."""

    value: Decimal | None  # percent for rates, the figure for counts, 1/0 for yes/no; None when there is none
    numerator_total: int | None = None
    denominator_total: int | None = None
    readings: int = 0
    zero_denominator: bool = False  # a rate whose pooled denominator is 0: "không phát sinh"
    # The value as an exact fraction (17/321 stays 1700/321 %): points and comparisons use it; `value` is that
    # fraction rounded to 4 places, for storage and display only.
    exact: Fraction | None = None

    @property
    def figure(self) -> Fraction | Decimal | None:
        """The exact value every rule computes with: a rate's fraction, or the value itself (a count's Decimal is
        exact already)."""
        return self.exact if self.exact is not None else self.value


def stored_period_value(
    spec: CriterionSpec,
    value: Decimal | None,
    numerator_total: int | None,
    denominator_total: int | None,
    readings: int = 0,
) -> PeriodValue:
    """A period value rebuilt from a stored score: a rate's exact value comes back from its two totals."""
    zero_denominator = spec.kind == RATE and value is None and denominator_total == 0
    exact = None
    if spec.kind == RATE and value is not None and denominator_total:
        exact = Fraction((numerator_total or 0) * 100, denominator_total)
    return PeriodValue(value, numerator_total, denominator_total, readings, zero_denominator, exact)


class ReadingTotals(NamedTuple):
    """What the period value of one indicator needs from a participant's readings of a period: counts, sums and the
    last usable reading (by window). A rate's reading is usable when it has a denominator, any other's when it has a
    value. Built in Python by `reading_totals`, or by one SQL aggregate over a whole period (scoring.services.scores);
    both feed the same `period_value_from_totals`, so the rule exists once."""

    rate_count: int = 0  # readings with a denominator
    value_count: int = 0  # readings with a value
    numerator_sum: int = 0  # Σ numerators of the readings with a denominator
    denominator_sum: int = 0
    value_sum: Decimal | None = None
    last_numerator: int | None = None  # of the last reading with a denominator
    last_denominator: int | None = None
    last_value: Decimal | None = None  # of the last reading with a value
    rate_due: int = 0  # usable readings in a window that is due (completeness)
    value_due: int = 0


def reading_totals(
    readings: Iterable[ReadingValue],
    due_starts: frozenset[dt.date] | set[dt.date] = frozenset(),
) -> ReadingTotals:
    """The totals of one indicator's readings (any order; one reading per window)."""
    rate_count = value_count = numerator_sum = denominator_sum = rate_due = value_due = 0
    value_sum: Decimal | None = None
    last_rate: ReadingValue | None = None
    last_value: ReadingValue | None = None
    for reading in readings:
        if reading.denominator is not None:
            rate_count += 1
            numerator_sum += reading.numerator or 0
            denominator_sum += reading.denominator
            rate_due += reading.window_start in due_starts
            if last_rate is None or reading.window_start > last_rate.window_start:
                last_rate = reading
        if reading.value is not None:
            value_count += 1
            value_sum = Decimal(reading.value) + (value_sum or ZERO)
            value_due += reading.window_start in due_starts
            if last_value is None or reading.window_start > last_value.window_start:
                last_value = reading
    return ReadingTotals(
        rate_count,
        value_count,
        numerator_sum,
        denominator_sum,
        value_sum,
        last_rate.numerator if last_rate else None,
        last_rate.denominator if last_rate else None,
        # (a reading becomes last_value only when it has a value)
        Decimal(last_value.value) if last_value is not None and last_value.value is not None else None,
        rate_due,
        value_due,
    )


def period_value_from_totals(kind: str, accumulation: str, totals: ReadingTotals) -> PeriodValue:
    """Combine a period's readings: rates pooled (Σ numerators / Σ denominators × 100, never a mean of rates),
    counts summed, yes/no the last answer, and "last" indicators the last reading (by window)."""
    if kind == RATE:
        count = totals.rate_count
        if not count:
            return PeriodValue(value=None)
        if accumulation == LAST:
            numerator, denominator = totals.last_numerator or 0, totals.last_denominator or 0
        else:
            numerator, denominator = totals.numerator_sum, totals.denominator_sum
        if denominator == 0:
            return PeriodValue(None, numerator, denominator, count, zero_denominator=True)
        exact = Fraction(numerator * 100, denominator)
        return PeriodValue(round4(exact), numerator, denominator, count, exact=exact)
    count = totals.value_count
    if not count:
        return PeriodValue(value=None)
    if kind == BOOLEAN:
        return PeriodValue(Decimal(1) if totals.last_value else Decimal(0), readings=count)
    # A reading with a value was counted, so there is a last value and a sum.
    if accumulation == LAST:
        assert totals.last_value is not None
        return PeriodValue(round4(totals.last_value), readings=count)
    assert totals.value_sum is not None
    return PeriodValue(round4(totals.value_sum), readings=count)


def period_value(kind: str, accumulation: str, readings: Iterable[ReadingValue]) -> PeriodValue:
    """The period value of a list of readings (see period_value_from_totals)."""
    return period_value_from_totals(kind, accumulation, reading_totals(readings))


# ------------------------------------------------------------------------------------------------------------
# Points


_ZERO_FRACTION = Fraction(0)


def _exact(value: Decimal | Fraction | int) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _numbers(spec: CriterionSpec) -> _Numbers:
    if spec.numbers is not None:
        return spec.numbers
    return _Numbers(
        None if spec.target is None else Fraction(spec.target),
        Fraction(spec.max_points),
        None if spec.worst is None else Fraction(spec.worst),
        tuple((Fraction(bound), Fraction(points)) for bound, points in spec.bands),
    )


def _compare(value: Decimal | Fraction, other: Fraction, other_decimal: Decimal | None) -> int:
    """-1, 0 or 1 as value <, = or > other, exactly; a Decimal value is compared as a Decimal (cheaper)."""
    if isinstance(value, Fraction):
        cross_left, cross_right = value.numerator * other.denominator, other.numerator * value.denominator
        return (cross_left > cross_right) - (cross_left < cross_right)
    right = other_decimal if other_decimal is not None else Decimal(other.numerator) / other.denominator
    return (value > right) - (value < right)


def target_met(spec: CriterionSpec, value: Decimal | Fraction) -> bool:
    """Whether a period value meets the criterion's target under its comparison (≥, ≤ or =); a criterion without
    a target (relative: "the most gets full points") is never met."""
    if spec.target is None:
        return False
    target = _numbers(spec).target
    assert target is not None  # spec.target is set, so is its fraction
    order = _compare(value, target, spec.target)
    if spec.comparison == LTE:
        return order <= 0
    if spec.comparison == EQ:
        return order == 0
    return order >= 0


def _linear_points(spec: CriterionSpec, value: Fraction) -> Fraction:
    numbers = _numbers(spec)
    maximum, target = numbers.maximum, numbers.target or Fraction(0)
    if spec.direction == LOWER:
        if value <= target:
            return maximum
        worst = numbers.worst
        if worst is None or worst <= target or value >= worst:
            return Fraction(0)
        return maximum * (worst - value) / (worst - target)
    if target <= 0 or value >= target:
        return maximum
    # max × value / target as one fraction (one normalisation instead of three).
    return Fraction(
        maximum.numerator * value.numerator * target.denominator,
        maximum.denominator * value.denominator * target.numerator,
    )


def canonical_bands(direction: str, bands: Iterable[Sequence[Any]]) -> tuple[tuple[Decimal, Decimal], ...]:
    """Bands in the one order they are stored and written in: the best threshold first (highest when higher is
    better, lowest when lower is better). Raises ValueError naming a threshold written twice."""
    pairs = [(Decimal(str(bound)), Decimal(str(points))) for bound, points in bands]
    seen: set[Decimal] = set()
    for bound, _points in pairs:
        if bound in seen:
            raise ValueError(bound)
        seen.add(bound)
    return tuple(sorted(pairs, key=lambda pair: pair[0], reverse=direction != LOWER))


def reached_band(spec: CriterionSpec, value: Decimal | Fraction) -> tuple[Decimal, Decimal] | None:
    """The best band the value reaches, whatever order the bands are written in: the highest threshold at or below
    the value (higher is better), or the lowest threshold at or above it (lower is better); None when none."""
    best = None
    for (bound, points), (exact_bound, _exact_points) in zip(spec.bands, _numbers(spec).bands, strict=True):
        order = _compare(value, exact_bound, bound)
        if spec.direction == LOWER:
            if order <= 0 and (best is None or bound < best[0]):
                best = (bound, points)
        elif order >= 0 and (best is None or bound > best[0]):
            best = (bound, points)
    return best


def _band_points(spec: CriterionSpec, value: Decimal | Fraction) -> Fraction:
    band = reached_band(spec, value)
    return Fraction(0) if band is None else min(Fraction(band[1]), _numbers(spec).maximum)


def _relative_points(spec: CriterionSpec, value: Fraction, best: Fraction | None) -> Fraction:
    maximum = _numbers(spec).maximum
    if best is None:
        return Fraction(0)
    if spec.direction == LOWER:
        # The lowest value of the (group, kind) earns the maximum; others max × best / value.
        if value <= best:
            return maximum
        return maximum * best / value
    if best <= 0:
        return Fraction(0)
    return maximum * min(Fraction(1), value / best)


def raw_points(spec: CriterionSpec, value: Decimal | Fraction, best: Decimal | Fraction | None = None) -> Fraction:
    """Exact (unrounded) points of a value under the criterion's rule (`best`: the best value of the participant's
    group and kind, for relative). Rounded once, by score_criterion."""
    maximum = _numbers(spec).maximum
    if spec.rule == BANDS:
        return _band_points(spec, value)
    if spec.rule not in (LINEAR, RELATIVE):
        return maximum if target_met(spec, value) else _ZERO_FRACTION
    value = _exact(value)
    if spec.rule == LINEAR:
        points = _linear_points(spec, value)
    else:
        points = _relative_points(spec, value, None if best is None else _exact(best))
    if points.numerator <= 0:
        return _ZERO_FRACTION
    return maximum if points > maximum else points


def best_value(direction: str, values: Iterable[Fraction | Decimal | None]) -> Fraction | None:
    """The best period value among the participants of one group and kind (highest, or lowest when lower is
    better); collectives and individuals are never compared with each other."""
    present = [_exact(v) for v in values if v is not None]
    if not present:
        return None
    return min(present) if direction == LOWER else max(present)


# ------------------------------------------------------------------------------------------------------------
# One criterion's result, with its explanation


@dataclass(slots=True)
class CriterionResult:
    """Points of one participant on one criterion, whether it counts, whether the target is met, and why."""

    criterion_id: int
    order: int
    max_points: Decimal
    period: PeriodValue
    points: Decimal = ZERO
    applicable: bool = True
    met: bool = False
    missing: bool = False  # no reading at all in the period
    windows_expected: int = 0
    windows_present: int = 0
    explanation: str = ""

    @property
    def complete(self) -> bool:
        return self.windows_present >= self.windows_expected and not self.missing


SIGNS = {GTE: "≥", LTE: "≤", EQ: "="}
NEGATED = {GTE: "<", LTE: ">", EQ: "≠"}


def format_value(spec: CriterionSpec, value: Decimal | Fraction | None) -> str:
    """A period value or target as a user reads it: "92,50%", "12", "Có"/"Không"."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = round4(value)
    if spec.kind == RATE:
        return f"{format_number(value, 2)}%"
    if spec.kind == BOOLEAN:
        return _("Có") if value else _("Không")
    places = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    text = format_number(value, places)
    return f"{text} {spec.unit_label}".strip()


def _label(spec: CriterionSpec) -> str:
    return {RATE: _("Tỷ lệ"), COUNT: _("Số lượng"), BOOLEAN: _("Kết quả")}.get(spec.kind, _("Giá trị"))


def _points_text(points: Decimal, maximum: Decimal) -> str:
    return _("%(points)s/%(max)s điểm") % {"points": format_number(points, 2), "max": format_number(maximum, 2)}


def _how(spec: CriterionSpec, value: Decimal | Fraction, points: Decimal, best: Decimal | Fraction | None) -> str:
    """The arithmetic behind the points, for rules other than the plain threshold."""
    maximum = format_number(spec.max_points, 2)
    if spec.rule == LINEAR and points not in (ZERO, spec.max_points):
        if spec.direction == LOWER:
            return _(
                "tuyến tính giữa chỉ tiêu %(target)s và mức 0 điểm %(worst)s: %(max)s × (%(worst)s − %(value)s)"
                " / (%(worst)s − %(target)s)"
            ) % {
                "target": format_value(spec, spec.target),
                "worst": format_value(spec, spec.worst),
                "max": maximum,
                "value": format_value(spec, value),
            }
        return _("%(max)s × %(value)s / %(target)s") % {
            "max": maximum,
            "value": format_value(spec, value),
            "target": format_value(spec, spec.target),
        }
    if spec.rule == LINEAR and spec.direction == LOWER and points == ZERO and spec.worst is not None:
        return _("từ mức %(worst)s trở lên không được điểm") % {"worst": format_value(spec, spec.worst)}
    if spec.rule == BANDS:
        band = reached_band(spec, value)
        if band is None:
            return _("không thuộc khung điểm nào")
        return _("khung %(sign)s %(bound)s được %(points)s điểm") % {
            "sign": "≤" if spec.direction == LOWER else "≥",
            "bound": format_value(spec, Decimal(band[0])),
            "points": format_number(Decimal(band[1]), 2),
        }
    if spec.rule == RELATIVE:
        if best is None or (spec.direction != LOWER and best <= 0):
            return _("giá trị cao nhất trong khối bằng 0")
        if spec.direction == LOWER:
            return _("%(max)s × thấp nhất trong khối %(best)s / %(value)s") % {
                "max": maximum,
                "best": format_value(spec, best),
                "value": format_value(spec, value),
            }
        return _("%(max)s × %(value)s / cao nhất trong khối %(best)s") % {
            "max": maximum,
            "value": format_value(spec, value),
            "best": format_value(spec, best),
        }
    return ""


def explain(spec: CriterionSpec, result: CriterionResult, best: Decimal | Fraction | None = None) -> str:
    """The "vì sao" sentence, e.g. "Tỷ lệ 92,50% ≥ chỉ tiêu 90,00% → đạt 10,00/10,00 điểm"."""
    _use_active_language()
    pv = result.period
    maximum = spec.max_points
    if result.missing:
        text = _("Chưa có số liệu trong đợt → %(points)s (thiếu số liệu)") % {"points": _points_text(ZERO, maximum)}
    elif pv.zero_denominator:
        if not result.applicable:
            text = _("Không phát sinh (mẫu số bằng 0) → tiêu chí không tính cho đối tượng này")
        elif result.points:
            text = _("Không phát sinh (mẫu số bằng 0) → được tối đa %(points)s") % {
                "points": _points_text(result.points, maximum)
            }
        else:
            text = _("Không phát sinh (mẫu số bằng 0) → %(points)s") % {"points": _points_text(ZERO, maximum)}
    else:
        value = pv.figure
        assert value is not None  # neither missing nor "không phát sinh": the period has a value
        sign = SIGNS[spec.comparison] if result.met else NEGATED[spec.comparison]
        head = _("%(label)s %(value)s") % {"label": _label(spec), "value": format_value(spec, value)}
        if spec.kind == RATE and pv.denominator_total is not None:
            head += f" ({format_number(pv.numerator_total)}/{format_number(pv.denominator_total)})"
        compare = _("%(head)s %(sign)s chỉ tiêu %(target)s") % {
            "head": head,
            "sign": sign,
            "target": format_value(spec, spec.target),
        }
        how = _how(spec, value, result.points, best)
        verdict = _("đạt") if result.met else _("không đạt")
        if spec.target is None:
            # A relative criterion without a target: nothing to meet, only the share of the best.
            text = _("%(head)s, %(how)s → %(points)s") % {
                "head": head,
                "how": how,
                "points": _points_text(result.points, maximum),
            }
        elif how:
            text = _("%(compare)s, %(how)s → %(verdict)s chỉ tiêu, %(points)s") % {
                "compare": compare,
                "how": how,
                "verdict": verdict,
                "points": _points_text(result.points, maximum),
            }
        elif result.met:
            text = _("%(compare)s → đạt %(points)s") % {
                "compare": compare,
                "points": _points_text(result.points, maximum),
            }
        else:
            text = _("%(compare)s → không đạt, %(points)s") % {
                "compare": compare,
                "points": _points_text(result.points, maximum),
            }
    if result.windows_present < result.windows_expected and not result.missing:
        text += _(" (thiếu số liệu %(missing)s/%(expected)s kỳ)") % {
            "missing": result.windows_expected - result.windows_present,
            "expected": result.windows_expected,
        }
    return text


def score_criterion(
    spec: CriterionSpec,
    period: PeriodValue,
    *,
    best: Decimal | Fraction | None = None,
    windows_expected: int = 0,
    windows_present: int | None = None,
    with_explanation: bool = True,
) -> CriterionResult:
    """Points of one criterion from its period value: applicability, target met, rounded points and explanation.

    `best` is the group's best value (relative rule only). Windows expected/present feed completeness. A whole
    period is scored `with_explanation=False`: the "vì sao" text is built when a page shows it (explain_score).
    """
    present = period.readings if windows_present is None else windows_present
    result = CriterionResult(
        criterion_id=spec.id,
        order=spec.order,
        max_points=spec.max_points,
        period=period,
        windows_expected=windows_expected,
        windows_present=present,
    )
    if period.zero_denominator:
        if spec.zero_denominator == FULL:
            result.points, result.met = round2(spec.max_points), True
        elif spec.zero_denominator == ZERO_POINTS:
            result.points = ZERO
        else:
            result.applicable = False
    elif period.value is None:
        result.missing = True
    else:
        # The exact value (17/321 stays a fraction): points are rounded once, here.
        figure = period.figure
        assert figure is not None  # period.value is set
        result.met = target_met(spec, figure)
        result.points = round2(raw_points(spec, figure, best))
    if with_explanation:
        result.explanation = explain(spec, result, best)
    return result


def scorecard(spec: CriterionSpec, result: CriterionResult) -> str:
    """Colour of a criterion cell: met (target met), close (within 10 % of the target), far; "" when not counted."""
    if not result.applicable:
        return ""
    if result.met:
        return MET
    value = result.period.value
    if value is None or spec.kind == BOOLEAN:
        return FAR
    if spec.target is None:  # relative without a target: close when within 10 % of the maximum points
        return CLOSE if result.points >= spec.max_points * (1 - CLOSE_MARGIN) else FAR
    margin = abs(spec.target) * CLOSE_MARGIN
    if spec.comparison == LTE:
        return CLOSE if value <= spec.target + margin else FAR
    if spec.comparison == EQ:
        return CLOSE if abs(value - spec.target) <= margin else FAR
    return CLOSE if value >= spec.target - margin else FAR


# ------------------------------------------------------------------------------------------------------------
# Totals, ratio, ranking


@dataclass(slots=True)
class Totals:
    """A participant's total over its criteria: points, applicable maximum, ratio, targets met, tie-break vector."""

    total: Decimal
    max_points: Decimal
    ratio: Decimal
    targets_met: int
    applicable: int
    tiebreak: tuple[Decimal, ...]


def totals(results: Sequence[CriterionResult]) -> Totals:
    """Total = sum of rounded points; ratio = total / Σ max of applicable criteria × 100 (half-up, 2 places; 0 when
    nothing applies); tie-break = points per criterion in plan order (0 where not applicable)."""
    applicable = [r for r in results if r.applicable]
    total = sum((r.points for r in applicable), ZERO)
    maximum = sum((r.max_points for r in applicable), ZERO)
    ratio = round2(total * HUNDRED / maximum) if maximum else ZERO
    ordered = sorted(results, key=lambda r: (r.order, r.criterion_id))
    return Totals(
        total=round2(total),
        max_points=round2(maximum),
        ratio=ratio,
        targets_met=sum(1 for r in applicable if r.met),
        applicable=len(applicable),
        tiebreak=tuple(r.points if r.applicable else ZERO for r in ordered),
    )


@dataclass(frozen=True, slots=True)
class RankEntry:
    """One participant to rank: its key (any hashable id), name, ratio, targets met and tie-break points."""

    key: int
    name: str
    ratio: Decimal
    targets_met: int
    tiebreak: tuple[Decimal, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranked:
    """The rank (shared by equals: 1, 2, 2, 4), whether it is shared, and the display position (1…n)."""

    key: int
    rank: int
    tied: bool
    position: int


def rank(entries: Iterable[RankEntry]) -> list[Ranked]:
    """Rank a group: ratio desc, then targets met desc, then points on each criterion in plan order desc; still equal →
    same rank, flagged tied. Display order among equals follows the Vietnamese name sort (then the key)."""

    def merit(entry: RankEntry) -> tuple[Decimal, int, tuple[Decimal, ...]]:
        return (-entry.ratio, -entry.targets_met, tuple(-p for p in entry.tiebreak))

    ordered = sorted(entries, key=lambda e: (merit(e), vi_sort_key(e.name), e.key))
    merits = [merit(e) for e in ordered]
    ranked: list[Ranked] = []
    current_rank = 0
    for index, entry in enumerate(ordered):
        if index == 0 or merits[index] != merits[index - 1]:
            current_rank = index + 1
        tied = (index > 0 and merits[index] == merits[index - 1]) or (
            index + 1 < len(ordered) and merits[index] == merits[index + 1]
        )
        ranked.append(Ranked(key=entry.key, rank=current_rank, tied=tied, position=index + 1))
    return ranked


def standing_colour(ratio: Decimal, targets_met: int, applicable: int) -> str:
    """Colour of a standing row: met when every applicable criterion meets its target, close when the ratio is at
    least 80 %, far otherwise."""
    if applicable and targets_met >= applicable:
        return MET
    if ratio >= Decimal(80):
        return CLOSE
    return FAR


# ------------------------------------------------------------------------------------------------------------
# Completeness


@dataclass(frozen=True, slots=True)
class Completeness:
    """Readings expected and present for one participant in one period."""

    expected: int
    present: int

    @property
    def complete(self) -> bool:
        return self.present >= self.expected

    @property
    def label(self) -> str:
        return f"{self.present}/{self.expected}"


def expected_windows(windows: Sequence[tuple[dt.date, dt.date]], as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The windows that count as due on `as_of`: every window that has started by then (all of them once the
    period is over)."""
    return [w for w in windows if w[0] <= as_of]


def completeness(
    indicator_ids: Iterable[int], due_starts: Iterable[dt.date], present: Iterable[tuple[int, dt.date]]
) -> Completeness:
    """Expected = distinct indicators of the applicable criteria × due windows; present = those pairs with a reading
    (zero is a value, not a gap)."""
    indicators = set(indicator_ids)
    starts = set(due_starts)
    expected = {(i, s) for i in indicators for s in starts}
    return Completeness(expected=len(expected), present=len(expected & set(present)))


# ------------------------------------------------------------------------------------------------------------
# Sortable keys stored on a standing, so that SQL window functions rank as `rank` does


POINT_DIGITS = 7  # points in hundredths, up to 99.999,99


def points_key(points: Iterable[Decimal]) -> str:
    """Points per criterion as one string of digits that sorts like the tuple of points (7 digits each, in
    hundredths): the stored tie-break, compared with SQL's ORDER BY … DESC on every database and collation."""
    return "".join(f"{int(p * 100):0{POINT_DIGITS}d}" for p in points)  # points are rounded to 2 places already


def name_key(name: str) -> str:
    """vi_sort_key as a string of digits that sorts the same way in SQL (plain byte order of digits): each letter as
    one class digit and 7 digits, then a 0 that ends the letters, then the tones (one digit each)."""
    letters, tones, _name = vi_sort_key(name)
    classes = {-2: "1", -1: "2", 0: "3", 1: "4"}
    encoded = "".join(f"{classes[group]}{value:07d}" for group, value in letters)
    return f"{encoded}0{''.join(str(tone) for tone in tones)}"
