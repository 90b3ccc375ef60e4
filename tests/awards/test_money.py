"""Reward amounts (DOMAIN.md §1 worked cases) and amounts in Vietnamese words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from awards.money import amount_in_words, number_in_words, reward_amounts, round_to_step


@pytest.mark.parametrize(
    ("base", "raw_individual", "up", "nearest", "raw_collective", "collective_up"),
    [
        (1_800_000, Decimal("270000"), 270_000, 270_000, Decimal("540000"), 540_000),
        (2_340_000, Decimal("351000"), 360_000, 350_000, Decimal("702000"), 710_000),
        (2_530_000, Decimal("379500"), 380_000, 380_000, Decimal("759000"), 760_000),
    ],
)
def test_domain_worked_table(base, raw_individual, up, nearest, raw_collective, collective_up):
    amounts = reward_amounts(base_salary=base, individual_coefficient="0.15", collective_multiplier=2)
    assert amounts.individual.raw == raw_individual
    assert amounts.individual.rounded == up
    assert amounts.collective.raw == raw_collective
    assert amounts.collective.rounded == collective_up
    nearest_amounts = reward_amounts(base_salary=base, individual_coefficient="0.15", mode="nearest")
    assert nearest_amounts.individual.rounded == nearest


def test_doubling_after_rounding_doubles_the_rounded_individual_amount():
    amounts = reward_amounts(base_salary=2_340_000, individual_coefficient="0.15", double_before_rounding=False)
    assert amounts.individual.rounded == 360_000
    assert amounts.collective.rounded == 720_000


def test_province_bang_khen_is_one_base_salary():
    amounts = reward_amounts(base_salary=2_340_000, individual_coefficient="1.0", collective_multiplier=2)
    assert (amounts.individual.rounded, amounts.collective.rounded) == (2_340_000, 4_680_000)


def test_old_base_salary_2019():
    amounts = reward_amounts(base_salary=1_490_000, individual_coefficient="0.15")
    assert amounts.individual.raw == Decimal("223500")
    assert amounts.individual.rounded == 230_000
    assert amounts.collective.rounded == 450_000  # 447,000 up


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (0, "up", 0),
        (1, "up", 10_000),
        (10_000, "up", 10_000),
        (10_001, "up", 20_000),
        (Decimal("354999.99"), "nearest", 350_000),
        (355_000, "nearest", 360_000),
        (354_999, "nearest", 350_000),
        (Decimal("350000.01"), "up", 360_000),
    ],
)
def test_round_to_step(value, mode, expected):
    assert round_to_step(value, mode=mode, step=10_000) == expected


def test_round_to_step_refuses_nonsense():
    with pytest.raises(ValueError):
        round_to_step(5, mode="down")
    with pytest.raises(ValueError):
        round_to_step(5, step=0)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (999, "chín trăm chín mươi chín"),
        (1_000, "một nghìn"),
        (1_001, "một nghìn không trăm linh một"),
        (1_010, "một nghìn không trăm mười"),
        (1_015, "một nghìn không trăm mười lăm"),
        (1_100, "một nghìn một trăm"),
        (10_000, "mười nghìn"),
        (15_000, "mười lăm nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (105_000, "một trăm linh năm nghìn"),
        (270_000, "hai trăm bảy mươi nghìn"),
        (360_000, "ba trăm sáu mươi nghìn"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm linh năm"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (1_080_000, "một triệu không trăm tám mươi nghìn"),
        (2_340_000, "hai triệu ba trăm bốn mươi nghìn"),
        (2_530_000, "hai triệu năm trăm ba mươi nghìn"),
        (15_000_000, "mười lăm triệu"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (2_001_000_000, "hai tỷ không trăm linh một triệu"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (1_250_000_000_000, "một nghìn hai trăm năm mươi tỷ"),
    ],
)
def test_number_in_words(number, words):
    assert number_in_words(number) == words


def test_southern_le_instead_of_linh():
    assert number_in_words(105, zero_tens="lẻ") == "một trăm lẻ năm"
    assert number_in_words(1_000_005, zero_tens="lẻ") == "một triệu không trăm lẻ năm"


def test_amount_in_words_is_capitalised_with_currency():
    assert amount_in_words(360_000) == "Ba trăm sáu mươi nghìn đồng"
    assert amount_in_words(2_530_000) == "Hai triệu năm trăm ba mươi nghìn đồng"
    assert amount_in_words(0) == "Không đồng"


def test_number_in_words_refuses_negative_numbers():
    with pytest.raises(ValueError):
        number_in_words(-1)


def test_every_number_below_ten_thousand_reads_without_doubled_or_empty_words():
    for number in range(10_000):
        words = number_in_words(number).split(" ")
        assert "" not in words
        assert all(a != b for a, b in zip(words, words[1:], strict=False))
        assert not (number >= 10 and words[-1] == "không")
