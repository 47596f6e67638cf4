"""Login for people only: a bot reaches the API with its tokens and never logs in to pages."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import Bot


class PeopleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # Checked at login only (not in get_user), so pages cost no query more. A bot has no usable
        # password; this holds even if someone sets one in the admin.
        if user is not None and Bot.objects.filter(user=user).exists():
            return None
        return user
