"""A reading's figures as plain values: read off a reading, described in Vietnamese words, and carried from the
Excel parser to the import service in an ImportRow (so the parser and the service share them without importing
each other)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from campaigns.models import Participant
from core.formatting import format_number
from scoring.models import Indicator, Reading


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

    @property
    def shown(self) -> str:
        return describe_figures(self.indicator, self.figures)

    @property
    def previous_shown(self) -> str:
        return describe_figures(self.indicator, reading_figures(self.reading)) if self.reading else "—"
