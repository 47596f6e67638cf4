"""A task's work breakdown: phases holding todos, and the progress they add up to.

The original's rules, in one place:
- progress: phases weigh equally; a completed phase counts in full, a blocked one as zero, any
  other by the share of its todos done (`progress_percent`);
- a phase follows its todos (all done: completed; some started or done: in progress; none:
  not started) unless it is blocked (`_follow_todos`); completing a phase marks its todos done;
- every todo or phase status change writes a system comment saying what changed.

Every write locks the task's row first, so two writers to one task's todos take turns and the
stored progress is the one its last writer computed from what was committed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from boards.models import Membership
from tasks.comments import system_comment_create
from tasks.models import Phase, PhaseStatus, Task, Todo, TodoStatus
from tracker import events


def progress_percent(phases: Iterable[tuple[str, list[str]]]) -> int:
    """The original's progress of (phase status, [todo statuses]) pairs, 0-100."""
    phases = list(phases)
    if not phases:
        return 0
    weight = 100 / len(phases)
    total = 0.0
    for status, todos in phases:
        if status == PhaseStatus.COMPLETED:
            total += weight
        elif status != PhaseStatus.BLOCKED and todos:
            total += weight * sum(1 for todo in todos if todo == TodoStatus.DONE) / len(todos)
    return round(total)


def _status_from_todos(todos: list[str]) -> str:
    done = sum(1 for todo in todos if todo == TodoStatus.DONE)
    if done == len(todos):
        return PhaseStatus.COMPLETED
    if done or any(todo == TodoStatus.IN_PROGRESS for todo in todos):
        return PhaseStatus.IN_PROGRESS
    return PhaseStatus.NOT_STARTED


def _lock_task(task_id: int) -> Task:
    """The task under its row lock; Task.DoesNotExist (a 404) when it was deleted meanwhile."""
    return Task.objects.select_for_update().get(pk=task_id)


def _refresh_progress(task: Task, now: datetime) -> int:
    """Store the task's progress from its committed phases and todos (one read of each)."""
    todos: dict[int, list[str]] = {}
    for phase_id, status in Todo.objects.filter(phase__task=task).values_list("phase_id", "status"):
        todos.setdefault(phase_id, []).append(status)
    phases = Phase.objects.filter(task=task).values_list("pk", "status")
    percent = progress_percent((status, todos.get(pk, [])) for pk, status in phases)
    Task.objects.filter(pk=task.pk).update(progress_percent=percent, updated_at=now)
    task.progress_percent = percent
    events.publish_after_commit(
        "task.updated", {"id": task.pk, "board": task.board_id, "status": task.status}
    )
    return percent


def _phase_status_comment(task: Task, phase: Phase, old: str, actor, now: datetime) -> None:
    system_comment_create(
        task=task,
        text=f"Phase '{phase.name}' status changed from '{old}' to '{phase.status}'",
        actor=actor,
        now=now,
    )


def _follow_todos(task: Task, phase: Phase, actor, now: datetime, *, comment: bool = True) -> None:
    """Set the phase's status from its todos (a blocked phase stays blocked)."""
    todos = list(phase.todos.values_list("status", flat=True))
    if not todos or phase.status == PhaseStatus.BLOCKED:
        return
    status = _status_from_todos(todos)
    if status != phase.status:
        old, phase.status = phase.status, status
        phase.save(update_fields=["status"])
        if comment:
            _phase_status_comment(task, phase, old, actor, now)


def _member(board_id: int, username: str | None):
    """The board member named (any role), locked until commit as task assignees are; None for
    no one; a 400 for anyone else."""
    if not username:
        return None
    membership = (
        Membership.objects.filter(board_id=board_id, user__username=username, user__is_active=True)
        .select_related("user")
        .select_for_update(of=("self",))
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"assignee": [f"Not a member of this board: {username!r}. Assign members only."]}
        )
    return membership.user


