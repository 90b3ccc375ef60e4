from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from campaigns.org.middleware import mark_one_time_password

        user_logged_in.connect(mark_one_time_password, dispatch_uid="campaigns.one_time_password")
