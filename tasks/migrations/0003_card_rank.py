"""Card order by rank (tasks.ranks) instead of an integer position that every move had to shift."""

import tasks.models
import tasks.ranks
from django.db import migrations, models

# The head of a rank as tasks.ranks wrote it when this migration was made: 8 base-62 digits,
# spaced 2**20 apart around the middle. Copied here so later changes to tasks.ranks cannot change
# what this migration does.
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WIDTH = 8
_SPACING = 2**20


def _rank(value: int) -> str:
    digits = []
    for _ in range(_WIDTH):
        value, digit = divmod(value, len(_DIGITS))
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits))


def ranks_from_positions(apps, schema_editor):
    """Each column keeps its order: (position, id), as the board sorted it."""
    Task = apps.get_model("tasks", "Task")
    middle = len(_DIGITS) ** _WIDTH // 2
    for status in Task.objects.values_list("status", flat=True).distinct():
        column = list(Task.objects.filter(status=status).order_by("position", "id").only("pk"))
        start = middle - (len(column) // 2) * _SPACING
        for number, task in enumerate(column):
            task.rank = _rank(start + number * _SPACING)
        Task.objects.bulk_update(column, ["rank"], batch_size=500)


def positions_from_ranks(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    for status in Task.objects.values_list("status", flat=True).distinct():
        column = list(Task.objects.filter(status=status).order_by("rank", "id").only("pk"))
        for number, task in enumerate(column):
            task.position = number
        Task.objects.bulk_update(column, ["position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="rank",
            # One value for every existing row; the next step gives each its own.
            field=tasks.models.RankField(
                default=tasks.ranks.anywhere,
                editable=False,
                max_length=255,
                validators=[tasks.models.validate_rank],
            ),
        ),
        migrations.RunPython(ranks_from_positions, positions_from_ranks),
        migrations.RemoveIndex(
            model_name="task",
            name="task_board_order_idx",
        ),
        migrations.RemoveField(
            model_name="task",
            name="position",
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(
                fields=("status", "rank"), name="task_column_rank_unique"
            ),
        ),
    ]
