"""Filters of the API's lists: plan, period, a unit's subtree (by the unit's code), updated since."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from awards.models import Decision, Nomination
from campaigns.models import Group, Participant, Period, Plan, Unit
from scoring.models import Criterion, Reading


def _subtree(queryset: QuerySet[Any], fields: list[str], code: str) -> QuerySet[Any]:
    """Rows whose unit (any of ``fields``) is the unit with this code or below it; nothing for an unknown code."""
    paths = list(Unit.objects.filter(code=code).values_list("path", flat=True))
    if not paths:
        return queryset.none()
    q = Q()
    for field in fields:
        for path in paths:
            q |= Q(**{f"{field}__path__startswith": path})
    return queryset.filter(q)


class UnitFilter(django_filters.CharFilter):
    """``?unit=<code>``: the unit's subtree (an official's unit, a collective's unit or the plan's issuer)."""

    def __init__(self, *, fields: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mã đơn vị: chỉ dữ liệu của đơn vị này và các đơn vị trực thuộc"))
        super().__init__(**kwargs)
        self.unit_fields = fields

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return _subtree(qs, self.unit_fields, value.strip()) if value and value.strip() else qs


def _since(field: str) -> django_filters.IsoDateTimeFilter:
    return django_filters.IsoDateTimeFilter(
        field_name=field, lookup_expr="gte", label=_("Chỉ những bản ghi thay đổi từ thời điểm này (ISO 8601)")
    )


class PlanFilter(django_filters.FilterSet):
    unit = UnitFilter(fields=["issuer"])
    updated_since = _since("updated_at")

    class Meta:
        model = Plan
        fields = ["status"]


class PeriodFilter(django_filters.FilterSet):
    class Meta:
        model = Period
        fields = ["plan", "status"]


class GroupFilter(django_filters.FilterSet):
    class Meta:
        model = Group
        fields = ["plan"]


class ParticipantFilter(django_filters.FilterSet):
    unit = UnitFilter(fields=["unit", "person__unit"])

    class Meta:
        model = Participant
        fields = ["plan", "group", "kind"]


class CriterionFilter(django_filters.FilterSet):
    class Meta:
        model = Criterion
        fields = ["plan"]


class ReadingFilter(django_filters.FilterSet):
    unit = UnitFilter(fields=["participant__unit", "participant__person__unit"])
    updated_since = _since("entered_at")

    class Meta:
        model = Reading
        fields = ["period", "participant", "window_start", "status"]


class NominationFilter(django_filters.FilterSet):
    unit = UnitFilter(fields=["participant__unit", "participant__person__unit"])

    class Meta:
        model = Nomination
        fields = ["period", "status"]


class DecisionFilter(django_filters.FilterSet):
    unit = UnitFilter(fields=["issuer"])
    updated_since = _since("signed_at")

    class Meta:
        model = Decision
        fields = ["period", "status"]
