"""The period's row lock: writers of one participant share it, whole-period writers take it alone.

A save, a submit, an import or an evidence upload changes its own participants' rows only (readings, scores, their
standing), so any number of them run at once: each takes the period row FOR SHARE (PostgreSQL), which keeps the period
from closing under it, and the reading rows it changes FOR UPDATE (with the version check, two saves of one reading
never lose an update). The close, a plan or period recompute and a closed period's recompute take the period FOR
UPDATE: they wait for the saves in flight, and saves wait for them, so a close sees one consistent period.
SQLite has no row locks (one writer at a time for the whole file); these calls cost nothing there.
"""

from __future__ import annotations

from django.db import connection

from campaigns.models import Period


def share_period(period: Period) -> None:
    """Take the period row FOR SHARE (a writer of its own participants' rows) and refresh `period.status` from it:
    a save that waited for a close sees the period closed, and scoring.access refuses it."""
    suffix = " FOR SHARE" if connection.vendor == "postgresql" else ""  # SQLite: one writer for the whole file
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM campaigns_period WHERE id = %s{suffix}", [period.pk])
        row = cursor.fetchone()
    if row is not None:
        period.status = row[0]


def lock_period(period: Period) -> None:
    """Take the period row alone (FOR UPDATE): the close and every whole-period writer."""
    Period.objects.select_for_update().filter(pk=period.pk).values_list("pk", flat=True).first()
