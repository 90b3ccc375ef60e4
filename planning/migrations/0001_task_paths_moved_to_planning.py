"""The period-close tasks moved from awards.period_tasks to planning.tasks: rename the paths stored in rows."""

from django.db import migrations

OLD, NEW = "awards.period_tasks.", "planning.tasks."


def rename(apps, schema_editor, old=OLD, new=NEW):
    Job = apps.get_model("campaigns", "Job")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for model in (Job, PeriodicTask):
        for row in model.objects.filter(task__startswith=old):
            row.task = new + row.task[len(old) :]
            row.save(update_fields=["task"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_jobs_and_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
