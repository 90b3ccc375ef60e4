"""Beat schedules kept in the database (django-celery-beat), so an administrator can change them in the admin."""

from __future__ import annotations

from django.db import transaction

SCHEDULES = [
    # (name shown in the admin, task, minute, hour)
    ("Tự động chốt các đợt thi đua đã hết hạn", "planning.tasks.close_due_periods", "30", "1"),
    ("Nhắc nhập số liệu còn thiếu", "planning.tasks.send_reading_reminders", "0", "7"),
    ("Gửi thư tổng hợp thông báo trong ngày", "campaigns.tasks.send_notice_digests", "0", "17"),
    ("Đánh dấu tác vụ mất kết nối", "campaigns.tasks.mark_lost_jobs", "*/5", "*"),
]


@transaction.atomic
def ensure_schedules() -> int:
    """Create the daily schedules once; an administrator's later changes (time, enabled) are kept."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = 0
    for name, task, minute, hour in SCHEDULES:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
        created += 1
    return created
