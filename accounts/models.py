"""API tokens (of people and bots) and bots.

Tokens are django-rest-knox tokens (settings.KNOX_TOKEN_MODEL): the database holds only the first
characters (`token_key`, to find the row) and a SHA-512 digest of the whole token, never the token
itself, which is shown once when it is made. A bot is a User row with a Bot row beside it: a member of
boards like a person (boards.Membership), with no password, reaching the API by its tokens alone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

TOKEN_NAME_MAX_LENGTH = 100
# The built-in service account's username (accounts.authentication.service_account): reserved, the
# static token's writes are recorded as it.
SERVICE_ACCOUNT_USERNAME = "api-token"


class ApiToken(AbstractAuthToken):
    # An integer id for the API (DELETE /tokens/{id}) and the admin, instead of knox's digest as the
    # primary key: a digest in URLs and logs is one step nearer to the secret than it needs to be.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    # What it is for ("cli", "backup script"); `manage.py api_token --rotate` replaces by name.
    name = models.CharField(max_length=TOKEN_NAME_MAX_LENGTH)
    # Within a minute (accounts.services.token_mark_used): not every request writes.
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    def is_expired(self, now=None) -> bool:
        return self.expiry is not None and self.expiry <= (now or timezone.now())


class Bot(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="bot"
    )
    # The board owner who made it; None when made with `manage.py api_token --bot`.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user)


class NotificationPreferences(models.Model):
    """A person's delivery settings: their time zone and quiet hours (notifications.dispatch holds
    deliveries back until the hours end; the inbox shows notifications at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    # An IANA name (Europe/Paris); quiet hours are read in it.
    time_zone = models.CharField(max_length=64, default="UTC")
    # Both set: quiet from start to end, across midnight when end <= start (22:00 to 07:00).
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"notification preferences of user {self.user_id}"
