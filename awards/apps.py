from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    """Every installation starts with the daily schedules and the reference data it cannot work without."""
    from awards.models import LegalText
    from awards.reference import sync_reference
    from awards.schedules import ensure_schedules
    from awards.services.plan_rules import ensure_catalogues

    ensure_schedules()
    ensure_catalogues()  # indicator and award-kind catalogues, only into empty tables: admin edits are kept
    if not LegalText.objects.exists():
        sync_reference()


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        # Schedules, catalogues and dated legal texts exist as soon as the database is migrated.
        post_migrate.connect(_after_migrate, sender=self)
