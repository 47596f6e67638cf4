"""Comments on a task: written by people, bots and scripts, or by the system on a change.

The system writes one on the task's creation and on every phase or todo status change
(tasks.breakdown), as the original did; they carry who caused them (`author_user`) for the timeline,
and nobody may edit or delete them.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from boards.access import acts_as_service
from tasks import markdown
from tasks.models import Comment, CommentKind, Task
from tracker import events

DEFAULT_AUTHOR = "system"  # the original's default for a comment that names no author


def _identity(actor):
    return actor if actor is not None and actor.is_authenticated else None


def system_comment_create(
    *, task: Task, text: str, actor=None, now: datetime | None = None
) -> Comment:
    """A system comment saying what changed (callers hold the task's transaction)."""
    return Comment.objects.create(
        task=task,
        text=text,
        html=markdown.render(text),
        author=DEFAULT_AUTHOR,
        author_user=_identity(actor),
        kind=CommentKind.SYSTEM,
        timestamp=now or timezone.now(),
    )


def _author_name(actor, author: str | None) -> str:
    """A person's or a bot's own username; the service account's scripts name themselves (the
    original's free text), as do writers without an identity."""
    identity = _identity(actor)
    if identity is not None and not acts_as_service(actor):
        return identity.get_username()
    return (author or "").strip() or DEFAULT_AUTHOR


@transaction.atomic
def comment_create(
    *, task: Task, text: str, author: str | None = None, actor=None, now: datetime | None = None
) -> Comment:
    comment = Comment(
        task=task,
        text=text,
        html=markdown.render(text),
        author=_author_name(actor, author),
        author_user=_identity(actor),
        kind=CommentKind.COMMENT,
        timestamp=now or timezone.now(),
    )
    comment.full_clean(exclude=["task", "author_user"])
    comment.save()
    events.publish_after_commit("task.updated", {"id": task.pk, "board": task.board_id})
    return comment


def _require_author(comment: Comment, actor) -> None:
    identity = _identity(actor)
    if comment.kind == CommentKind.SYSTEM:
        raise PermissionDenied("System comments record what changed: nobody edits or deletes them.")
    if identity is None or comment.author_user_id != identity.pk:
        raise PermissionDenied("Only a comment's author may edit or delete it.")


@transaction.atomic
def comment_update(
    *, comment: Comment, text: str, actor=None, now: datetime | None = None
) -> Comment:
    comment = Comment.objects.select_for_update().select_related("task").get(pk=comment.pk)
    _require_author(comment, actor)
    comment.text = text
    comment.html = markdown.render(text)
    comment.edited_at = now or timezone.now()
    comment.full_clean(exclude=["task", "author_user"])
    comment.save(update_fields=["text", "html", "edited_at"])
    events.publish_after_commit(
        "task.updated", {"id": comment.task_id, "board": comment.task.board_id}
    )
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor=None) -> int:
    comment = Comment.objects.select_for_update().select_related("task").get(pk=comment.pk)
    _require_author(comment, actor)
    comment_id = comment.pk
    comment.delete()
    events.publish_after_commit(
        "task.updated", {"id": comment.task_id, "board": comment.task.board_id}
    )
    return comment_id
