"""The period row lock every writer of a period's readings and standings takes first."""

from __future__ import annotations

from campaigns.models import Period


def lock_period_row(period: Period) -> None:
    """Take the period's row lock before any reading or standing row.

    Every writer of a period's readings and standings (a save, a submit, an import, the recompute, the close)
    takes this lock first, so they queue one behind another instead of deadlocking on standings rows that a
    re-rank updates in a different order (seen under load on PostgreSQL).
    """
    Period.objects.select_for_update().filter(pk=period.pk).values_list("pk", flat=True).first()
