"""Bench fixtures around the generated plan: find it again, put the period back to open, build the workbook and
the 200-awardee decision. Setup only: nothing here is timed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from campaigns.models import Group, Participant, Period, Plan
from scoring.models import Indicator

if TYPE_CHECKING:
    from django.contrib.auth.models import User

IMPORT_ROWS = 10_000
AWARDEES = 200


@dataclass
class Bench:
    """The generated plan of one scale as the measurements see it."""

    plan: Plan
    period: Period
    lead: User
    staff: list[User]
    current_window: dt.date
    individual_group: Group
    collective_group: Group


def load(scale: str, seed: int) -> Bench:
    from bench.generate import plan_key

    plan = Plan.objects.select_related("issuer").get(key=plan_key(scale, seed))
    period = Period.objects.select_related("plan__issuer").get(plan=plan)
    users = get_user_model().objects
    return Bench(
        plan=plan,
        period=period,
        lead=users.get(username=f"bench_lead_{scale}"),
        staff=list(users.filter(username__startswith=f"bench_staff_{scale}_").order_by("username")),
        current_window=period.end.replace(day=1),
        individual_group=Group.objects.get(plan=plan, code="ca-nhan"),
        collective_group=Group.objects.get(plan=plan, code="tap-the"),
    )


def reopen(bench: Bench) -> None:
    """Undo a close with plain SQL (faster than the reopen service and leaves no trace): period open, no scores,
    standings, proposals or decisions."""
    period_id, plan_id = bench.period.pk, bench.plan.pk
    statements = [
        ("UPDATE campaigns_period SET status = 'open', closed_at = NULL WHERE id = %s", [period_id]),
        (
            "DELETE FROM awards_nominationtransition WHERE nomination_id IN "
            "(SELECT id FROM awards_nomination WHERE period_id = %s)",
            [period_id],
        ),
        ("DELETE FROM awards_historicalnomination WHERE period_id = %s", [period_id]),
        ("UPDATE awards_nomination SET decision_id = NULL WHERE period_id = %s", [period_id]),
        ("DELETE FROM awards_historicaldecision WHERE period_id = %s", [period_id]),
        ("DELETE FROM awards_decision WHERE period_id = %s", [period_id]),
        ("DELETE FROM awards_nomination WHERE period_id = %s", [period_id]),
        ("DELETE FROM awards_proposalnote WHERE period_id = %s", [period_id]),
        ("DELETE FROM scoring_score WHERE period_id = %s", [period_id]),
        ("DELETE FROM scoring_standing WHERE period_id = %s", [period_id]),
        ("DELETE FROM campaigns_notice", []),
        ("DELETE FROM scoring_recomputerequest WHERE plan_id = %s", [plan_id]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE scoring_historicalreading")
        else:
            cursor.execute("DELETE FROM scoring_historicalreading")
    vacuum()


def vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def import_participants(bench: Bench) -> list[Participant]:
    """The participants whose current month the workbook fills: the first 500 (every one at small scale)."""
    per = Indicator.objects.filter(criteria__plan=bench.plan).distinct().count()
    return list(Participant.objects.filter(plan=bench.plan).order_by("pk")[: IMPORT_ROWS // per])


def write_workbook(bench: Bench, path: Path, run: int, participants: list[Participant] | None = None) -> int:
    """A readings workbook in the template's format (scoring.excel): the current month of the import participants
    (or of `participants`), figures drawn from the run number so that every run changes every row. Returns the data
    rows written."""
    from openpyxl import Workbook

    from scoring import excel

    rng = random.Random(f"import:{run}")
    indicators = list(Indicator.objects.filter(criteria__plan=bench.plan).order_by("criteria__order"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(excel.SHEET)
    sheet.append([f"SỐ LIỆU THI ĐUA — {bench.plan.title}"])
    sheet.append([bench.period.name])
    sheet.append(["Bench"])
    sheet.append([str(title) for _letter, title, _width in excel.HEADERS])
    rows = 0
    label = f"Tháng {bench.current_window.month:02d}/{bench.current_window.year}"
    for participant in import_participants(bench) if participants is None else participants:
        for indicator in indicators:
            numerator = denominator = value = None
            if indicator.kind == "rate":
                denominator = rng.randint(10, 300)
                numerator = rng.randint(0, denominator)
            elif indicator.kind == "boolean":
                value = run % 2
            else:
                value = rng.randint(0, 9) + 10 * (run % 2)
            sheet.append(
                [
                    participant.pk,
                    indicator.code,
                    bench.current_window.isoformat(),
                    participant.name,
                    label,
                    indicator.name,
                    indicator.get_kind_display(),
                    numerator,
                    denominator,
                    value,
                    None,
                    "Nháp",
                ]
            )
            rows += 1
    meta = workbook.create_sheet(excel.META_SHEET)
    for key, meta_value in [("format", excel.FORMAT), ("plan", bench.plan.pk), ("period", bench.period.pk)]:
        meta.append([key, meta_value])
    workbook.save(path)
    return rows


@transaction.atomic
def decision_with_awardees(bench: Bench) -> int:
    """Accept the top 200 proposals (40 collectives, 160 individuals; fewer when the scale has fewer) and draft their
    decision through the real service; returns the decision id. The period must be closed (proposals exist)."""
    from awards.models import AwardKind, Nomination
    from awards.reference import sync_reference
    from awards.services.decisions import create_draft_decision

    sync_reference()
    kind = AwardKind.objects.get(code="bench-giay-khen")
    nominations = Nomination.objects.filter(period=bench.period, award_kind=kind)
    collectives = list(
        nominations.filter(participant__kind="collective").order_by("rank", "pk").values_list("pk", flat=True)[:40]
    )
    individuals = list(
        nominations.filter(participant__kind="individual")
        .order_by("rank", "pk")
        .values_list("pk", flat=True)[: AWARDEES - len(collectives)]
    )
    chosen = collectives + individuals
    if len(chosen) < AWARDEES:  # small scale: not enough proposals, so accept by hand every participant needed
        chosen += _extra_nominations(bench, kind, AWARDEES - len(chosen))
    Nomination.objects.filter(pk__in=chosen).update(
        status=Nomination.Status.ACCEPTED, achievement="Hoàn thành xuất sắc nhiệm vụ"
    )
    decision = create_draft_decision(period=bench.period, award_kind=kind, by=bench.lead)
    return decision.pk


def _extra_nominations(bench: Bench, kind, needed: int) -> list[int]:
    from awards.models import Nomination

    taken = set(Nomination.objects.filter(period=bench.period).values_list("participant_id", flat=True))
    extra = []
    for participant in Participant.objects.filter(plan=bench.plan).exclude(pk__in=taken).order_by("pk")[:needed]:
        extra.append(
            Nomination.objects.create(
                period=bench.period,
                participant=participant,
                award_kind=kind,
                name=participant.name,
                position=participant.position,
                unit_name=participant.unit_name,
                added_by_hand=True,
            ).pk
        )
    return extra
