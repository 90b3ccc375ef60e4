"""Reward amounts and Vietnamese amounts in words: pure functions, no ORM.

The reward of an award kind is a coefficient of the base salary (mức lương cơ sở) in force on the
signing date; a collective gets a multiple of the individual amount. The 2017 decree rounds "lên hàng
chục ngàn đồng"; other sources round to the nearest 10,000, so the mode, the step and the order
(multiply before or after rounding) come from the RewardRule in force (DOMAIN.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

UP = "up"
NEAREST = "nearest"


@dataclass(frozen=True)
class Amount:
    """A reward amount: the raw product (shown beside it) and the amount paid after rounding."""

    raw: Decimal
    rounded: int


@dataclass(frozen=True)
class RewardAmounts:
    """The individual and the collective amount of one award kind on one date."""

    base_salary: int
    individual: Amount
    collective: Amount


def round_to_step(value: Decimal | int, *, mode: str = UP, step: int = 10_000) -> int:
    """Round a non-negative amount to a multiple of `step`: "up" to the next one, "nearest" half up."""
    if step <= 0:
        raise ValueError("step must be positive")
    if mode not in (UP, NEAREST):
        raise ValueError(f"unknown rounding mode {mode!r}")
    units = Decimal(value) / Decimal(step)
    quantized = units.quantize(Decimal(1), rounding=ROUND_CEILING if mode == UP else ROUND_HALF_UP)
    return int(quantized) * step


def reward_amounts(
    *,
    base_salary: int,
    individual_coefficient: Decimal | str | int,
    collective_multiplier: Decimal | str | int = 2,
    mode: str = UP,
    step: int = 10_000,
    double_before_rounding: bool = True,
) -> RewardAmounts:
    """Individual = coefficient × base salary; collective = multiplier × individual, rounded per the rule.

    With `double_before_rounding` (the default) the collective amount is computed from the unrounded
    individual product and then rounded: 2,340,000 × 0.15 = 351,000 → 360,000, collective 702,000 → 710,000.
    Otherwise the rounded individual amount is multiplied: 2 × 360,000 = 720,000.
    """
    coefficient = Decimal(str(individual_coefficient))
    multiplier = Decimal(str(collective_multiplier))
    raw_individual = Decimal(base_salary) * coefficient
    individual = round_to_step(raw_individual, mode=mode, step=step)
    raw_collective = raw_individual * multiplier
    collective = (
        round_to_step(raw_collective, mode=mode, step=step)
        if double_before_rounding
        else int(Decimal(individual) * multiplier)
    )
    return RewardAmounts(
        base_salary=base_salary,
        individual=Amount(raw=_normal(raw_individual), rounded=individual),
        collective=Amount(raw=_normal(raw_collective), rounded=collective),
    )


def _normal(value: Decimal) -> Decimal:
    """351000.000 → 351000; 379500.0 → 379500 (no exponent notation)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 1_000_000_000


def _three_digits(number: int, *, leading: bool, zero_tens: str) -> list[str]:
    """Words of 0–999 inside a larger number; a non-leading group keeps its "không trăm" and "linh"."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(zero_tens)  # 105 → một trăm linh năm
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")  # 21 → hai mươi mốt (but 11 → mười một, 101 → một trăm linh một)
        elif units == 5 and tens > 0:
            words.append("lăm")  # 15 → mười lăm, 25 → hai mươi lăm (but 105 → một trăm linh năm)
        else:
            words.append(DIGITS[units])
    return words


def _below_billion(number: int, *, leading: bool, zero_tens: str) -> list[str]:
    """Words of 0–999,999,999 by groups of triệu, nghìn and units; zero groups are skipped."""
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group = number // scale % 1000
        if not group:
            continue
        words += _three_digits(group, leading=leading and not words, zero_tens=zero_tens)
        if name:
            words.append(name)
    return words


def number_in_words(number: int, *, zero_tens: str = "linh") -> str:
    """Vietnamese words of a non-negative integer: 105 → "một trăm linh năm", 21 → "hai mươi mốt".

    `zero_tens` is "linh" (the written norm in the north) or "lẻ" (the south): 105 → "một trăm lẻ năm".
    Groups of nine digits are joined with "tỷ": 1,000,000,000,000 → "một nghìn tỷ".
    """
    if number < 0:
        raise ValueError("number must not be negative")
    if zero_tens not in ("linh", "lẻ"):
        raise ValueError("zero_tens must be 'linh' or 'lẻ'")
    if number == 0:
        return DIGITS[0]
    words: list[str] = []
    if number >= BILLION:
        words += [number_in_words(number // BILLION, zero_tens=zero_tens), "tỷ"]
    words += _below_billion(number % BILLION, leading=number < BILLION, zero_tens=zero_tens)
    return " ".join(words)


def amount_in_words(amount: int, *, currency: str = "đồng", zero_tens: str = "linh") -> str:
    """An amount as written in a decision: 360000 → "Ba trăm sáu mươi nghìn đồng" (capitalised, with currency)."""
    text = number_in_words(amount, zero_tens=zero_tens)
    text = text[0].upper() + text[1:]
    return f"{text} {currency}" if currency else text
