"""Criteria changed → the plan's scores are recomputed in the background once the change is committed."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from scoring.models import Criterion
from scoring.services.recompute_requests import schedule_plan_recompute


@receiver(post_save, sender=Criterion, dispatch_uid="scoring_criterion_saved")
@receiver(post_delete, sender=Criterion, dispatch_uid="scoring_criterion_deleted")
def criterion_changed(sender, instance: Criterion, **kwargs) -> None:
    """Queue one recompute of the plan per transaction, however many criteria were saved in it."""
    schedule_plan_recompute(instance.plan_id, reason="criteria")
