"""The default board, "Main": public, owned by the existing superusers, edited by everyone else.

Every task and notification from before boards existed moves onto it (tasks 0005, notifications
0002), so the original's clients, which name no board, keep working on what they had.
"""

from django.conf import settings
from django.db import migrations


def create_default_board(apps, schema_editor):
    Board = apps.get_model("boards", "Board")
    Membership = apps.get_model("boards", "Membership")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    board, _ = Board.objects.get_or_create(
        is_default=True, defaults={"name": "Main", "visibility": "public"}
    )
    Membership.objects.bulk_create(
        [
            Membership(board=board, user=user, role="owner" if user.is_superuser else "editor")
            for user in User.objects.filter(is_active=True).order_by("id")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_default_board, migrations.RunPython.noop)]
