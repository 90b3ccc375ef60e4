"""What makes a criterion's own values valid: the one statement of these rules, pure (plain values in, problems out).

The plan file (planning/plan_io.py) maps each problem to its line, the criteria editor (planning/forms.py) to its
field, so the same bad criterion reads the same Vietnamese sentence both ways. Syntax (how a number or a band is
written in YAML or typed in a box) stays with each reader; what the values mean is checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.formatting import format_number

HUNDRED = Decimal(100)
MAX_POINTS = Decimal(10000)

# The indicator's kind and direction, and the criterion's comparison and rule, as stored (scoring/models.py).
RATE, BOOLEAN = "rate", "boolean"
LOWER = "lower"
LTE = "lte"
LINEAR, BANDS, RELATIVE = "linear", "bands", "relative"


def _number(value: Decimal) -> str:
    """A number as a person would read it back: 5, 2,5, 92,75."""
    value = Decimal(value)
    return format_number(value, 0 if value == value.to_integral_value() else len(str(value.normalize()).split(".")[1]))


def band_problems(bands: Sequence[tuple[Decimal, Decimal]], *, max_points: Decimal | None, is_rate: bool) -> list[str]:
    """Every problem of a criterion's score bands (threshold, points), numbered from 1 as written."""
    if not bands:
        return [_("Cách chấm theo khung điểm cần ít nhất một khung, ví dụ 90:10; 75:6; 0:0.")]
    problems = []
    seen: set[Decimal] = set()
    for index, (threshold, points) in enumerate(bands, start=1):
        if is_rate and not Decimal(0) <= threshold <= HUNDRED:
            problems.append(
                _("Khung %(index)s: ngưỡng tỷ lệ %(threshold)s phải từ 0 đến 100.")
                % {"index": index, "threshold": _number(threshold)}
            )
        if points < 0:
            problems.append(_("Khung %(index)s: điểm không được âm.") % {"index": index})
        elif max_points is not None and points > max_points:
            problems.append(
                _("Khung %(index)s: điểm %(points)s vượt điểm tối đa %(max)s của tiêu chí.")
                % {"index": index, "points": _number(points), "max": _number(max_points)}
            )
        if threshold in seen:
            problems.append(
                _("Khung %(index)s: ngưỡng %(threshold)s bị lặp.") % {"index": index, "threshold": _number(threshold)}
            )
        seen.add(threshold)
    return problems


def criterion_problems(
    *,
    code: str,
    kind: str,
    direction: str,
    comparison: str,
    rule: str,
    target: Decimal | None,
    worst: Decimal | None,
    max_points: Decimal | None,
    bands: Sequence[tuple[Decimal, Decimal]] | None,
) -> list[tuple[str, str]]:
    """Every problem of one criterion as (field, Vietnamese sentence); field is one of code, target, worst,
    max_points, bands. ``kind``/``direction`` are its indicator's; ``bands`` None when none were given. A yes/no
    criterion without a target means target 1 (the caller fills it in)."""
    problems: list[tuple[str, str]] = []
    if code and slugify(code) != code:
        problems.append(("code", _("Mã tiêu chí chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")))
    if max_points is not None and not Decimal(0) <= max_points <= MAX_POINTS:
        problems.append(("max_points", _("Điểm tối đa phải từ 0 đến %(high)s.") % {"high": format_number(MAX_POINTS)}))
    is_rate = kind == RATE
    if kind == BOOLEAN:
        if target is not None and target != 1:
            problems.append(("target", _("Tiêu chí có/không chỉ nhận chỉ tiêu 1 (có thực hiện).")))
    elif target is None and rule != RELATIVE:
        # Only a relative criterion ("the most gets full points") may go without a target.
        problems.append(("target", _("Nhập chỉ tiêu của tiêu chí.")))
    for name, value in (("target", target), ("worst", worst)):
        if value is not None and value < 0:
            problems.append((name, _("Giá trị không được âm.")))
        elif value is not None and is_rate and value > HUNDRED:
            problems.append((name, _("Chỉ số tỷ lệ tính theo phần trăm: giá trị phải từ 0 đến 100.")))
    lower = direction == LOWER or comparison == LTE
    if rule == LINEAR and lower and worst is None:
        problems.append(("worst", _("Tiêu chí càng thấp càng tốt chấm tuyến tính cần mức không đạt điểm.")))
    if comparison == LTE and worst is not None and target is not None and worst <= target:
        problems.append(
            (
                "worst",
                _("Mức không đạt điểm (%(worst)s) phải lớn hơn chỉ tiêu (%(target)s) với tiêu chí càng thấp càng tốt.")
                % {"worst": _number(worst), "target": _number(target)},
            )
        )
    if rule == BANDS:
        problems += [
            ("bands", message) for message in band_problems(bands or [], max_points=max_points, is_rate=is_rate)
        ]
    elif bands:
        problems.append(
            ("bands", _("Khung điểm chỉ dùng với cách chấm “Theo khung điểm”; hãy xóa khung hoặc đổi cách chấm."))
        )
    return problems
