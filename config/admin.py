"""The Django admin as a whole: kept for superusers, in Vietnamese (issue 20, point 6).

Most of the third-party apps' English goes through the project's catalogue (locale/vi/LC_MESSAGES/django.po). What a
catalogue cannot reach is set here: names written as plain strings in those apps (django-celery-beat's "Task Name",
columns named after a method, django-axes' app name). Hidden where the app covers the task: background work is
followed in "Tiến trình xử lý" (campaigns.Job: state, progress, error, retries), not in Celery's raw results; the app's
schedules are cron schedules (planning/schedules.py), so the interval, solar and one-time kinds are not offered.
tests/campaigns/test_admin_vietnamese.py fails when a page or a label of the admin shows English.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from cron_descriptor import (
    ExpressionDescriptor,
    FormatException,
    MissingFieldException,
    Options,
    WrongArgumentException,
)
from django.apps import apps
from django.contrib import admin
from django.db.models import Field
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin, PeriodicTaskInline
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from django_celery_results.models import GroupResult, TaskResult

admin.site.site_header = "Thi đua — Quản trị"
admin.site.site_title = "Thi đua"
admin.site.index_title = "Quản trị hệ thống"

HIDDEN = (TaskResult, GroupResult, IntervalSchedule, SolarSchedule, ClockedSchedule)
# App names the apps write as plain strings (or none), shown as the admin index's headings.
APP_NAMES = {"axes": "Đăng nhập (django-axes)"}
# Labels the apps write as plain strings, by (model label, field name): django-celery-beat's PeriodicTask.task.
RELABELLED = {("django_celery_beat.periodictask", "task"): "Tên tác vụ"}
WEEKDAYS = {
    "Monday": "thứ Hai",
    "Tuesday": "thứ Ba",
    "Wednesday": "thứ Tư",
    "Thursday": "thứ Năm",
    "Friday": "thứ Sáu",
    "Saturday": "thứ Bảy",
    "Sunday": "Chủ nhật",
}


def cron_in_vietnamese(crontab: CrontabSchedule) -> str:
    """A cron schedule told in Vietnamese ("Tại 01:30", "Mỗi 5 phút"), with its time zone; the raw fields when
    cron-descriptor cannot read them. django-celery-beat's own ``human_readable`` is English."""
    fields = (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    expression = " ".join(str(field) for field in fields)
    options = Options()
    options.locale_code = "vi_VN"
    options.use_24hour_time_format = True
    try:
        text = ExpressionDescriptor(expression, options).get_description()
    except (MissingFieldException, FormatException, WrongArgumentException):
        text = expression
    for english, vietnamese in WEEKDAYS.items():
        text = text.replace(english, vietnamese)
    return f"{' '.join(text.split())} ({crontab.timezone})"


class RelabelledFields:
    """Puts the Vietnamese label on the form fields RELABELLED names (admin forms and inlines alike)."""

    model: Any

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> FormField | None:
        formfield: FormField | None = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]  # a mixin before ModelAdmin/InlineModelAdmin
        label = RELABELLED.get((self.model._meta.label_lower, db_field.name))
        if formfield is not None and label:
            formfield.label = label
        return formfield


class VietnamesePeriodicTaskInline(PeriodicTaskInline):
    fields = ("name", "task_name", "args", "kwargs")  # read-only: the labels come from here, not from a form
    readonly_fields = fields

    @admin.display(description=RELABELLED[("django_celery_beat.periodictask", "task")])
    def task_name(self, obj: PeriodicTask) -> str:
        return str(obj.task)


class VietnamesePeriodicTaskAdmin(RelabelledFields, PeriodicTaskAdmin):
    list_display = ("name", "enabled", "schedule", "start_time", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", "start_time", "last_run_at"]

    @admin.display(description="Lịch chạy")
    def schedule(self, obj: PeriodicTask) -> str:
        if obj.crontab is not None:
            return cron_in_vietnamese(obj.crontab)
        return str(obj.interval or obj.solar or obj.clocked or "")

    @admin.display(description="Lịch chạy (diễn giải)")
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return cron_in_vietnamese(obj.crontab) if obj.crontab is not None else ""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # The library's own view hands the page English descriptions of every cron schedule; these are Vietnamese.
        context = {
            **(extra_context or {}),
            "readable_crontabs": {crontab.pk: cron_in_vietnamese(crontab) for crontab in CrontabSchedule.objects.all()},
        }
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, context)


class VietnameseCrontabScheduleAdmin(CrontabScheduleAdmin):
    inlines = [VietnamesePeriodicTaskInline]
    list_display = ("__str__", "description")
    fields = ("description", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("description",)

    @admin.display(description="Diễn giải")
    def description(self, obj: CrontabSchedule) -> str:
        return cron_in_vietnamese(obj) if obj.pk else ""


class VietnameseAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description="Trạng thái")
    def status(self, obj: AccessAttempt) -> Any:
        return super().status(obj)


for hidden in HIDDEN:
    admin.site.unregister(hidden)
for model, model_admin in (
    (PeriodicTask, VietnamesePeriodicTaskAdmin),
    (CrontabSchedule, VietnameseCrontabScheduleAdmin),
    (AccessAttempt, VietnameseAccessAttemptAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
for label, name in APP_NAMES.items():
    apps.get_app_config(label).verbose_name = name
