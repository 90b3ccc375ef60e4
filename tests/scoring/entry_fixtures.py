"""Shared data for the data-entry and Excel tests: an active monthly plan of the district with communes A and B.

The period runs from the first day of the month two months ago to the end of next month, so the current month's
window is open today, the window two months ago is past its deadline, and next month has not started.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from campaigns.models import Plan
from scoring.models import Criterion, Indicator
from scoring.windows import windows_for
from tests.factories import PeriodFactory, PersonFactory, PlanFactory, collective, individual


def _month_start(day: dt.date, shift: int) -> dt.date:
    month = day.month - 1 + shift
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def entry_world(org, today: dt.date | None = None) -> SimpleNamespace:
    """A district plan (active, monthly, 5 grace days), one period of four months, three indicators and criteria."""
    today = today or timezone.localdate()
    start = _month_start(today, -2)
    end = _month_start(today, 2) - dt.timedelta(days=1)
    plan = PlanFactory(
        issuer=org.district, start=start, end=end, status=Plan.Status.ACTIVE, frequency="monthly", grace_days=5
    )
    period = PeriodFactory(plan=plan, start=start, end=end, order=1, name="Đợt 1")
    on_time = Indicator.objects.create(
        code="ho-so-dung-han",
        name="Tỷ lệ hồ sơ giải quyết đúng hạn",
        kind=Indicator.Kind.RATE,
        numerator_label="Số hồ sơ đúng hạn",
        denominator_label="Tổng số hồ sơ đã giải quyết",
    )
    events = Indicator.objects.create(
        code="so-buoi-tuyen-truyen", name="Số buổi tuyên truyền", kind=Indicator.Kind.COUNT, unit_label="buổi"
    )
    report = Indicator.objects.create(code="bao-cao-dung-han", name="Gửi báo cáo đúng hạn", kind=Indicator.Kind.BOOLEAN)
    Criterion.objects.create(
        plan=plan,
        indicator=on_time,
        code="tc1",
        order=1,
        name="Giải quyết hồ sơ đúng hạn",
        target=Decimal(95),
        max_points=Decimal(40),
        rule="linear",
    )
    Criterion.objects.create(
        plan=plan,
        indicator=events,
        code="tc2",
        order=2,
        name="Tổ chức tuyên truyền",
        target=Decimal(2),
        max_points=Decimal(30),
        applies_to="collective",
    )
    Criterion.objects.create(
        plan=plan,
        indicator=report,
        code="tc3",
        order=3,
        name="Báo cáo đúng hạn",
        target=Decimal(1),
        max_points=Decimal(30),
    )
    windows = windows_for(period)
    person_a = PersonFactory(unit=org.section_a, full_name="Trần Thị Hoa")
    return SimpleNamespace(
        plan=plan,
        period=period,
        windows=windows,
        on_time=on_time,
        events=events,
        report=report,
        current=windows[2],
        expired=windows[0],
        future=windows[3],
        commune_a=collective(plan, org.commune_a),
        commune_b=collective(plan, org.commune_b),
        person_a=individual(plan, person_a),
    )
