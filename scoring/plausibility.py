"""Soft warnings on a reading (pure, no ORM): a value far from the previous windows, a rate that jumped.

They never block saving; the page shows them beside the cell and offers the "check again" flag and a comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_number, format_percent

RATE_JUMP_POINTS = Decimal(30)  # percentage points between two consecutive windows
FAR_FACTOR = Decimal(3)  # more than 3× or less than a third of the recent average
RECENT_WINDOWS = 3


@dataclass(frozen=True)
class Figures:
    """The figures of one reading: rate parts or a single value (counts, yes/no)."""

    numerator: int | None = None
    denominator: int | None = None
    value: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return Decimal(self.numerator) * 100 / Decimal(self.denominator)

    @property
    def volume(self) -> Decimal | None:
        """The size that should stay roughly stable: a rate's denominator, a count's value."""
        if self.denominator is not None:
            return Decimal(self.denominator)
        return None if self.value is None else Decimal(self.value)


def _far(current: Decimal, history: list[Decimal]) -> Decimal | None:
    """The recent average when the current figure is more than FAR_FACTOR away from it, else None."""
    if not history:
        return None
    mean = sum(history, Decimal(0)) / len(history)
    if mean <= 0:
        return None
    if current > mean * FAR_FACTOR or current * FAR_FACTOR < mean:
        return mean
    return None


def reading_warnings(*, kind: str, current: Figures, previous: list[Figures]) -> list[str]:
    """Warnings for a new reading given the earlier windows' figures (most recent first); yes/no never warns."""
    warnings: list[str] = []
    if kind == "boolean" or not previous:
        return warnings
    if kind == "rate":
        last_rate = next((figures.rate for figures in previous if figures.rate is not None), None)
        if current.rate is not None and last_rate is not None and abs(current.rate - last_rate) > RATE_JUMP_POINTS:
            text = _("Tỷ lệ thay đổi %(delta)s điểm phần trăm so với kỳ trước (%(previous)s → %(current)s).")
            warnings.append(
                text
                % {
                    "delta": format_number(abs(current.rate - last_rate), 2),
                    "previous": format_percent(last_rate),
                    "current": format_percent(current.rate),
                }
            )
    volume = current.volume
    history = [figures.volume for figures in previous[:RECENT_WINDOWS] if figures.volume is not None]
    if volume is not None:
        mean = _far(volume, history)
        if mean is not None:
            what = _("Mẫu số") if kind == "rate" else _("Giá trị")
            warnings.append(
                _("%(what)s %(value)s khác xa trung bình %(count)s kỳ trước (%(mean)s).")
                % {
                    "what": what,
                    "value": format_number(volume),
                    "count": len(history),
                    "mean": format_number(mean, 2 if mean != mean.to_integral_value() else 0),
                }
            )
    return warnings
