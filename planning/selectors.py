"""Reads of the plan rules editor: which criteria, quota rules, conditions and documents are already in use."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from awards.models import AwardKind, ConditionCheck, DossierFile, Nomination
from campaigns.models import Plan
from scoring.models import Criterion, Indicator, Reading, Score


def criteria_in_use(*, plan: Plan) -> dict[int, str]:
    """Criteria of the plan that have scores, or whose indicator has readings of the plan's participants: id → name."""
    readings = Reading.objects.filter(participant__plan=plan, indicator=OuterRef("indicator"))
    scores = Score.objects.filter(criterion=OuterRef("pk"))
    used = Criterion.objects.filter(plan=plan).filter(Exists(readings) | Exists(scores))
    return dict(used.values_list("pk", "name"))


def quota_rules_in_use(*, plan: Plan) -> dict[int, str]:
    """Quota rules of the plan that nominations were made under: id → label."""
    used = plan.quota_rules.filter(Exists(Nomination.objects.filter(quota_rule=OuterRef("pk"))))
    return {rule.pk: str(rule) for rule in used.select_related("award_kind", "group")}


def conditions_in_use(*, plan: Plan) -> dict[int, str]:
    """Eligibility conditions already confirmed (or not) for a nominee: id → text."""
    used = plan.conditions.filter(Exists(ConditionCheck.objects.filter(condition=OuterRef("pk"))))
    return {condition.pk: str(condition) for condition in used}


def dossier_requirements_in_use(*, plan: Plan) -> dict[int, str]:
    """Dossier documents that files were uploaded for: id → name."""
    used = plan.dossier_requirements.filter(Exists(DossierFile.objects.filter(requirement=OuterRef("pk"))))
    return dict(used.values_list("pk", "name"))


def indicator_catalogue() -> list[Indicator]:
    """Every indicator of the catalogue, by kind then name, for the criteria editor's select."""
    return list(Indicator.objects.order_by("kind", "name"))


def award_kind_catalogue() -> list[AwardKind]:
    """Every award kind, by level then name, for the quota editor's select."""
    return list(AwardKind.objects.order_by("level", "name"))
