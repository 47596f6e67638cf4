"""Login for people only: a bot reaches the API with its tokens and never logs in to pages."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Bot


class PeopleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # Checked at login only (not in get_user), so pages cost no query more. A bot has no usable
        # password; this holds even if someone sets one in the admin.
        if user is not None and Bot.objects.filter(user=user).exists():
            return None
        return user

    def get_user(self, user_id):
        # The person's preferences come with them (one join, no query more), so every page knows
        # their time zone (accounts.time_zones).
        users = get_user_model()._default_manager.select_related("notification_preferences")
        try:
            user = users.get(pk=user_id)
        except ObjectDoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
