"""Builders for the nominations tests: a commune plan, frozen standings, a quota of 1 collective + 2 individuals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from awards.models import AwardKind, Condition, DossierRequirement, QuotaRule
from campaigns.models import Person
from scoring.models import Standing
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective, individual, make_unit


def giay_khen_xa() -> AwardKind:
    return AwardKind.objects.get_or_create(
        code="giay-khen-chu-tich-xa",
        defaults={
            "name": "Giấy khen của Chủ tịch Ủy ban nhân dân xã",
            "level": "commune",
            "individual_coefficient": Decimal("0.15"),
        },
    )[0]


def stand(period, participant, rank, ratio, *, present=12, expected=12, tied=False):
    return Standing.objects.create(
        period=period,
        participant=participant,
        group=participant.group,
        kind=participant.kind,
        rank=rank,
        tied=tied,
        ratio=Decimal(ratio),
        total_points=Decimal(ratio),
        max_points=100,
        readings_expected=expected,
        readings_present=present,
        frozen=True,
        name=participant.name,
    )


def commune_plan(org, *, commune=None, prefix="A", vote_threshold=70, issuer=None) -> SimpleNamespace:
    """A plan of commune A: three sections (collectives) and four officials, frozen standings, 1 + 2 quota."""
    commune = commune or org.commune_a
    plan = PlanFactory(issuer=issuer or commune, vote_threshold=vote_threshold, status="active")
    period = PeriodFactory(plan=plan, dossier_deadline=dt.date(2024, 7, 15), status="closed")
    g_units = GroupFactory(plan=plan, name="Bộ phận", code=f"bo-phan-{prefix}")
    g_people = GroupFactory(plan=plan, name="Cá nhân", code=f"ca-nhan-{prefix}")
    sections = [
        make_unit(f"{commune.code}-{prefix}{i}", f"Bộ phận {name} {prefix}", "bo_phan", commune)
        for i, name in enumerate(["Địa chính", "Tư pháp", "Văn hóa"], start=1)
    ]
    collectives = [collective(plan, unit, g_units) for unit in sections]
    people = [
        Person.objects.create(full_name=name, position="Công chức", unit=sections[i % 3])
        for i, name in enumerate(
            [f"Nguyễn Văn An {prefix}", f"Trần Thị Bình {prefix}", f"Lê Văn Cường {prefix}", f"Phạm Thị Dung {prefix}"]
        )
    ]
    individuals = [individual(plan, person, g_people) for person in people]
    standings = [
        stand(period, p, rank, ratio)
        for p, rank, ratio in zip(collectives, [1, 2, 3], ["95.50", "90", "85"], strict=True)
    ]
    standings += [
        stand(period, p, rank, ratio)
        for p, rank, ratio in zip(individuals, [1, 2, 3, 4], ["98", "96", "93", "91"], strict=True)
    ]
    kind = giay_khen_xa()
    rule_units = QuotaRule.objects.create(plan=plan, group=g_units, award_kind=kind, max_collectives=1)
    rule_people = QuotaRule.objects.create(plan=plan, group=g_people, award_kind=kind, max_individuals=2)
    condition = Condition.objects.create(plan=plan, text="Nội bộ đoàn kết, không có cá nhân bị kỷ luật")
    report = DossierRequirement.objects.create(plan=plan, code="bao-cao", name="Báo cáo thành tích", order=1)
    submission = DossierRequirement.objects.create(
        plan=plan, code="to-trinh", name="Tờ trình", per_nominee=False, order=2
    )
    return SimpleNamespace(
        plan=plan,
        period=period,
        g_units=g_units,
        g_people=g_people,
        sections=sections,
        collectives=collectives,
        individuals=individuals,
        people=people,
        standings=standings,
        kind=kind,
        rule_units=rule_units,
        rule_people=rule_people,
        condition=condition,
        report=report,
        submission=submission,
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
