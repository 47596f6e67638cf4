"""Make an API token for a person or a bot and print it once.

    manage.py api_token alice                    # a token named "cli" (refused if she has one)
    manage.py api_token alice --rotate           # replace it; the old one stops working at once
    manage.py api_token alice --name backup --expires 90d
    manage.py api_token --bot ci --board 3 --role editor --expires 90d
                                                 # the bot "ci" (made if missing) on board 3, and a token

Only the token goes to stdout, so a script can capture it: TOKEN=$(manage.py api_token alice).
"""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.selectors import tokens_of
from accounts.services import BOT_ROLES, CLI_TOKEN_NAME, bot_join, token_create, token_rotate
from boards.access import is_bot
from boards.models import Board

_DURATION = re.compile(r"^(\d{1,6})([dh])$")


def parse_duration(text: str) -> timedelta:
    """`90d` or `12h`."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match[1]) == 0:
        raise CommandError(
            f"--expires takes a number of days or hours, such as 90d or 12h, not {text!r}."
        )
    amount, unit = int(match[1]), match[2]
    return timedelta(days=amount) if unit == "d" else timedelta(hours=amount)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Make an API token for a person (or with --bot, a bot on a board) and print it once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", help="The person the token is for.")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the tokens of this name; the old ones stop working.",
        )
        parser.add_argument(
            "--name",
            default=CLI_TOKEN_NAME,
            help=f"What the token is for (default {CLI_TOKEN_NAME!r}).",
        )
        parser.add_argument(
            "--expires", help="Lifetime: Nd (days) or Nh (hours). Default: it never expires."
        )
        parser.add_argument("--bot", help="A bot's name: the bot is made if it does not exist.")
        parser.add_argument("--board", help="With --bot: the board's id.")
        parser.add_argument(
            "--role",
            help=(
                f"With --bot: its role on the board ({' or '.join(BOT_ROLES)}). Default: editor "
                "for a new member, unchanged for an existing one."
            ),
        )

    def handle(self, *args, username, rotate, name, expires, bot, board, role, **options) -> None:
        expires_in = parse_duration(expires) if expires else None
        if bool(username) == bool(bot):
            raise CommandError("Name a person (api_token alice) or a bot (--bot NAME --board ID).")
        if not bot and (board or role):
            raise CommandError("--board and --role go with --bot.")
        try:
            with transaction.atomic():
                user = self._bot(bot, board, role) if bot else self._person(username)
                label = f"bot {bot}" if bot else username
                if not rotate and tokens_of(user).filter(name=name.strip()).exists():
                    raise CommandError(
                        f"{label} already has a token named {name!r}. Pass --rotate to "
                        "replace it (the old one stops working), or --name for another."
                    )
                make = token_rotate if rotate else token_create
                _, token = make(user=user, name=name, expires_in=expires_in)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        self.stderr.write(f"API token for {label} (shown once; send it as `Bearer <token>`):")
        self.stdout.write(token)

    def _person(self, username: str):
        users = get_user_model()
        try:
            user = users.objects.get(**{users.USERNAME_FIELD: username})
        except users.DoesNotExist:
            raise CommandError(
                f"No user named {username!r}. Create one first: manage.py createsuperuser"
            ) from None
        if is_bot(user):
            raise CommandError(f"{username} is a bot: use --bot {username} --board ID.")
        return user

    def _bot(self, name: str, board_id: str | None, role: str | None):
        if not board_id:
            raise CommandError("--bot needs --board ID: the board the bot works on.")
        try:
            board = Board.objects.get(pk=int(board_id))
        except (ValueError, Board.DoesNotExist):
            raise CommandError(
                f"No board with id {board_id!r}. The boards' ids: GET /boards/ or the admin."
            ) from None
        if role is not None and role not in BOT_ROLES:
            raise CommandError(f"--role is {' or '.join(BOT_ROLES)}, not {role!r}.")
        return bot_join(board=board, name=name, role=role)
