"""Boards and who may use them: a board's members each have a role (viewer, editor, owner).

Who may read or change what is decided in boards.access, from these rows and nowhere else.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

BOARD_NAME_MAX_LENGTH = 100
# At most this many unanswered reminders before the board's owners hear of it (0: never).
MAX_ESCALATE_AFTER_REMINDERS = 1000
DEFAULT_BOARD_NAME = "Main"


class Visibility(models.TextChoices):
    # Readable without login while settings.PUBLIC_READ is true, as the original's one board was.
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    OWNER = "owner", "Owner"


# What each role may do includes everything the roles before it may do (boards.access.role_allows).
ROLE_ORDER = [Role.VIEWER, Role.EDITOR, Role.OWNER]


def validate_board_name(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not value.strip():
        raise ValidationError("A board needs a name.")


# The colours a tag may have on a board, each one of the board's chip colours (board.css avatar-N).
TAG_COLOURS = ("indigo", "emerald", "amber", "rose", "sky", "violet")


class Board(models.Model):
    name = models.CharField(
        max_length=BOARD_NAME_MAX_LENGTH,
        validators=[validate_board_name, MaxLengthValidator(BOARD_NAME_MAX_LENGTH)],
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # After this many reminders of a task in a row with no answer (acknowledgement, snooze, status
    # change), its board's owners get one escalation too (reminders.escalation); 0: never.
    escalate_after_reminders = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_ESCALATE_AFTER_REMINDERS)]
    )
    # The board that requests naming no board act on (every call of the original's clients).
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Remind this many hours before a task's due date (reminders.due); None: no such reminder.
    remind_hours_before_due = models.FloatField(null=True, blank=True, default=None)
    # Colours of the board's task tags, {"ops": "rose"}: names from TAG_COLOURS (the board's CSS).
    tag_colours = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="board_one_default"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="board_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["board_id", "id"]
        constraints = [
            # Also the index of "the boards this user belongs to" (boards.access.readable_boards).
            models.UniqueConstraint(fields=["user", "board"], name="membership_one_per_board"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.board}"
