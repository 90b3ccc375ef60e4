"""Readings are locked by their period's status now: the ones marked "locked" by earlier closes become "submitted"
(their period is closed, so they stay locked; reopening the period makes them editable as before)."""

from django.db import migrations


def unmark_locked(apps, schema_editor):
    Reading = apps.get_model("scoring", "Reading")
    Reading.objects.filter(status="locked").update(status="submitted")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0004_reading_evidence_name")]

    operations = [migrations.RunPython(unmark_locked, migrations.RunPython.noop)]
