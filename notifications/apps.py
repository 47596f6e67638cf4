from django.apps import AppConfig
from django.core import checks


def _vapid_key_check(**kwargs) -> list:
    from notifications.webpush import check_configured_key  # pywebpush only when checks run

    return check_configured_key(**kwargs)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        checks.register(_vapid_key_check)
