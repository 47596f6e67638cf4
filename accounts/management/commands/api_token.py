"""Create or rotate a person's API token and print it once.

    manage.py api_token alice            # a new token for alice (refused if she has one)
    manage.py api_token alice --rotate   # replace it; the old one stops working at once

Only the key goes to stdout, so a script can capture it: TOKEN=$(manage.py api_token alice).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create (or with --rotate, replace) a user's API token and print it once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the user's existing token; the old one stops working.",
        )

    @transaction.atomic
    def handle(self, *args, username: str, rotate: bool, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f"No user named {username!r}. Create one first: manage.py createsuperuser"
            ) from None
        existing = Token.objects.filter(user=user)
        if existing.exists() and not rotate:
            raise CommandError(
                f"{username} already has a token. Pass --rotate to replace it "
                "(the old one stops working)."
            )
        existing.delete()
        token = Token.objects.create(user=user)
        self.stderr.write(f"API token for {username} (shown once; send it as `Bearer <token>`):")
        self.stdout.write(token.key)
