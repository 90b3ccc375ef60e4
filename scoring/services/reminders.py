"""Reminders to nhập liệu of readings still missing shortly before a reporting window's entry deadline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Participant, Period, Plan, Unit
from campaigns.notices import clerks_of, notify
from scoring.access import open_windows
from scoring.models import Criterion, Reading
from scoring.windows import Window

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
    # Not period.plan.participants: the related manager sets each row's plan, and that loads the deferred plan_id
    # once per participant.
    for participant in Participant.objects.filter(plan_id=period.plan_id).only("pk", "kind"):
        expected = {indicator for indicator, applies in criteria if applies in ("both", participant.kind)}
        gap = len(expected - present[participant.pk])
        if gap:
            missing[participant.pk] = gap
    return missing


@transaction.atomic
def send_reading_reminders(*, today: dt.date | None = None) -> int:
    """One notice per nhập liệu whose units still miss readings in a window whose entry deadline (its end plus the
    plan's grace days, scoring.access.entry_deadline) is at most THIDUA_REMINDER_DAYS away; once per window (the
    notice's key). The daily digest mails it. Returns the notices created."""
    today = today or timezone.localdate()
    sent = 0
    periods = Period.objects.filter(
        status=Period.Status.OPEN, plan__status=Plan.Status.ACTIVE, start__lte=today
    ).select_related("plan")
    for period in periods:
        for window, deadline in open_windows(period, today):
            if (deadline - today).days > settings.THIDUA_REMINDER_DAYS:
                continue
            sent += _remind(period, window, deadline)
    return sent


def _remind(period: Period, window: Window, deadline: dt.date) -> int:
    missing = missing_readings(period=period, window_start=window.start)
    if not missing:
        return 0
    by_unit: dict[int, int] = defaultdict(int)
    for participant in period.plan.participants.filter(pk__in=missing).select_related("person"):
        by_unit[participant.home_unit_id] += missing[participant.pk]
    units = Unit.objects.in_bulk(list(by_unit))
    per_user: dict[int, tuple[User, list[tuple[str, int]]]] = {}
    for unit_id, count in sorted(by_unit.items()):
        unit = units[unit_id]
        for user in clerks_of(unit):
            per_user.setdefault(user.pk, (user, []))[1].append((unit.name, count))
    url = reverse("scoring:entry_dashboard", args=[period.pk])
    created = 0
    for user, gaps in per_user.values():
        total = sum(count for _name, count in gaps)
        title = _("Còn %(count)s số liệu chưa nhập, %(window)s — hạn nhập %(deadline)s") % {
            "count": total,
            "window": window.label,
            "deadline": f"{deadline:%d/%m/%Y}",
        }
        body = _("Hạn nhập số liệu %(window)s là hết ngày %(deadline)s (kế hoạch “%(plan)s”). Còn thiếu: %(gaps)s.") % {
            "window": window.label,
            "deadline": f"{deadline:%d/%m/%Y}",
            "plan": period.plan.title,
            "gaps": "; ".join(f"{name} ({count})" for name, count in gaps),
        }
        created += len(
            notify(users=[user], key=f"reminder-{period.pk}-{window.start:%Y%m%d}", title=title, body=body, url=url)
        )
    return created
