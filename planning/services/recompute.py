"""Recomputing a closed period after a rule fix (issue 14: ranks per group and kind, exact points).

Open periods are simply recomputed (`manage.py recompute_standings`). A closed period keeps its frozen figures unless
quản trị recomputes it: the standings are recomputed by the criteria the period was closed with and stay frozen, the
quota engine runs again (idempotent), nominations not yet in a signed decision take their new rank and achievement
line, and every participant whose rank or points moved is listed in a `PeriodRecompute` row that the period's own
history points to. A signed decision is never touched: it keeps its snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.services.nominations import propose_for_period, refresh_nomination_ranks
from campaigns.models import Period
from campaigns.policies import PeriodPolicy
from scoring.models import PeriodRecompute
from scoring.services.scores import recompute_frozen_period

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def recompute_closed_period(*, period: Period, by: User, reason: str) -> PeriodRecompute:
    """Quản trị of the issuing unit recomputes a closed period; returns the record listing what changed."""
    period = Period.objects.select_for_update().select_related("plan__issuer").get(pk=period.pk)
    PeriodPolicy.recompute(by, period).ensure()
    if not reason or not reason.strip():
        raise ValidationError(_("Vui lòng nhập lý do tính lại đợt đã chốt."))
    if period.status != Period.Status.CLOSED:
        raise ValidationError(_("Đợt này chưa chốt: điểm và xếp hạng của đợt đang mở được tính lại tự động."))
    changes = recompute_frozen_period(period=period)
    propose_for_period(period=period, by=by)
    refresh_nomination_ranks(period=period)
    record = PeriodRecompute.objects.create(
        period=period, by=by, reason=reason.strip()[:300], changes="\n".join(change.line() for change in changes)
    )
    period._change_reason = _("Tính lại xếp hạng: %(count)s đối tượng thay đổi hạng hoặc điểm") % {
        "count": len(changes)
    }
    period.save(update_fields=["status"])  # one history row, pointing to the list in the record
    return record
