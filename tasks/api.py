"""The tasks endpoints, the original's contract on DRF: /tasks/ and /tasks/{id}.

Writes go through the serializer to tasks.services. Two call forms of the original's clients are
kept: `PATCH /tasks/5?status=done` with an empty body and `PUT /tasks/5?name=New&interval_minutes=30`
with none (see `_fields_from_query_and_body`).
"""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from boards.access import (
    can_read,
    default_board,
    readable_board_or_404,
    require_role_given,
    role_on,
)
from boards.models import Role
from boards.permissions import EditorWritesOnBoard
from idempotency.api import idempotent
from tasks import json_array
from tasks.models import Task
from tasks.reminder_pause import MAX_SNOOZE_MINUTES, MIN_SNOOZE_MINUTES, task_snooze
from tasks.selectors import (
    tasks_assigned,
    tasks_claimable,
    tasks_matching,
    tasks_ordered,
    tasks_readable_by,
    tasks_tagged,
    tasks_with_breakdown,
    tasks_with_people,
)
from tasks.serializers import TaskListQuerySerializer, TaskSerializer
from tasks.services import task_archive, task_restore
from tracker.api.pagination import HeaderLimitOffsetPagination
from tracker.api.permissions import PublicReadAuthenticatedWrite
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin, PublicReadMixin

# Fields the original's clients may send as query parameters on PATCH and PUT: the writable ones.
QUERY_WRITABLE_FIELDS = tuple(
    name for name, field in TaskSerializer().fields.items() if not field.read_only
)

_LEGACY_QUERY_PARAMETERS = [
    OpenApiParameter(
        field,
        str,
        required=False,
        description=f"The original's form: `{field}` as a query parameter (the body wins when both give it).",
    )
    for field in QUERY_WRITABLE_FIELDS
]
_TASK_EXAMPLE = OpenApiExample(
    "Create a task",
    value={"name": "Nightly backup", "description": "db + files", "interval_minutes": 30},
    request_only=True,
)
_MOVE_EXAMPLES = [
    OpenApiExample(
        "Move a card above another",
        value={"status": "in_progress", "before": 12},
        request_only=True,
    ),
    OpenApiExample(
        "Move a card below another", value={"status": "todo", "after": 7}, request_only=True
    ),
    OpenApiExample(
        "Move a card to the end of a column", value={"status": "done"}, request_only=True
    ),
]
_DELETED = inline_serializer(
    "TaskDeleted", {"message": serializers.CharField(), "task_id": serializers.IntegerField()}
)


def _fields_from_query_and_body(request: Request) -> object:
    """The fields to change: the query parameters the original accepted, overridden by the body."""
    body = request.data
    if not hasattr(body, "keys"):
        return body  # not an object: the serializer explains what it expected
    fields = {
        name: request.query_params[name]
        for name in QUERY_WRITABLE_FIELDS
        if name in request.query_params
    }
    fields.update(body.dict() if hasattr(body, "dict") else body)
    return fields


_SNOOZE_BOUNDS = f"Snooze for {MIN_SNOOZE_MINUTES} to {MAX_SNOOZE_MINUTES} minutes (30 days)."


class SnoozeSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(
        min_value=MIN_SNOOZE_MINUTES,
        max_value=MAX_SNOOZE_MINUTES,
        help_text="How long the reminders wait. " + _SNOOZE_BOUNDS,
        error_messages={"min_value": _SNOOZE_BOUNDS, "max_value": _SNOOZE_BOUNDS},
    )


_SNOOZED = inline_serializer(
    "TaskSnoozed",
    {
        "message": serializers.CharField(),
        "task_id": serializers.IntegerField(),
        "reminders_paused_until": serializers.DateTimeField(),
        "next_reminder_at": serializers.DateTimeField(),
    },
)


JSON = "application/json"
# Actions that write a task and need none of the serializer's prefetched reads: they answer from
# the database's JSON (_written_task_answer) or with a short message.
WRITES_WITHOUT_PREFETCH = frozenset({"update", "partial_update", "destroy", "snooze"})


def _database_writes_the_json(request: Request) -> bool:
    """Whether the answer's JSON is written by the database (tasks.json_array): for the JSON
    renderer, on a database that can; the browsable API renders the serializer's data."""
    return request.accepted_renderer.format == "json" and json_array.supported()


