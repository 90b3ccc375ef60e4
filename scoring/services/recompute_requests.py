"""Asking for a plan's scores to be recomputed after commit: one request row, one queued task per burst of edits.

Kept apart from scores.py, which the task calls, so the service that queues the task and the task that runs the
recompute do not import each other.
"""

from __future__ import annotations

import functools

from django.db import connection, transaction

from campaigns.models import Plan
from scoring.models import RecomputeRequest
from scoring.tasks import recompute_plan as recompute_plan_task


def _queue_recompute(plan_id: int) -> None:
    recompute_plan_task.delay(plan_id)


def request_plan_recompute(*, plan: Plan, reason: str = "") -> RecomputeRequest:
    """Record that a plan's scores must be recomputed (the page shows "đang tính lại") and queue the task once the
    transaction commits. A request still waiting is reused, so a burst of edits queues one recompute."""
    with transaction.atomic():
        waiting = RecomputeRequest.objects.filter(plan=plan, started_at__isnull=True, finished_at__isnull=True).first()
        if waiting is not None:
            return waiting
        request = RecomputeRequest.objects.create(plan=plan, reason=reason[:200])
        transaction.on_commit(functools.partial(_queue_recompute, plan.pk))
    return request


def schedule_plan_recompute(plan_id: int, reason: str = "") -> None:
    """Ask for a plan recompute after the current transaction commits, once per plan and transaction (criteria
    saved in bulk by an import queue a single recompute)."""
    if any(
        getattr(entry[1], "recompute_plan_id", None) == plan_id and not getattr(entry[1], "done", False)
        for entry in connection.run_on_commit
    ):
        return

    def run() -> None:
        run.done = True  # type: ignore[attr-defined]  # marks on the callback: one pending request per plan
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is not None:  # the plan itself may have been deleted along with its criteria
            request_plan_recompute(plan=plan, reason=reason)

    run.recompute_plan_id = plan_id  # type: ignore[attr-defined]  # read back from run_on_commit above
    transaction.on_commit(run)
