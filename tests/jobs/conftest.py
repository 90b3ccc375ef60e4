"""A small closed-able plan of commune A: two sections and two officials, one rate criterion, two monthly windows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from awards.models import AwardKind, QuotaRule
from campaigns.models import Plan
from scoring.models import Criterion, Indicator, Reading
from tests.factories import PeriodFactory, PersonFactory, PlanFactory, collective, individual, make_unit


@pytest.fixture
def closing_plan(org):
    plan = PlanFactory(
        issuer=org.commune_a,
        status=Plan.Status.ACTIVE,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 6, 30),
        frequency=Plan.Frequency.MONTHLY,
        total_points=Decimal(100),
    )
    period = PeriodFactory(plan=plan, order=1, name="Đợt 1", start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 29))
    section_2 = make_unit("T-H-A-TP", "Tư pháp – Hộ tịch xã An Bình", "bo_phan", org.commune_a)
    indicator = Indicator.objects.create(code="so-hoa-test", name="Tỷ lệ số hóa hồ sơ", kind=Indicator.Kind.RATE)
    Criterion.objects.create(
        plan=plan,
        indicator=indicator,
        code="so-hoa",
        name="Số hóa hồ sơ ≥ 90%",
        target=Decimal(90),
        max_points=Decimal(100),
        rule=Criterion.Rule.LINEAR,
    )
    award = AwardKind.objects.create(
        code="gk-xa-test",
        name="Giấy khen của Chủ tịch UBND xã",
        level="commune",
        individual_coefficient=Decimal("0.15"),
    )
    QuotaRule.objects.create(plan=plan, award_kind=award, max_collectives=1, max_individuals=1)
    people = [PersonFactory(unit=org.section_a, full_name=name) for name in ("Lê Thị Ánh", "Trần Văn Bình")]
    participants = [
        collective(plan, org.section_a),
        collective(plan, section_2),
        individual(plan, people[0]),
        individual(plan, people[1]),
    ]
    numerators = [95, 80, 92, 70]  # out of 100 each month: section A and Ánh lead
    for participant, numerator in zip(participants, numerators, strict=True):
        for month in (1, 2):
            Reading.objects.create(
                participant=participant,
                indicator=indicator,
                period=period,
                window_start=dt.date(2024, month, 1),
                window_end=dt.date(2024, month, 31 if month == 1 else 29),
                numerator=numerator,
                denominator=100,
                status=Reading.Status.SUBMITTED,
            )
    return SimpleNamespace(plan=plan, period=period, participants=participants, award=award, indicator=indicator)