@extend_schema_view(
    list=extend_schema(
        summary="List tasks",
        description="Every task as a bare JSON array, by id unless `ordering` says otherwise.",
        parameters=[TaskListQuerySerializer],
    ),
    retrieve=extend_schema(summary="Get one task"),
    create=extend_schema(
        summary="Create a task",
        description=(
            "Answers 200 (as the original did, not 201) with the task and a Location header. "
            f"{AUTH_NOTE}"
        ),
        examples=[_TASK_EXAMPLE],
        responses={200: TaskSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a task's status, place or details",
        description=(
            "Only the given fields change. Entering in_progress pings the task and schedules its "
            "reminder; entering done writes one completion notification. "
            "A move names its place by a card of the column it ends up in: `before` (just above "
            "that card) or `after` (just below it); with neither, a task changing column goes to "
            "its end. An anchor that does not exist, sits in another column, or is the task "
            "itself is a 400, as is giving more than one of `before`, `after` and `position`. "
            f"{AUTH_NOTE}"
        ),
        parameters=_LEGACY_QUERY_PARAMETERS,
        examples=_MOVE_EXAMPLES,
    ),
    update=extend_schema(
        summary="Edit a task's details",
        description=f"As in the original, only the given fields change. {AUTH_NOTE}",
        parameters=_LEGACY_QUERY_PARAMETERS,
    ),
    destroy=extend_schema(
        summary="Delete a task",
        description=(
            "The task goes to the archive: gone from the board, the lists and reminders (a GET "
            "of it is a 404, as after a delete), listed by `GET /tasks/?archived=true` and "
            "restorable with `POST /tasks/{id}/restore` until ARCHIVE_RETENTION_DAYS (default 30) "
            "have passed; then it is deleted for good. Its notifications stay, with the task's "
            f"name. {AUTH_NOTE}"
        ),
        # 200 with a body, as the original answered; spectacular assumes 204 for DELETE otherwise.
        responses={200: _DELETED},
    ),
)
class TaskViewSet(PublicReadMixin, ObjectByIdMixin, viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    queryset = Task.objects.all()
    pagination_class = HeaderLimitOffsetPagination
    not_found_message = "Task not found"
    list_filter_may_404 = True  # ?board= of a board the caller may not read (tracker.api.schema)
    permission_classes = [PublicReadAuthenticatedWrite, EditorWritesOnBoard]

    def get_queryset(self) -> QuerySet[Task]:
        if self.action == "restore":
            return tasks_readable_by(self.request.user, archived=True).select_related("board")
        if self.action in WRITES_WITHOUT_PREFETCH:
            # The task for the permission check and the service, which reads it again under its
            # lock; the answer comes from the database (_written_task_answer), so no prefetches.
            return tasks_readable_by(self.request.user).select_related("board")
        if self.action != "list":
            readable = tasks_readable_by(self.request.user)
            return tasks_with_breakdown(tasks_with_people(readable)).select_related("board")
        query = TaskListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        readable = tasks_readable_by(
            self.request.user, archived=query.validated_data.get("archived", False)
        )
        tasks = tasks_with_breakdown(tasks_with_people(readable))
        if query.validated_data.get("board"):
            # A board the caller may not read is a 404, as the board itself is.
            board = readable_board_or_404(self.request.user, query.validated_data["board"])
            tasks = tasks.filter(board=board)
        if query.validated_data.get("assignee"):
            tasks = tasks_assigned(tasks, query.validated_data["assignee"], self.request.user)
        if query.validated_data.get("status"):
            tasks = tasks.filter(status=query.validated_data["status"])
        if query.validated_data.get("priority"):
            tasks = tasks.filter(priority=query.validated_data["priority"])
        if query.validated_data.get("tag"):
            tasks = tasks_tagged(tasks, query.validated_data["tag"])
        tasks = tasks_matching(tasks, query.validated_data.get("search", ""))
        if query.validated_data.get("claimable"):
            return tasks_claimable(tasks)
        if query.validated_data.get("archived") and not query.validated_data.get("ordering"):
            return tasks  # newest archived first (tasks_readable_by)
        return tasks_ordered(tasks, query.validated_data.get("ordering", []))

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        tasks = self.get_queryset()
        if _database_writes_the_json(request):
            # The database writes the JSON (tasks.json_array) of every task or of one ?limit=
            # page: the serializer's body, far cheaper.
            page = self.paginator.page_of(tasks, request)
            if page is None:
                return HttpResponse(json_array.tasks_json_array(tasks), content_type=JSON)
            body = json_array.tasks_json_array(page)
            return HttpResponse(body, content_type=JSON, headers=self.paginator.page_headers())
        page = self.paginate_queryset(tasks)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(tasks, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponse:
        if not _database_writes_the_json(request):
            return super().retrieve(request, *args, **kwargs)
        # The database writes the answer (tasks.json_array), from the same readable tasks.
        try:
            task_id = int(self.kwargs["pk"])
        except ValueError:
            task_id = 0
        if not 0 < task_id < 2**63:  # beyond a 64-bit id no task exists, and SQLite cannot bind it
            raise NotFound(self.not_found_message)
        answer = json_array.task_json_object(request.user, task_id)
        if answer is None:
            raise NotFound(self.not_found_message)
        return HttpResponse(answer, content_type=JSON)

    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        named_board = serializer.validated_data.get("board")
        # The original's clients name no board: the default one, if the caller may see it (a
        # member may: only a non-member's needs the visibility query).
        board = named_board or default_board()
        role = role_on(request.user, board)
        if named_board is None and role is None and not can_read(request.user, board):
            raise NotFound("Name a board for the task: `board` (an id from GET /boards/).")
        require_role_given(role, board, Role.EDITOR)
        task = serializer.save(board=board)
        location = reverse("task-detail", kwargs={"pk": task.pk})
        # 200, not 201: the original answered 200 and its clients (and its test suite) expect it.
        return self._written_task_answer(request, serializer, headers={"Location": location})

    @idempotent
    def update(self, request: Request, *args, **kwargs) -> Response:
        # PUT is partial as well: the original's PUT changed only the fields it was given.
        serializer = self.get_serializer(
            self.get_object(), data=_fields_from_query_and_body(request), partial=True
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._written_task_answer(request, serializer)

    def _written_task_answer(
        self, request: Request, serializer: TaskSerializer, headers: dict | None = None
    ) -> HttpResponse:
        """The task just written, as GET /tasks/{id} answers it: built by the database in one query
        (tasks.json_array) for JSON, by the serializer for the browsable API."""
        if _database_writes_the_json(request):
            answer = json_array.task_json_object(request.user, serializer.instance.pk)
            if answer is not None:
                return HttpResponse(answer, content_type=JSON, headers=headers)
        return Response(serializer.data, status=status.HTTP_200_OK, headers=headers)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        try:
            task_id = task_archive(task=self.get_object(), actor=request.user)
        except Task.DoesNotExist:
            raise NotFound(self.not_found_message) from None  # archived meanwhile
        # The original's answer to a delete, word for word: its clients read it.
        return Response({"message": "Task deleted successfully", "task_id": task_id})

    @extend_schema(
        summary="Restore an archived task",
        description=(
            "Puts a deleted (archived) task back on its board, in its column at its old place, "
            "with its history, breakdown and assignees; answers the task. A task that is not "
            f"archived (or was purged): 404. Editors. {AUTH_NOTE}"
        ),
        request=None,
        responses={200: TaskSerializer},
    )
    @action(detail=True, methods=["post"], url_path="restore")
    def restore(self, request: Request, pk: str) -> Response:
        try:
            task = task_restore(task=self.get_object(), actor=request.user)
        except Task.DoesNotExist:
            raise NotFound(self.not_found_message) from None  # restored or purged meanwhile
        task = tasks_with_breakdown(tasks_with_people(Task.objects.filter(pk=task.pk))).get()
        return Response(self.get_serializer(task).data)

    @extend_schema(
        summary="Snooze a task's reminders",
        description=(
            "Reminders of a task in progress wait `minutes` (never sooner than they were due); "
            f"a task not in progress: 400. Moving the task on ends the snooze. Editors. {AUTH_NOTE}"
        ),
        request=SnoozeSerializer,
        responses={200: _SNOOZED},
        examples=[OpenApiExample("An hour", value={"minutes": 60}, request_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="snooze")
    def snooze(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        serializer = SnoozeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            task = task_snooze(
                task=task, minutes=serializer.validated_data["minutes"], actor=request.user
            )
        except Task.DoesNotExist:
            raise NotFound(self.not_found_message) from None
        return Response(
            {
                "message": "Reminders snoozed",
                "task_id": task.pk,
                "reminders_paused_until": task.reminders_paused_until,
                "next_reminder_at": task.next_reminder_at,
            }
        )
