"""Given states the journeys start from, reached through the app's own services where a person would act.

The demo (``load_demo``) copies Tây Hiếu's plan to this year, fills its readings up to last month and lets past
periods close by themselves. What a journey needs on top of that, whatever today's date:

- an open period of Tây Hiếu (the chairman reopens the latest closed one, with a reason, if none is open);
- a month of it open for entry (the chairman reopens entry for the commune when its deadline has passed);
- before the close: every reading of the period present (what the office would have entered), so all are ranked;
- between the proposals and the decision: the office's work on each dossier (conditions, files, sent).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.models import Decision, Nomination
from awards.selectors import applicable_requirements
from awards.services import nominations as nomination_services
from campaigns.models import Participant, Period, Unit
from planning.services.closing import reopen_period
from scoring.access import entry_deadline, grant_lock_exception
from scoring.entry_selectors import expected_indicators
from scoring.models import Indicator, Reading
from scoring.services.scores import recompute_period
from scoring.windows import Window, windows_for

COMMUNE = "NA-TAYHIEU"
CHAIRMAN = "tayhieu.lanhdao"
OFFICE = "tayhieu.nhaplieu"
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


def user(username: str):
    return get_user_model().objects.get(username=username)


def open_period(issuer_code: str = COMMUNE) -> Period:
    """The commune's open period (latest first); if every period is closed, the chairman reopens the latest one."""
    periods = Period.objects.filter(plan__issuer__code=issuer_code).select_related("plan").order_by("-start", "-pk")
    period = periods.filter(status=Period.Status.OPEN).first()
    if period is None:
        signed = Decision.objects.filter(status=Decision.Status.SIGNED).values("period")
        period = periods.exclude(pk__in=signed).first()
        reopen_period(period=period, by=user(CHAIRMAN), reason="Mở lại để kiểm thử hành trình trên trình duyệt")
        period.refresh_from_db()
    return period


def open_month(period: Period) -> Window:
    """The period's month of today (or its last month), open for entry: reopened by the chairman if past deadline."""
    today = timezone.localdate()
    windows = windows_for(period)
    window = [w for w in windows if w.start <= today][-1] if windows[0].start <= today else windows[0]
    if entry_deadline(period, window) < today:
        grant_lock_exception(
            by=user(CHAIRMAN),
            unit=Unit.objects.get(code=COMMUNE),
            period=period,
            window_start=window.start,
            reason="Mở lại để kiểm thử hành trình nhập số liệu",
            expires_at=timezone.now() + dt.timedelta(days=2),
        )
    return window


def ensure_readings(period: Period) -> int:
    """Every reading of the period present and sent (figures of the demo's kind, varying by participant)."""
    present = set(Reading.objects.filter(period=period).values_list("participant_id", "indicator_id", "window_start"))
    rows = []
    for participant in Participant.objects.filter(plan=period.plan).order_by("kind", "name"):
        rng = random.Random(f"e2e:{participant.name}")
        for indicator in expected_indicators(participant=participant, plan=period.plan):
            for window in windows_for(period):
                if (participant.pk, indicator.pk, window.start) in present:
                    continue
                figures = {"numerator": None, "denominator": None, "value": None}
                if indicator.kind == Indicator.Kind.RATE:
                    denominator = rng.randint(20, 120)
                    low = "qua-han" in indicator.code
                    share = rng.uniform(0, 0.05) if low else rng.uniform(0.6, 1)
                    figures.update(numerator=round(denominator * share), denominator=denominator)
                elif indicator.kind == Indicator.Kind.BOOLEAN:
                    figures["value"] = Decimal(int(rng.random() < 0.8))
                else:
                    figures["value"] = Decimal(rng.randint(0, 4))
                rows.append(
                    Reading(
                        participant=participant,
                        indicator=indicator,
                        period=period,
                        window_start=window.start,
                        window_end=window.end,
                        status=Reading.Status.SUBMITTED,
                        note="Số liệu kiểm thử",
                        **figures,
                    )
                )
    Reading.objects.bulk_create(rows)
    recompute_period(period=period)
    return len(rows)


def prepare_and_send(period: Period) -> list[Nomination]:
    """The office's part for every proposal of the period: conditions met, required files attached, sent."""
    office = user(OFFICE)
    sent = []
    for nomination in Nomination.objects.filter(period=period, status=Nomination.Status.PROPOSED).order_by("pk"):
        for condition in nomination_services.applicable_conditions(nomination):
            nomination_services.record_condition_check(
                nomination=nomination, condition=condition, confirmed=True, note="Đã đối chiếu hồ sơ", by=office
            )
        for requirement in applicable_requirements(nomination):
            upload = SimpleUploadedFile(f"{requirement.code}.pdf", TINY_PDF, content_type="application/pdf")
            nomination_services.attach_dossier_file(
                nomination=nomination, requirement=requirement, upload=upload, by=office
            )
        nomination.refresh_from_db()
        nomination = nomination_services.mark_prepared(nomination=nomination, by=office)
        sent.append(nomination_services.submit_nomination(nomination=nomination, by=office))
    return sent
