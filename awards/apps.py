from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_schedules(sender, **kwargs) -> None:
    from awards.schedules import ensure_schedules

    ensure_schedules()


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        # The daily close and reminder schedules exist as soon as the database is migrated.
        post_migrate.connect(_ensure_schedules, sender=self)
