"""Builders shared by the scoring engine tests: a plan with criteria, participants and readings."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from campaigns.models import Participant, Period
from scoring.models import Criterion, Indicator, Reading
from scoring.windows import windows_for
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective


def indicator(
    code: str, kind: str = "rate", direction: str = "higher", accumulation: str = "sum", **extra
) -> Indicator:
    defaults = {
        "name": code.replace("-", " ").capitalize(),
        "kind": kind,
        "direction": direction,
        "accumulation": accumulation,
    }
    return Indicator.objects.get_or_create(code=code, defaults={**defaults, **extra})[0]


def criterion(plan, ind: Indicator, order: int, target, max_points=10, **extra) -> Criterion:
    return Criterion.objects.create(
        plan=plan,
        indicator=ind,
        code=f"tc-{order}",
        order=order,
        name=f"Tiêu chí {order}",
        target=None if target is None else Decimal(str(target)),
        max_points=Decimal(str(max_points)),
        **extra,
    )


def read(
    participant: Participant,
    ind: Indicator,
    period: Period,
    month: int,
    numerator=None,
    denominator=None,
    value=None,
    year: int = 2024,
) -> Reading:
    window = next(w for w in windows_for(period) if w.start.month == month and w.start.year == year)
    return Reading.objects.create(
        participant=participant,
        indicator=ind,
        period=period,
        window_start=window.start,
        window_end=window.end,
        numerator=numerator,
        denominator=denominator,
        value=None if value is None else Decimal(str(value)),
    )


def small_plan(org, months: int = 3):
    """A commune-issued plan (January–March 2024, monthly) with communes A and B in one group."""
    plan = PlanFactory(issuer=org.district, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), status="active")
    last_day = calendar.monthrange(2024, months)[1]
    period = PeriodFactory(plan=plan, start=dt.date(2024, 1, 1), end=dt.date(2024, months, last_day))
    group = GroupFactory(plan=plan, name="Khối xã")
    a = collective(plan, org.commune_a, group)
    b = collective(plan, org.commune_b, group)
    return plan, period, group, a, b
