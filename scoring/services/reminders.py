"""Reminders to nhập liệu of readings still missing shortly before a reporting window closes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, Notice, Period, Plan, Role, Unit
from scoring.models import Criterion, Reading
from scoring.windows import window_containing

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def missing_readings(*, period: Period, window_start: dt.date) -> dict[int, int]:
    """Participant id → number of indicators without a reading in the window (zero is a value, not a gap)."""
    criteria = list(Criterion.objects.filter(plan=period.plan).values_list("indicator_id", "applies_to"))
    present: dict[int, set[int]] = defaultdict(set)
    for participant_id, indicator_id in Reading.objects.filter(period=period, window_start=window_start).values_list(
        "participant_id", "indicator_id"
    ):
        present[participant_id].add(indicator_id)
    missing = {}
    for participant in period.plan.participants.all().only("pk", "kind"):
        expected = {indicator for indicator, applies in criteria if applies in ("both", participant.kind)}
        gap = len(expected - present[participant.pk])
        if gap:
            missing[participant.pk] = gap
    return missing


@transaction.atomic
def send_reading_reminders(*, today: dt.date | None = None) -> int:
    """One notice per nhập liệu whose units still miss readings in a window ending within THIDUA_REMINDER_DAYS; once."""
    today = today or timezone.localdate()
    sent = 0
    periods = Period.objects.filter(
        status=Period.Status.OPEN, plan__status=Plan.Status.ACTIVE, start__lte=today, end__gte=today
    ).select_related("plan")
    for period in periods:
        window = window_containing(period, today)
        if window is None or (window.end - today).days > settings.THIDUA_REMINDER_DAYS:
            continue
        missing = missing_readings(period=period, window_start=window.start)
        if not missing:
            continue
        by_unit: dict[int, int] = defaultdict(int)
        for participant in period.plan.participants.filter(pk__in=missing).select_related("person"):
            by_unit[participant.home_unit_id] += missing[participant.pk]
        units = Unit.objects.in_bulk(list(by_unit))
        per_user: dict[int, tuple[User, list[tuple[str, int]]]] = {}
        for unit_id, count in sorted(by_unit.items()):
            unit = units[unit_id]
            ancestor_paths = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth + 1)]
            staff = Membership.objects.filter(role=Role.NHAP_LIEU, unit__path__in=ancestor_paths).select_related("user")
            for membership in staff:
                per_user.setdefault(membership.user_id, (membership.user, []))[1].append((unit.name, count))
        for user, gaps in per_user.values():
            total = sum(count for _name, count in gaps)
            title = _("Còn %(count)s số liệu chưa nhập, %(window)s") % {"count": total, "window": window.label}
            body = _("Kỳ báo cáo kết thúc ngày %(end)s (kế hoạch “%(plan)s”). Còn thiếu: %(gaps)s.") % {
                "end": f"{window.end:%d/%m/%Y}",
                "plan": period.plan.title,
                "gaps": "; ".join(f"{name} ({count})" for name, count in gaps),
            }
            _notice, created = Notice.objects.get_or_create(
                user=user,
                key=f"reminder-{period.pk}-{window.start:%Y%m%d}",
                defaults={"title": title, "body": body},
            )
            if created:
                sent += 1
                if user.email:

                    def send(e: str = user.email, t: str = title, b: str = body) -> None:
                        send_mail(t, b, settings.DEFAULT_FROM_EMAIL, [e], fail_silently=True)

                    transaction.on_commit(send)
    return sent