def _check(instance, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _create_phase(task: Task, spec: dict, actor, now: datetime) -> Phase:
    phase = Phase(
        task=task,
        name=spec["name"].strip(),
        status=spec.get("status") or PhaseStatus.NOT_STARTED,
        order=spec.get("order") or 0,
        created_at=now,
    )
    _check(phase, ["task"])
    phase.save()
    todos = []
    for order, todo in enumerate(spec.get("todos") or []):
        todos.append(
            Todo(
                phase=phase,
                name=todo["name"].strip(),
                status=todo.get("status") or TodoStatus.TODO,
                order=todo.get("order", order),
                assignee=_member(task.board_id, todo.get("assignee")),
                created_at=now,
            )
        )
        _check(todos[-1], ["phase", "assignee"])
    Todo.objects.bulk_create(todos)
    # As the original: a new phase's status follows the todos it came with.
    _follow_todos(task, phase, actor, now, comment=False)
    return phase


def phases_create(
    *, task: Task, phases: list[dict], actor=None, now: datetime | None = None
) -> None:
    """The phases (each `{"name", "status"?, "order"?, "todos"?: [{"name", "status"?}]}`) of a
    task being created, in the caller's transaction (tasks.services.task_create)."""
    now = now or timezone.now()
    for spec in phases:
        _create_phase(task, spec, actor, now)
    if phases:
        _refresh_progress(task, now)


@transaction.atomic
def phase_add(
    *,
    task: Task,
    name: str,
    status: str | None = None,
    order: int | None = None,
    todos: list[dict] | None = None,
    actor=None,
    now: datetime | None = None,
) -> Phase:
    now = now or timezone.now()
    task = _lock_task(task.pk)
    if order is None:
        last = task.phases.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    phase = _create_phase(
        task, {"name": name, "status": status, "order": order, "todos": todos}, actor, now
    )
    system_comment_create(task=task, text=f"Phase '{phase.name}' added", actor=actor, now=now)
    _refresh_progress(task, now)
    return phase


@transaction.atomic
def phase_update(
    *,
    phase: Phase,
    status: str | None = None,
    name: str | None = None,
    order: int | None = None,
    actor=None,
    now: datetime | None = None,
) -> Phase:
    """Change a phase's status, name or place; Phase.DoesNotExist when it is gone."""
    now = now or timezone.now()
    task = _lock_task(phase.task_id)
    phase = Phase.objects.get(pk=phase.pk)
    fields = []
    if name is not None and name.strip() != phase.name:
        old_name, phase.name = phase.name, name.strip()
        fields.append("name")
        system_comment_create(
            task=task, text=f"Phase '{old_name}' renamed to '{phase.name}'", actor=actor, now=now
        )
    if order is not None and order != phase.order:
        phase.order = order
        fields.append("order")
    old_status = phase.status
    if status is not None and status != old_status:
        phase.status = status
        fields.append("status")
    _check(phase, ["task"])
    if fields:
        phase.save(update_fields=fields)
    if "status" in fields:
        if status == PhaseStatus.COMPLETED:
            phase.todos.exclude(status=TodoStatus.DONE).update(status=TodoStatus.DONE)
        _phase_status_comment(task, phase, old_status, actor, now)
    _refresh_progress(task, now)
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, actor=None, now: datetime | None = None) -> int:
    now = now or timezone.now()
    task = _lock_task(phase.task_id)
    phase = Phase.objects.get(pk=phase.pk)
    phase_id = phase.pk
    phase.delete()
    system_comment_create(task=task, text=f"Phase '{phase.name}' deleted", actor=actor, now=now)
    _refresh_progress(task, now)
    return phase_id


@transaction.atomic
def todo_add(
    *,
    phase: Phase,
    name: str,
    status: str | None = None,
    order: int | None = None,
    assignee: str | None = None,
    actor=None,
    now: datetime | None = None,
) -> Todo:
    now = now or timezone.now()
    task = _lock_task(phase.task_id)
    phase = Phase.objects.get(pk=phase.pk)
    if order is None:
        last = phase.todos.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    todo = Todo(
        phase=phase,
        name=name.strip(),
        status=status or TodoStatus.TODO,
        order=order,
        assignee=_member(task.board_id, assignee),
        created_at=now,
    )
    _check(todo, ["phase", "assignee"])
    todo.save()
    system_comment_create(
        task=task, text=f"Todo '{todo.name}' added to phase '{phase.name}'", actor=actor, now=now
    )
    _follow_todos(task, phase, actor, now)
    _refresh_progress(task, now)
    return todo


_UNCHANGED = object()


@transaction.atomic
def todo_update(
    *,
    todo: Todo,
    status: str | None = None,
    name: str | None = None,
    order: int | None = None,
    assignee: object = _UNCHANGED,
    actor=None,
    now: datetime | None = None,
) -> Todo:
    """Change a todo; its phase follows (unless blocked) and the task's progress with it.

    `assignee`: a member's username, or None to unassign; left out, it stays.
    """
    now = now or timezone.now()
    task = _lock_task(todo.phase.task_id)
    todo = Todo.objects.select_related("phase", "assignee").get(pk=todo.pk)
    fields = []
    if name is not None and name.strip() != todo.name:
        old_name, todo.name = todo.name, name.strip()
        fields.append("name")
        system_comment_create(
            task=task, text=f"Todo '{old_name}' renamed to '{todo.name}'", actor=actor, now=now
        )
    if order is not None and order != todo.order:
        todo.order = order
        fields.append("order")
    if assignee is not _UNCHANGED:
        user = _member(task.board_id, assignee)
        if (user.pk if user else None) != todo.assignee_id:
            todo.assignee = user
            fields.append("assignee")
            who = f"assigned to {user.get_username()}" if user else "unassigned"
            system_comment_create(task=task, text=f"Todo '{todo.name}' {who}", actor=actor, now=now)
    old_status = todo.status
    if status is not None and status != old_status:
        todo.status = status
        fields.append("status")
    _check(todo, ["phase", "assignee"])
    if fields:
        todo.save(update_fields=fields)
    if "status" in fields:
        system_comment_create(
            task=task,
            text=f"Todo '{todo.name}' status changed from '{old_status}' to '{todo.status}'",
            actor=actor,
            now=now,
        )
        _follow_todos(task, todo.phase, actor, now)
    _refresh_progress(task, now)
    return todo


@transaction.atomic
def todo_delete(*, todo: Todo, actor=None, now: datetime | None = None) -> int:
    now = now or timezone.now()
    task = _lock_task(todo.phase.task_id)
    todo = Todo.objects.select_related("phase").get(pk=todo.pk)
    todo_id = todo.pk
    todo.delete()
    system_comment_create(task=task, text=f"Todo '{todo.name}' deleted", actor=actor, now=now)
    _follow_todos(task, todo.phase, actor, now)
    _refresh_progress(task, now)
    return todo_id
