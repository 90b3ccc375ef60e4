"""Closing and reopening a period: lock readings (by the period's status), freeze standings, propose awards, tell
the people concerned.

The close runs in ONE transaction that first locks the period row (SELECT … FOR UPDATE): two closes at once are
serialised and the second finds the period closed; a worker killed half-way rolls back everything, and the retry
starts from a clean state. Every step it calls is idempotent as well (unique constraints on standings, proposals
and notices), so running it again never duplicates anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Nomination
from campaigns.models import Membership, Notice, Period, Plan, Role
from campaigns.notices import notify
from campaigns.policies import PeriodPolicy
from campaigns.selectors import period_version
from core.jobs import StaleJob, report_progress_now
from scoring.models import Standing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloseResult:
    """What a close did: whether it closed the period now, and what it froze and proposed."""

    period_id: int
    closed_now: bool
    standings: int
    nominations: int
    notices: int


def close_job_kwargs(period: Period, **extra: Any) -> dict[str, Any]:
    """The arguments of a close job: the period and the version it was queued for (safe to redeliver)."""
    return {"period_id": period.pk, "period_version": period_version(period), **extra}


def close_period(
    *,
    period: Period,
    by: User | None = None,
    job_id: int | None = None,
    expected_version: int | None = None,
) -> CloseResult:
    """Close a period end to end; a no-op on a period already closed. `by` is None when beat closes it.

    A job passes the version it was queued for: if the period changed since (reopened by lãnh đạo while the
    message waited unacknowledged in Redis, say), StaleJob is raised and nothing is done."""
    from awards.services.nominations import propose_for_period
    from scoring.services.scores import freeze_standings

    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
        PeriodPolicy.close(by, period).ensure()
        if period.status == Period.Status.CLOSED:
            return CloseResult(period.pk, False, period.standings.count(), period.nominations.count(), 0)
        if expected_version is not None and period_version(period) != expected_version:
            raise StaleJob(
                _(
                    "Không chốt: %(period)s đã thay đổi từ khi yêu cầu chốt được gửi (đã chốt rồi mở lại hoặc "
                    "được sửa). Nếu vẫn cần chốt, hãy bấm chốt lại ở trang đợt thi đua."
                )
                % {"period": period.name}
            )

        # The readings are locked by the period's status (closed below): one row and one history entry, not a
        # rewrite of every reading (3.2 million at national scale). scoring.access refuses every change once closed.
        report_progress_now(job_id, 10, _("Đang tính điểm và xếp hạng"))
        freeze_standings(period=period)  # computes the period one last time, then freezes it
        report_progress_now(job_id, 70, _("Đang xét đề xuất khen thưởng theo chỉ tiêu"))
        propose_for_period(period=period)

        period.status = Period.Status.CLOSED
        period.closed_at = timezone.now()
        period._change_reason = _("Chốt đợt (tự động)") if by is None else _("Chốt đợt")
        period.save(update_fields=["status", "closed_at"])
        report_progress_now(job_id, 90, _("Đang gửi thông báo"))
        notices = _notify_period_closed(period)
        report_progress_now(
            job_id,
            100,
            _("Đã chốt: %(standings)s xếp hạng, %(nominations)s đề xuất khen thưởng")
            % {"standings": period.standings.count(), "nominations": period.nominations.count()},
        )
    return CloseResult(period.pk, True, period.standings.count(), period.nominations.count(), len(notices))


def _notify_period_closed(period: Period) -> list[Notice]:
    """One in-app notice per chairman and office member of the issuing unit, never twice: the proposals are ready
    for the chairman to review (the daily digest mails it)."""
    url = reverse("awards:nomination_list", args=[period.pk])
    proposals = period.nominations.filter(status=Nomination.Status.PROPOSED).count()
    title = _("%(period)s của kế hoạch “%(plan)s” đã được chốt") % {"period": period.name, "plan": period.plan.title}
    body = _("Đã chốt số liệu và xếp hạng. Có %(count)s đề xuất khen thưởng đang chờ xem xét.") % {"count": proposals}
    recipients = Membership.objects.filter(
        unit=period.plan.issuer, role__in=[Role.LANH_DAO, Role.NHAP_LIEU]
    ).select_related("user")
    return notify(
        users=[membership.user for membership in recipients],
        key=f"period-closed-{period.pk}-{period.closed_at:%Y%m%d%H%M%S}",
        title=title,
        body=body,
        url=url,
    )


@transaction.atomic
def reopen_period(*, period: Period, by: User, reason: str) -> Period:
    """Lãnh đạo reopens a closed period with a reason: standings unfreeze, readings unlock; the history keeps it."""
    from scoring.services.scores import unfreeze_standings

    period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
    answer = PeriodPolicy.reopen(by, period)
    if answer.code == "role":
        answer.ensure()
    if not reason or not reason.strip():
        raise ValidationError(_("Vui lòng nhập lý do mở lại đợt thi đua."))
    answer.ensure()  # the period's state: only a closed period reopens
    if period.decisions.filter(status="signed").exists():
        raise ValidationError(_("Đợt này đã có quyết định khen thưởng được ký; hãy hủy quyết định trước khi mở lại."))
    unfreeze_standings(period=period)
    period.status = Period.Status.OPEN
    period.closed_at = None
    period._change_reason = _("Mở lại: %(reason)s") % {"reason": reason.strip()}
    period.save(update_fields=["status", "closed_at"])
    return period


def periods_due_for_close(*, today: dt.date | None = None) -> list[Period]:
    """Open periods of active plans whose end date plus the configured grace has passed."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.THIDUA_CLOSE_GRACE_DAYS)
    return list(
        Period.objects.filter(status=Period.Status.OPEN, end__lt=cutoff, plan__status=Plan.Status.ACTIVE)
        .select_related("plan")
        .order_by("end", "pk")
    )


def missing_before_close(*, period: Period) -> list[Standing]:
    """Standings of the period whose readings are incomplete: shown on the close confirmation."""
    return [
        standing
        for standing in period.standings.select_related("participant", "group").order_by("name")
        if standing.readings_present < standing.readings_expected
    ]
