from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    """Every installation starts with the daily schedules and the catalogues a plan file may name."""
    from planning.schedules import ensure_schedules
    from planning.services.rules import ensure_catalogues

    ensure_schedules()
    ensure_catalogues()  # indicator and award-kind catalogues, only into empty tables: admin edits are kept


class PlanningConfig(AppConfig):
    """The plan as a whole: plan files, the rules editor, the period lifecycle, the home page, the demo loader."""

    name = "planning"
    verbose_name = "Kế hoạch"

    def ready(self) -> None:
        # Django sends post_migrate only for apps with a models module, and planning owns no model: hang the hook
        # on awards', which is sent once the whole migrate (every table it fills included) has run.
        post_migrate.connect(_after_migrate, sender=apps.get_app_config("awards"), dispatch_uid="planning")
