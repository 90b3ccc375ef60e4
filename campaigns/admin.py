from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from campaigns.admin_history import ReadOnlyHistoryAdmin
from campaigns.models import (
    Group,
    Job,
    Membership,
    Notice,
    NoticePreference,
    Participant,
    Period,
    Person,
    Plan,
    PlanTask,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "is_home_affairs", "valid_from", "valid_to"]
    list_filter = ["kind", "is_home_affairs"]
    search_fields = ["name", "code", "short_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "unit", "user", "is_active"]
    list_filter = ["is_active", "unit__kind"]
    search_fields = ["full_name", "position", "unit__name", "code"]
    autocomplete_fields = ["unit", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "title", "is_deputy"]
    list_filter = ["role", "is_deputy"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit", "user"]


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "number", "issuer", "start", "end", "kind", "status"]
    list_filter = ["status", "kind", "frequency"]
    search_fields = ["title", "number", "key", "issuer__name"]
    autocomplete_fields = ["issuer"]
    inlines = [PeriodInline, GroupInline]


@admin.register(Period)
class PeriodAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "plan", "start", "end", "review_kind", "status"]
    list_filter = ["status", "review_kind"]
    search_fields = ["name", "plan__title"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "plan", "order"]
    search_fields = ["name", "code", "plan__title"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "plan", "group", "unit_name"]
    list_filter = ["kind"]
    search_fields = ["name", "unit_name", "plan__title"]
    raw_id_fields = ["unit", "person", "plan", "group"]


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "title", "plan", "lead_unit", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["title", "code", "plan__title"]
    filter_horizontal = ["executing_units"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "state", "progress", "started_by", "unit", "created_at", "finished_at", "attempts"]
    list_filter = ["state", "task"]
    search_fields = ["label", "task", "error", "started_by__username"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False  # jobs are started from the pages or by beat, never typed in


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at", "mailed_at"]
    list_filter = ["read_at", "mailed_at"]
    search_fields = ["title", "body", "user__username"]
    raw_id_fields = ["user"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    """Who turned the daily e-mail digest off (each person chooses on "Cài đặt thông báo")."""

    list_display = ["user", "email_digest"]
    list_filter = ["email_digest"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
