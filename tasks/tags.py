"""A task's tags: its `context_tags` (the original's comma-separated string) as TaskTag rows."""

from django.core.exceptions import ValidationError

from tasks.models import TAG_MAX_LENGTH, Task, TaskTag


def parse_tags(context_tags: str | None) -> list[str]:
    """The tags of a comma-separated string, stripped, blanks and repeats dropped, in order."""
    tags = dict.fromkeys(tag.strip() for tag in (context_tags or "").split(","))
    tags.pop("", None)
    too_long = [tag for tag in tags if len(tag) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {"context_tags": [f"A tag has at most {TAG_MAX_LENGTH} characters: {too_long[0]!r}."]}
        )
    return list(tags)


def tags_set(*, task: Task, context_tags: str | None, created: bool = False) -> None:
    """Replace the task's tag rows with those of `context_tags` (in the caller's transaction);
    a task `created` in this transaction has none to delete."""
    if not created:
        TaskTag.objects.filter(task=task).delete()
    TaskTag.objects.bulk_create(TaskTag(task=task, name=tag) for tag in parse_tags(context_tags))
