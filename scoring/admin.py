from django.contrib import admin

from campaigns.admin_history import ReadOnlyHistoryAdmin
from campaigns.models import Period
from scoring.models import Criterion, Indicator, LockException, Reading, RecomputeRequest, Score, Standing


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "direction", "accumulation", "source"]
    list_filter = ["kind", "direction", "accumulation"]
    search_fields = ["name", "code"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "plan", "indicator", "comparison", "target", "max_points", "rule", "order"]
    list_filter = ["rule", "applies_to"]
    search_fields = ["name", "code", "plan__title"]


@admin.register(Reading)
class ReadingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["participant", "indicator", "window_start", "numerator", "denominator", "value", "status"]
    list_filter = ["status", "check_again"]
    search_fields = ["participant__name", "indicator__name"]
    raw_id_fields = ["participant", "indicator", "period", "entered_by"]

    def has_change_permission(self, request, obj=None):
        # A closed period's readings change only through the period's reopen path.
        if obj is not None and obj.period.status != Period.Status.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.period.status != Period.Status.OPEN:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(LockException)
class LockExceptionAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "window_start", "expires_at", "granted_by"]
    search_fields = ["unit__name", "reason"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["participant", "criterion", "period", "value", "points", "target_met", "applicable"]
    search_fields = ["participant__name", "criterion__name"]
    raw_id_fields = ["participant", "criterion", "period"]


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "group", "total_points", "ratio", "rank", "tied", "frozen"]
    list_filter = ["frozen", "tied"]
    search_fields = ["name", "participant__name"]
    raw_id_fields = ["participant", "period", "group"]


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(admin.ModelAdmin):
    list_display = ["plan", "reason", "requested_at", "started_at", "finished_at"]
    list_filter = ["finished_at"]
    search_fields = ["plan__title", "reason"]
    raw_id_fields = ["plan"]
