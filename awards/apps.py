from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    """Every installation starts with the dated legal texts and base salaries it cannot work without."""
    from awards.models import LegalText
    from awards.reference import sync_reference

    if not LegalText.objects.exists():
        sync_reference()


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        # Dated legal texts exist as soon as the database is migrated.
        post_migrate.connect(_after_migrate, sender=self)
