"""Reporting windows of a period (pure): months, ISO weeks, or the whole period, by the plan's frequency."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from campaigns.models import Period


class Window(NamedTuple):
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1 and self.start.month == self.end.month:
            return f"Tháng {self.start.month:02d}/{self.start.year}"
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def windows_between(start: dt.date, end: dt.date, frequency: str) -> list[Window]:
    """Windows covering [start, end]: 'monthly' (calendar months, clipped), 'weekly' (Mon–Sun), 'per_period'."""
    if end < start:
        return []
    if frequency == "per_period":
        return [Window(start, end)]
    windows: list[Window] = []
    cursor = start
    while cursor <= end:
        if frequency == "weekly":
            stop = cursor + dt.timedelta(days=6 - cursor.weekday())
        elif frequency == "monthly":
            stop = _month_end(cursor)
        else:
            raise ValueError(f"unknown frequency {frequency!r}")
        stop = min(stop, end)
        windows.append(Window(cursor, stop))
        cursor = stop + dt.timedelta(days=1)
    return windows


def windows_for(period: Period) -> list[Window]:
    """The reporting windows of a campaigns.Period, by its plan's frequency."""
    return windows_between(period.start, period.end, period.plan.frequency)


def window_containing(period: Period, day: dt.date) -> Window | None:
    return next((window for window in windows_for(period) if window.start <= day <= window.end), None)
