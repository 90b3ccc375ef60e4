"""The close's integer path (rules.score_totals) gives exactly what the exact rules give (issue 15, point 6).

A close scores every participant × criterion of a period (63,000 at province scale); for a rate under a threshold or
bands rule, score_totals compares the value with the target and the bands in integers instead of building exact
fractions. The result must be the same in every field, and written the same ("0.00", "10.00"), since the tie-break
stores the points as text: these properties compare it with score_criterion on the period value, boundaries included
(a value exactly on the target or on a band's bound, a zero denominator, no reading).
"""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import example, given
from hypothesis import strategies as st

from scoring import rules
from scoring.rules import CriterionSpec, ReadingTotals

bounds = st.decimals(min_value=0, max_value=150, places=4, allow_nan=False, allow_infinity=False)
maxima = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def specs(draw: st.DrawFn, rule: str | None = None) -> CriterionSpec:
    direction = draw(st.sampled_from([rules.HIGHER, rules.LOWER]))
    raw_bands = draw(st.lists(st.tuples(bounds, maxima), max_size=4, unique_by=lambda band: band[0]))
    return CriterionSpec(
        id=1,
        order=1,
        kind=rules.RATE,
        direction=direction,
        accumulation=draw(st.sampled_from([rules.SUM, rules.LAST])),
        comparison=draw(st.sampled_from([rules.GTE, rules.LTE, rules.EQ])),
        target=draw(st.one_of(st.none(), bounds)),
        max_points=draw(maxima),
        rule=rule or draw(st.sampled_from([rules.THRESHOLD, rules.BANDS])),
        bands=rules.canonical_bands(direction, raw_bands),
        zero_denominator=draw(st.sampled_from([rules.NOT_APPLICABLE, rules.FULL, rules.ZERO_POINTS])),
    )


counts = st.integers(min_value=0, max_value=10**9)


@st.composite
def totals(draw: st.DrawFn) -> ReadingTotals:
    return ReadingTotals(
        rate_count=draw(st.integers(min_value=0, max_value=12)),
        numerator_sum=draw(counts),
        denominator_sum=draw(st.one_of(st.just(0), counts)),
        last_numerator=draw(st.one_of(st.none(), counts)),
        last_denominator=draw(st.one_of(st.none(), st.just(0), counts)),
        rate_due=draw(st.integers(min_value=0, max_value=12)),
    )


def exact(spec: CriterionSpec, found: ReadingTotals, expected: int, present: int | None) -> rules.CriterionResult:
    value = rules.period_value_from_totals(spec.kind, spec.accumulation, found)
    return rules.score_criterion(
        spec, value, windows_expected=expected, windows_present=present, with_explanation=False
    )


def assert_same(spec: CriterionSpec, found: ReadingTotals, expected: int = 12, present: int | None = 3) -> None:
    fast = rules.score_totals(spec, found, windows_expected=expected, windows_present=present)
    slow = exact(spec, found, expected, present)
    assert fast == slow
    # Written the same way too: the tie-break and the stored value keep the text of the Decimal.
    assert (str(fast.points), str(fast.period.value)) == (str(slow.points), str(slow.period.value))


@given(specs(), totals(), st.one_of(st.none(), st.integers(min_value=0, max_value=12)))
def test_the_integer_path_gives_the_exact_result(spec, found, present):
    assert_same(spec, found, present=present)


@given(specs(), st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=500))
@example(CriterionSpec(id=1, order=1, target=D(90), max_points=D(10)), 9000, 1)  # 90 % exactly, ≥ 90 %: met
def test_a_value_exactly_on_the_target_or_on_a_bound(spec, hundredths, scale):
    """n/d × 100 equal to the target (or to each bound) exactly, whatever the denominator: ≥ and ≤ met, = met."""
    on = [spec.target, *(bound for bound, _points in spec.bands)]
    for bound in [value for value in on if value is not None] + [D(hundredths) / 100]:
        units = int(bound * 10_000)  # bounds have 4 places at most: numerator × 100 / denominator = bound
        found = ReadingTotals(
            rate_count=2,
            numerator_sum=units * scale,
            denominator_sum=1_000_000 * scale,
            last_numerator=units * scale,
            last_denominator=1_000_000 * scale,
        )
        assert rules.period_value_from_totals(rules.RATE, spec.accumulation, found).exact == bound
        assert_same(spec, found)


def test_worked_boundaries():
    ninety = CriterionSpec(id=1, order=1, target=D(90), max_points=D(10))
    on_target = ReadingTotals(rate_count=3, numerator_sum=270, denominator_sum=300)
    result = rules.score_totals(ninety, on_target, windows_expected=12, windows_present=3)
    assert (result.met, result.points, result.period.value) == (True, D("10.00"), D("90.0000"))
    just_below = ReadingTotals(rate_count=3, numerator_sum=269_999, denominator_sum=300_000)  # 89,99966…%
    result = rules.score_totals(ninety, just_below)
    assert (result.met, str(result.points), result.period.value) == (False, "0.00", D("89.9997"))
    # A zero denominator ("không phát sinh") and no reading at all take the exact path, by each policy.
    for policy, applicable, points in [("not_applicable", False, D(0)), ("full", True, D(10)), ("zero", True, D(0))]:
        spec = CriterionSpec(id=1, order=1, target=D(90), max_points=D(10), zero_denominator=policy)
        zero = rules.score_totals(spec, ReadingTotals(rate_count=2, numerator_sum=0, denominator_sum=0))
        assert (zero.applicable, zero.points, zero.period.zero_denominator) == (applicable, points, True)
        assert_same(spec, ReadingTotals(rate_count=2, numerator_sum=0, denominator_sum=0))
        assert_same(spec, ReadingTotals())
    # Bands, higher is better: 75 % exactly reaches the 75 band, not the 90 one.
    banded = CriterionSpec(
        id=1,
        order=1,
        target=D(90),
        max_points=D(10),
        rule=rules.BANDS,
        bands=rules.canonical_bands(rules.HIGHER, [[90, 10], [75, 6], [50, 3]]),
    )
    result = rules.score_totals(banded, ReadingTotals(rate_count=1, numerator_sum=3, denominator_sum=4))
    assert (result.met, result.points) == (False, D("6.00"))
    assert_same(banded, ReadingTotals(rate_count=1, numerator_sum=3, denominator_sum=4))
