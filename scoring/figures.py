"""A reading's figures as plain values: checked, read off a reading, described in Vietnamese words, and carried from
the Excel parser to the import service in an ImportRow (so the parser and the service share them without importing
each other).

``check_figures`` is the one statement of what figures a reading accepts (issue 16): the grid form, the services and
the Excel reader all call it with what the user typed, and each maps its problems to its own field or cell."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Participant
from core.formatting import format_number
from scoring.models import Indicator, Reading

# The largest figure each field stores (numerator/denominator: PositiveIntegerField; value: DecimalField(14, 2)).
FIGURE_MAX = {"numerator": 2_000_000_000, "denominator": 2_000_000_000, "value": 999_999_999_999}
FIGURE_FIELDS = ("numerator", "denominator", "value")
_DIGITS = re.compile(r"\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # "1.234", "12.345.678": Vietnamese thousands separators
# Under every typed figure of the grid: the dot groups thousands, it is not a decimal point.
THOUSANDS_HINT = gettext_lazy("Có thể gõ 1.234 hoặc 1234")


@dataclass(frozen=True)
class FigureProblem:
    """One refused figure: the field it belongs to ("numerator", "denominator" or "value") and the Vietnamese reason."""

    field: str
    message: str


@dataclass(frozen=True)
class CheckedFigures:
    """The figures as stored (whole numbers; a count or yes/no as a Decimal), or the problems that refuse them."""

    numerator: int | None
    denominator: int | None
    value: Decimal | None
    problems: tuple[FigureProblem, ...] = ()


def _shown(raw: Any) -> str:
    text = str(raw).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _whole(raw: Any, *, field: str, label: str, problems: list[FigureProblem]) -> int | None:
    """A whole number ≥ 0 from what was typed or read off a cell (None when blank); a problem otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, float | Decimal):
        try:
            exact = Decimal(str(raw))
            number = int(exact) if exact.is_finite() and exact == exact.to_integral_value() else None
        except (InvalidOperation, ValueError, OverflowError):
            number = None
    elif isinstance(raw, str):
        text = raw.strip()
        if _THOUSANDS.fullmatch(text):  # "1.234" is how a Vietnamese writes one thousand two hundred thirty-four
            text = text.replace(".", "")
        if _DIGITS.fullmatch(text):  # 5,000 digits are "too large", not a ValueError from int()
            number = int(text) if len(text) <= 30 else FIGURE_MAX[field] + 1
        else:
            number = None
    if number is None or number < 0:
        problems.append(
            FigureProblem(
                field,
                _("%(label)s phải là số nguyên không âm, đang có “%(text)s”.") % {"label": label, "text": _shown(raw)},
            )
        )
        return None
    if number > FIGURE_MAX[field]:
        problems.append(
            FigureProblem(
                field,
                _("%(label)s quá lớn (tối đa %(max)s), đang có “%(text)s”.")
                % {"label": label, "max": format_number(FIGURE_MAX[field]), "text": _shown(raw)},
            )
        )
        return None
    return number


def check_figures(
    indicator: Indicator, *, numerator: Any = None, denominator: Any = None, value: Any = None
) -> CheckedFigures:
    """What a reading of this indicator accepts, from the raw figures (text typed in the grid, a cell's value, a
    number passed by a service). Pure: no query, no exception; every caller maps the problems to its field or cell.

    Rate: two whole numbers, 0 ≤ numerator ≤ denominator, both or neither. Count: a whole number ≥ 0. Yes/no: 0 or
    1. Every figure within what the database stores; all blank means "no reading"."""
    problems: list[FigureProblem] = []
    if indicator.kind == Indicator.Kind.RATE:
        num = _whole(numerator, field="numerator", label=indicator.numerator_label or _("Tử số"), problems=problems)
        den = _whole(
            denominator, field="denominator", label=indicator.denominator_label or _("Mẫu số"), problems=problems
        )
        if not problems:
            if (num is None) != (den is None):
                problems.append(
                    FigureProblem("numerator" if num is None else "denominator", _("Phải nhập cả tử số và mẫu số."))
                )
            elif num is not None and den is not None and num > den:
                problems.append(
                    FigureProblem(
                        "numerator",
                        _("Tử số (%(numerator)s) không được lớn hơn mẫu số (%(denominator)s).")
                        % {"numerator": format_number(num), "denominator": format_number(den)},
                    )
                )
        if problems:
            return CheckedFigures(None, None, None, tuple(problems))
        return CheckedFigures(num, den, None)
    label = _("Giá trị")
    number = _whole(value, field="value", label=label, problems=problems)
    if not problems and indicator.kind == Indicator.Kind.BOOLEAN and number not in (None, 0, 1):
        problems.append(
            FigureProblem(
                "value",
                _("Chỉ số có/không: nhập 1 (có) hoặc 0 (không), đang có “%(text)s”.") % {"text": _shown(value)},
            )
        )
    if problems:
        return CheckedFigures(None, None, None, tuple(problems))
    return CheckedFigures(None, None, None if number is None else Decimal(number))


def clean_figures(
    indicator: Indicator, *, numerator: Any = None, denominator: Any = None, value: Any = None
) -> tuple[int | None, int | None, Decimal | None]:
    """``check_figures`` for a service: the stored figures, or ValidationError keyed by field."""
    checked = check_figures(indicator, numerator=numerator, denominator=denominator, value=value)
    if checked.problems:
        raise ValidationError({problem.field: problem.message for problem in checked.problems})
    return checked.numerator, checked.denominator, checked.value


def reading_figures(reading: Reading) -> dict[str, Any]:
    """The editable figures of a reading as a plain dict (for conflicts, previews and comparisons)."""
    return {
        "numerator": reading.numerator,
        "denominator": reading.denominator,
        "value": reading.value,
        "note": reading.note,
        "check_again": reading.check_again,
    }


def describe_figures(indicator: Indicator, figures: dict[str, Any]) -> str:
    """Figures in Vietnamese words: "45/50", "12", "Có"."""
    if indicator.kind == Indicator.Kind.RATE:
        if figures.get("numerator") is None:
            return "—"
        return f"{format_number(figures['numerator'])}/{format_number(figures['denominator'])}"
    value = figures.get("value")
    if value is None:
        return "—"
    if indicator.kind == Indicator.Kind.BOOLEAN:
        return _("Có") if Decimal(value) == 1 else _("Không")
    return format_number(value)


@dataclass
class ImportRow:
    """One row of the file that would change something, or keep it: new, changed or unchanged."""

    row: int
    participant: Participant
    indicator: Indicator
    window_start: dt.date
    window_label: str
    figures: dict[str, Any]
    reading: Reading | None
    state: str  # "new" | "changed" | "unchanged"
    warnings: list[str] = field(default_factory=list)  # the grid's plausibility warnings, set for a preview

    @property
    def shown(self) -> str:
        return describe_figures(self.indicator, self.figures)

    @property
    def previous_shown(self) -> str:
        return describe_figures(self.indicator, reading_figures(self.reading)) if self.reading else "—"
