"""The pure scoring rules: every worked example of docs/scoring.md, the edge cases, and property-based checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import rules
from scoring.rules import CriterionSpec, RankEntry, ReadingValue, period_value, score_criterion

JAN, FEB, MAR = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)


def rate(*pairs):
    starts = [JAN, FEB, MAR, dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)]
    return [ReadingValue(starts[i], n, d) for i, (n, d) in enumerate(pairs)]


def spec(**kw):
    return CriterionSpec(id=kw.pop("id", 1), order=kw.pop("order", 1), **kw)


def points(s, value, best=None):
    return score_criterion(s, rules.PeriodValue(D(value), readings=1), best=best).points


# --- Period value -------------------------------------------------------------------------------------------


def test_worked_example_1_rates_are_pooled_never_averaged():
    pv = period_value("rate", "sum", rate((90, 100), (10, 20), (170, 180)))
    assert (pv.numerator_total, pv.denominator_total) == (270, 300)
    assert pv.value == D("90.0000")


def test_counts_are_summed_and_last_indicators_take_the_latest_window():
    readings = [ReadingValue(FEB, value=D(7)), ReadingValue(JAN, value=D(5)), ReadingValue(MAR, value=D(3))]
    assert period_value("count", "sum", readings).value == D(15)
    assert period_value("count", "last", readings).value == D(3)
    cumulative = [ReadingValue(MAR, 250, 300), ReadingValue(JAN, 80, 100)]
    assert period_value("rate", "last", cumulative).value == D("83.3333")


def test_yes_no_is_the_last_answer():
    assert period_value("boolean", "sum", [ReadingValue(JAN, value=D(1)), ReadingValue(FEB, value=D(0))]).value == 0
    assert period_value("boolean", "sum", [ReadingValue(FEB, value=D(1)), ReadingValue(JAN, value=D(0))]).value == 1


def test_no_readings_give_no_value_and_a_zero_denominator_is_flagged():
    assert period_value("rate", "sum", []).value is None
    pv = period_value("rate", "sum", rate((0, 0), (0, 0)))
    assert pv.zero_denominator and pv.value is None and pv.readings == 2


@pytest.mark.parametrize(
    ("policy", "expected_points", "applicable", "met"),
    [
        ("not_applicable", D(0), False, False),
        ("full", D("6.00"), True, True),
        ("zero", D(0), True, False),
    ],
)
def test_zero_denominator_follows_the_criterion_setting(policy, expected_points, applicable, met):
    s = spec(target=D(100), max_points=D(6), zero_denominator=policy)
    result = score_criterion(s, period_value("rate", "sum", rate((0, 0))))
    assert (result.points, result.applicable, result.met) == (expected_points, applicable, met)
    assert "Không phát sinh" in result.explanation


# --- Points -------------------------------------------------------------------------------------------------


def test_worked_example_2_threshold_with_its_explanation():
    s = spec(target=D(90), max_points=D(10))
    result = score_criterion(s, period_value("rate", "sum", rate((90, 100), (95, 100))))
    assert result.points == D("10.00") and result.met
    assert result.explanation == "Tỷ lệ 92,50% (185/200) ≥ chỉ tiêu 90,00% → đạt 10,00/10,00 điểm"
    missed = score_criterion(s, period_value("rate", "sum", rate((85, 100))))
    assert missed.points == 0 and not missed.met
    assert missed.explanation == "Tỷ lệ 85,00% (85/100) < chỉ tiêu 90,00% → không đạt, 0,00/10,00 điểm"


@pytest.mark.parametrize(
    ("comparison", "value", "met"),
    [
        ("gte", 90, True),
        ("gte", D("89.99"), False),
        ("lte", 2, True),
        ("lte", D("2.01"), False),
        ("eq", 1, True),
        ("eq", 0, False),
    ],
)
def test_threshold_comparisons(comparison, value, met):
    target = {"gte": 90, "lte": 2, "eq": 1}[comparison]
    s = spec(target=D(target), max_points=D(5), comparison=comparison)
    assert points(s, value) == (D(5) if met else 0)


def test_worked_example_3_linear_higher_is_better():
    s = spec(target=D(50), max_points=D(10), rule="linear")
    assert points(s, 45) == D("9.00")
    assert points(s, 80) == D("10.00")
    assert points(s, 0) == 0


def test_worked_example_4_linear_lower_is_better():
    s = spec(target=D(2), worst=D(10), max_points=D(10), rule="linear", direction="lower", comparison="lte")
    assert points(s, 5) == D("6.25")
    assert points(s, 1) == D("10.00")
    assert points(s, 2) == D("10.00")
    assert points(s, 10) == 0
    assert points(s, 12) == 0


def test_linear_lower_without_a_worst_value_is_a_threshold():
    s = spec(target=D(2), max_points=D(10), rule="linear", direction="lower", comparison="lte")
    assert points(s, 2) == D(10) and points(s, D("2.5")) == 0


def test_worked_example_5_bands():
    s = spec(target=D(90), max_points=D(10), rule="bands", bands=((D(90), D(10)), (D(75), D(6)), (D(0), D(0))))
    assert points(s, 80) == D("6.00")
    assert points(s, 90) == D("10.00")
    assert points(s, 10) == 0
    lower = spec(
        target=D(2),
        max_points=D(10),
        rule="bands",
        direction="lower",
        comparison="lte",
        bands=((D(2), D(10)), (D(5), D(5))),
    )
    assert points(lower, 4) == D("5.00")
    assert points(lower, 1) == D("10.00")
    assert points(lower, 6) == 0


def test_a_band_never_gives_more_than_the_maximum():
    s = spec(target=D(1), max_points=D(5), rule="bands", bands=((D(0), D(50)),))
    assert points(s, 3) == D(5)


def test_worked_example_6_relative_to_the_best_of_the_group():
    s = spec(target=D(0), max_points=D(10), rule="relative", kind="count")
    assert points(s, 30, best=D(40)) == D("7.50")
    assert points(s, 40, best=D(40)) == D("10.00")
    assert points(s, 0, best=D(0)) == 0
    lower = spec(target=D(5), max_points=D(10), rule="relative", kind="count", direction="lower", comparison="lte")
    assert points(lower, 4, best=D(2)) == D("5.00")
    assert points(lower, 0, best=D(0)) == D("10.00")
    assert rules.best_value("higher", [D(3), None, D(7)]) == D(7)
    assert rules.best_value("lower", [D(3), None, D(7)]) == D(3)
    assert rules.best_value("higher", [None]) is None


def test_worked_example_7_each_criterion_is_rounded_half_up_and_the_total_sums_rounded_points():
    s = spec(target=D(30), max_points=D(10), rule="linear")
    assert points(s, 10) == D("3.33")
    results = [
        score_criterion(
            spec(id=i, order=i, target=D(30), max_points=D(10), rule="linear"), rules.PeriodValue(D(10), readings=1)
        )
        for i in (1, 2, 3)
    ]
    assert rules.totals(results).total == D("9.99")
    assert rules.round2(D("0.125")) == D("0.13") and rules.round2(D("0.135")) == D("0.14")


def test_worked_example_8_ratio_leaves_out_criteria_not_applicable():
    c1 = spec(id=1, order=1, target=D(90), max_points=D(10))
    c2 = spec(
        id=2, order=2, target=D(2), worst=D(10), max_points=D(10), rule="linear", direction="lower", comparison="lte"
    )
    c3 = spec(id=3, order=3, target=D(100), max_points=D(6))
    results = [
        score_criterion(c1, period_value("rate", "sum", rate((95, 100)))),
        score_criterion(c2, period_value("rate", "sum", rate((5, 100)))),
        score_criterion(c3, period_value("rate", "sum", rate((0, 0)))),
    ]
    summary = rules.totals(results)
    assert (summary.total, summary.max_points, summary.ratio) == (D("16.25"), D("20.00"), D("81.25"))
    assert summary.targets_met == 1 and summary.applicable == 2
    assert summary.tiebreak == (D("10.00"), D("6.25"), D(0))


def test_nothing_applicable_gives_a_zero_ratio():
    assert rules.totals([]).ratio == 0


# --- Ranking ------------------------------------------------------------------------------------------------


def test_worked_example_9_equals_share_a_rank_and_are_flagged_tied():
    entries = [
        RankEntry(1, "Xã Bốn", D(80), 1),
        RankEntry(2, "Xã Hai", D(90), 2),
        RankEntry(3, "Xã Ba", D(90), 2),
        RankEntry(4, "Xã Một", D(95), 3),
    ]
    ranked = {r.key: r for r in rules.rank(entries)}
    assert [ranked[k].rank for k in (4, 2, 3, 1)] == [1, 2, 2, 4]
    assert ranked[2].tied and ranked[3].tied and not ranked[4].tied and not ranked[1].tied
    # Among equals: Vietnamese alphabetical order, "Xã Ba" before "Xã Hai".
    assert ranked[3].position == 2 and ranked[2].position == 3
    entries[1] = RankEntry(2, "Xã Hai", D(90), 3)
    ranked = {r.key: r for r in rules.rank(entries)}
    assert [ranked[k].rank for k in (4, 2, 3, 1)] == [1, 2, 3, 4]
    assert not any(r.tied for r in ranked.values())


def test_ranking_breaks_ties_by_points_in_plan_order():
    entries = [RankEntry(1, "A", D(90), 2, (D(4), D(5))), RankEntry(2, "B", D(90), 2, (D(5), D(4)))]
    ranked = {r.key: r for r in rules.rank(entries)}
    assert ranked[2].rank == 1 and ranked[1].rank == 2 and not ranked[1].tied


def test_vietnamese_names_sort_in_dictionary_order():
    names = ["Đức", "Dung", "Ánh", "Zô", "Anh", "Bình", "Ân", "Ăn", "Ưng", "Uyên", "Ơn", "Ông", "Em", "Êm"]
    assert sorted(names, key=rules.vi_sort_key) == [
        "Anh",
        "Ánh",
        "Ăn",
        "Ân",
        "Bình",
        "Dung",
        "Đức",
        "Em",
        "Êm",
        "Ông",
        "Ơn",
        "Uyên",
        "Ưng",
        "Zô",
    ]
    assert sorted(["Nguyễn Văn Đạt", "Nguyễn Văn Dũng", "nguyễn văn an"], key=rules.vi_sort_key) == [
        "nguyễn văn an",
        "Nguyễn Văn Dũng",
        "Nguyễn Văn Đạt",
    ]


# --- Completeness, explanations, colours --------------------------------------------------------------------


def test_worked_example_10_a_missing_month_is_computed_from_what_exists_and_flagged():
    s = spec(target=D(90), max_points=D(10))
    result = score_criterion(s, period_value("rate", "sum", rate((90, 100), (95, 100))), windows_expected=3)
    assert result.points == D("10.00") and not result.complete
    assert result.explanation.endswith("(thiếu số liệu 1/3 kỳ)")
    state = rules.completeness([7, 8], [JAN, FEB, MAR], [(7, JAN), (7, FEB), (8, JAN), (8, FEB), (8, MAR), (9, JAN)])
    assert (state.present, state.expected, state.complete, state.label) == (5, 6, False, "5/6")


def test_a_criterion_without_any_reading_scores_zero_but_is_never_silently_zero():
    result = score_criterion(spec(target=D(90), max_points=D(10)), period_value("rate", "sum", []), windows_expected=3)
    assert result.applicable and result.missing and result.points == 0 and not result.complete
    assert result.explanation == "Chưa có số liệu trong đợt → 0,00/10,00 điểm (thiếu số liệu)"


def test_due_windows_are_those_started():
    windows = [(JAN, dt.date(2024, 1, 31)), (FEB, dt.date(2024, 2, 29)), (MAR, dt.date(2024, 3, 31))]
    assert rules.expected_windows(windows, dt.date(2024, 2, 10)) == windows[:2]


def test_explanations_of_counts_and_yes_no():
    count = spec(target=D(10), max_points=D(5), kind="count", unit_label="hồ sơ")
    result = score_criterion(count, period_value("count", "sum", [ReadingValue(JAN, value=D(12))]))
    assert result.explanation == "Số lượng 12 hồ sơ ≥ chỉ tiêu 10 hồ sơ → đạt 5,00/5,00 điểm"
    yes_no = spec(target=D(1), max_points=D(5), kind="boolean", comparison="eq")
    result = score_criterion(yes_no, period_value("boolean", "sum", [ReadingValue(JAN, value=D(0))]))
    assert result.explanation == "Kết quả Không ≠ chỉ tiêu Có → không đạt, 0,00/5,00 điểm"


def test_scorecard_colours():
    s = spec(target=D(90), max_points=D(10))
    colour = lambda value: rules.scorecard(s, score_criterion(s, rules.PeriodValue(D(value), readings=1)))  # noqa: E731
    assert (colour(95), colour(85), colour(50)) == ("met", "close", "far")
    lower = spec(target=D(2), max_points=D(10), comparison="lte", direction="lower")
    assert rules.scorecard(lower, score_criterion(lower, rules.PeriodValue(D("2.1"), readings=1))) == "close"
    assert rules.standing_colour(D(100), 3, 3) == "met"
    assert rules.standing_colour(D(85), 2, 3) == "close"
    assert rules.standing_colour(D(50), 1, 3) == "far"


# --- Properties ---------------------------------------------------------------------------------------------

decimals = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
specs = st.builds(
    lambda rule, direction, target, worst_gap, max_points, b1, b2: CriterionSpec(
        id=1,
        order=1,
        rule=rule,
        direction=direction,
        target=target,
        worst=target + worst_gap,
        max_points=max_points,
        comparison="lte" if direction == "lower" else "gte",
        bands=((max(b1, b2), max_points), (min(b1, b2), max_points / 2)),  # well-formed: higher bound, more points
    ),
    st.sampled_from(["threshold", "linear", "bands", "relative"]),
    st.sampled_from(["higher", "lower"]),
    decimals,
    decimals,
    st.decimals(min_value=0, max_value=100, places=2),
    decimals,
    decimals,
)


@given(specs, decimals, st.one_of(st.none(), decimals))
def test_points_never_exceed_the_maximum_nor_go_below_zero(s, value, best):
    result = score_criterion(s, rules.PeriodValue(value, readings=1), best=best)
    assert 0 <= result.points <= s.max_points


@given(specs.filter(lambda s: s.direction == "higher"), decimals, decimals, decimals)
def test_raising_a_higher_is_better_value_never_lowers_points(s, value, extra, best):
    best = max(best, value + extra)  # the best of the group is at least the raised value
    low = score_criterion(s, rules.PeriodValue(value, readings=1), best=best).points
    high = score_criterion(s, rules.PeriodValue(value + extra, readings=1), best=best).points
    assert high >= low


@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(lambda t: (min(t), max(t))),
        min_size=1,
        max_size=12,
    )
)
def test_pooling_equals_the_hand_formula(pairs):
    starts = [dt.date(2024, month, 1) for month in range(1, 13)]
    readings = [ReadingValue(starts[i], n, d) for i, (n, d) in enumerate(pairs)]
    pv = period_value("rate", "sum", readings)
    numerators, denominators = sum(n for n, _ in pairs), sum(d for _, d in pairs)
    if denominators == 0:
        assert pv.zero_denominator and pv.value is None
    else:
        assert pv.value == (D(numerators) * 100 / D(denominators)).quantize(D("0.0001"), rounding="ROUND_HALF_UP")
        assert 0 <= pv.value <= 100


@given(st.lists(st.tuples(st.decimals(0, 100, places=2), st.integers(0, 5)), min_size=1, max_size=30))
def test_ranks_are_competition_ranks(rows):
    entries = [RankEntry(i, f"Xã {i}", ratio, met) for i, (ratio, met) in enumerate(rows)]
    ranked = sorted(rules.rank(entries), key=lambda r: r.position)
    assert ranked[0].rank == 1
    for previous, current in zip(ranked, ranked[1:], strict=False):
        assert current.rank in (previous.rank, current.position)
        assert (current.rank == previous.rank) == (current.tied and previous.tied and current.rank == previous.rank)


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False), st.integers(0, 4)
)
def test_fast_number_formatting_matches_the_shared_formatter(value, places):
    from core.formatting import format_number

    assert rules.format_number(value, places) == format_number(value, places)


def test_a_name_with_a_superscript_or_other_script_digit_still_sorts():
    """ "²" is a digit to str.isdigit() but no decimal number: it used to crash the ranking of its whole group."""
    names = ["Tổ 2²", "Tổ 1", "Tổ ٣"]  # ٣: Arabic-Indic three, a decimal digit
    assert sorted(names, key=rules.vi_sort_key) == ["Tổ 1", "Tổ 2²", "Tổ ٣"]


# --- Issue 14: bands in any order, exact points, relative without a target -------------------------------


BANDS_UP = ((D(30), D(5)), (D(50), D(10)), (D(70), D(15)))


@pytest.mark.parametrize(
    "order",
    [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)],
)
def test_worked_example_11_bands_give_the_best_band_reached_whatever_order_they_are_written_in(order):
    written = tuple(BANDS_UP[i] for i in order)
    s = spec(target=D(70), max_points=D(15), rule="bands", bands=written)
    assert [points(s, v) for v in (20, 30, 45, 50, 69, 70, 100)] == [0, 5, 5, 10, 10, 15, 15]
    lower = spec(
        target=D(2),
        max_points=D(10),
        rule="bands",
        direction="lower",
        comparison="lte",
        bands=tuple(((D(2), D(10)), (D(5), D(5)), (D(8), D(2)))[i] for i in order),
    )
    assert [points(lower, v) for v in (1, 2, 4, 5, 7, 9)] == [10, 10, 5, 5, 2, 0]


def test_bands_have_one_canonical_order_and_no_threshold_twice():
    assert rules.canonical_bands("higher", [[30, 5], [70, 15], [50, 10]]) == (
        (D(70), D(15)),
        (D(50), D(10)),
        (D(30), D(5)),
    )
    assert rules.canonical_bands("lower", [[5, 5], [2, 10]]) == ((D(2), D(10)), (D(5), D(5)))
    with pytest.raises(ValueError, match="50"):
        rules.canonical_bands("higher", [[50, 10], [30, 5], [50, 8]])


def test_worked_example_12_points_come_from_the_exact_value_and_are_rounded_once():
    # 17/321 = 5,29595…%; linear to a 32 % target, max 10: 10 × 5,29595…/32 = 1,65498… → 1,65.
    # Rounding the value to 5,2960 first would give 10 × 5,2960/32 = 1,655 → 1,66.
    value = rules.period_value("rate", "sum", rate((17, 321)))
    assert value.value == D("5.2960")  # stored and shown
    s = spec(target=D(32), max_points=D(10), rule="linear")
    assert score_criterion(s, value).points == D("1.65")
    # The same score rebuilt from the stored totals gives the same points (a relative re-score, a closed period).
    stored = rules.stored_period_value(s, value.value, 17, 321)
    assert score_criterion(s, stored).points == D("1.65")
    assert rules.round2(Fraction(331, 200)) == D("1.66")  # exactly 1,655: half-up


def test_worked_example_13_a_relative_criterion_without_target():
    s = spec(target=None, max_points=D(10), rule="relative", kind="count")
    best = score_criterion(s, rules.PeriodValue(D(40), readings=1), best=D(40))
    assert best.points == D("10.00") and not best.met  # full points, but nothing to meet
    other = score_criterion(s, rules.PeriodValue(D(30), readings=1), best=D(40))
    assert other.points == D("7.50")
    assert other.explanation == "Số lượng 30, 10,00 × 30 / cao nhất trong khối 40 → 7,50/10,00 điểm"
    assert rules.totals([best]).targets_met == 0
    assert rules.spec_from_dict(rules.spec_as_dict(s)) == s
