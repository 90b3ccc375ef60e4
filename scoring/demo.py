"""Plausible, deterministic demo readings for a plan, then a recompute, so the standings have something to show.

Every participant × indicator of its criteria × window that has ended by `until` gets a reading, except the last
window of the plan's latest period, left empty so the demo office staff have a month to enter by hand or by Excel.
The same seed gives the same figures on any database (random streams are keyed by names and codes, not ids), and
running it again adds nothing (existing readings are kept).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.models import Participant, Period, Plan
from scoring.models import Criterion, Reading
from scoring.services.scores import recompute_period
from scoring.windows import Window, windows_for


def _rate_for(criterion: Criterion | None, direction: str, skill: float, rng: random.Random) -> float:
    """A monthly rate (0–1) around the criterion's target, better for a more skilled participant."""
    target = float(criterion.target) / 100 if criterion is not None and criterion.target is not None else 0.8
    target = min(max(target, 0.0), 1.0)
    if direction == "lower":
        worst = float(criterion.worst) / 100 if criterion is not None and criterion.worst is not None else target + 0.1
        rate = target + (0.5 - skill) * (worst - target + 0.04) * 2 + rng.uniform(-0.02, 0.02)
    else:
        rate = target + (skill - 0.5) * 0.3 + rng.uniform(-0.05, 0.05)
    return min(max(rate, 0.0), 1.0)


def _series(
    *, indicator, criterion: Criterion | None, windows: list[Window], skill: float, rng: random.Random
) -> list[dict]:
    """Figures for one participant and indicator over the windows, as Reading field values."""
    rows: list[dict] = []
    cumulative_num = cumulative_den = 0
    cumulative_value = Decimal(0)
    zero_ok = criterion is not None and criterion.zero_denominator != Criterion.ZeroDenominator.NOT_APPLICABLE
    for _window in windows:
        if indicator.kind == "rate":
            denominator = 0 if zero_ok and rng.random() < 0.3 else rng.randint(15, 160)
            numerator = round(denominator * _rate_for(criterion, indicator.direction, skill, rng))
            if indicator.accumulation == "last":
                cumulative_num += numerator
                cumulative_den += denominator
                numerator, denominator = cumulative_num, cumulative_den
            rows.append({"numerator": numerator, "denominator": denominator})
        elif indicator.kind == "boolean":
            rows.append({"value": Decimal(1 if rng.random() < 0.55 + skill * 0.4 else 0)})
        else:
            target = float(criterion.target) if criterion is not None and criterion.target else 6.0
            per_window = target / max(len(windows), 1) * (0.6 + skill * 0.8)
            value = Decimal(max(0, round(rng.gauss(per_window, max(per_window * 0.3, 0.5)))))
            if indicator.accumulation == "last":
                cumulative_value += value
                value = cumulative_value
            rows.append({"value": value})
    return rows


def _windows_to_fill(period: Period, until: dt.date, leave_last_empty: bool) -> list[Window]:
    windows = [w for w in windows_for(period) if w.end <= until]
    if leave_last_empty and windows and windows[-1] == windows_for(period)[-1] and len(windows) > 1:
        windows = windows[:-1]
    return windows


@transaction.atomic
def generate_demo_readings(
    *, plan: Plan, seed: int = 2024, until: dt.date | None = None, leave_last_empty: bool = True
) -> int:
    """Create the demo readings of a plan up to `until` (today by default) and recompute its periods; returns how
    many readings were added. With `leave_last_empty` the last window of the last period stays for data entry."""
    until = until or timezone.localdate()
    periods = list(Period.objects.filter(plan=plan).select_related("plan").order_by("start"))
    criteria = list(Criterion.objects.filter(plan=plan).select_related("indicator").order_by("order"))
    participants = list(Participant.objects.filter(plan=plan).order_by("name", "pk"))
    added = 0
    for index, period in enumerate(periods):
        windows = _windows_to_fill(period, until, leave_last_empty=leave_last_empty and index == len(periods) - 1)
        if not windows:
            continue
        status = Reading.Status.SUBMITTED
        rows: list[Reading] = []
        for participant in participants:
            skill = random.Random(f"{seed}:{plan.key}:{participant.name}").random()
            indicators: dict[int, Criterion] = {}
            for criterion in criteria:
                if criterion.applies_to_kind(participant.kind):
                    indicators.setdefault(criterion.indicator_id, criterion)
            for criterion in indicators.values():
                rng = random.Random(f"{seed}:{plan.key}:{period.order}:{participant.name}:{criterion.indicator.code}")
                series = _series(
                    indicator=criterion.indicator, criterion=criterion, windows=windows, skill=skill, rng=rng
                )
                for window, fields in zip(windows, series, strict=True):
                    rows.append(
                        Reading(
                            participant=participant,
                            indicator=criterion.indicator,
                            period=period,
                            window_start=window.start,
                            window_end=window.end,
                            status=status,
                            note="Số liệu mẫu",
                            **fields,
                        )
                    )
        before = Reading.objects.filter(period=period).count()
        Reading.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        added += Reading.objects.filter(period=period).count() - before
        recompute_period(period=period)
    return added
