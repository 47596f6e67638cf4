"""The work breakdown's endpoints: phases, todos, comments and a task's timeline.

The original's paths and answers: PATCH /todos/{id}, PATCH /phases/{id} and POST/GET
/tasks/{id}/comments, with its 404 messages. Beyond it: adding, changing and deleting phases and
todos, editing and deleting comments, and GET /tasks/{id}/timeline. Everything a caller may not
read is a 404 (boards.access through tasks.selectors); writes need an editor of the task's board.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from boards.access import require_role
from boards.models import Role
from boards.permissions import EditorWritesOnBoard
from tasks import breakdown, comments
from tasks.breakdown_serializers import (
    CommentChangeSerializer,
    CommentSerializer,
    PhaseChangeSerializer,
    PhaseSerializer,
    TodoSerializer,
)
from tasks.models import Comment, Phase, Task, Todo
from tasks.selectors import comments_of, phases_with_todos, tasks_readable_by, timeline_of
from tracker.api.pagination import HeaderLimitOffsetPagination
from tracker.api.permissions import PublicReadAuthenticatedWrite
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin, PublicReadMixin

_PERMISSIONS = [PublicReadAuthenticatedWrite, EditorWritesOnBoard]


def _deleted(name: str):
    return inline_serializer(
        f"{name.title()}Deleted",
        {"message": serializers.CharField(), f"{name}_id": serializers.IntegerField()},
    )


class _OnATask(PublicReadMixin):
    """Views under /tasks/{task_id}/: the task among those the caller may read, or 404."""

    permission_classes = [PublicReadAuthenticatedWrite]
    not_found_message = "Task not found"

    def task(self, *, write: bool) -> Task:
        try:
            task = (
                tasks_readable_by(self.request.user)
                .select_related("board")
                .get(pk=self.kwargs["task_id"])
            )
        except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound("Task not found") from None
        if write:
            require_role(self.request.user, task.board, Role.EDITOR)
        return task


class TaskCommentsView(_OnATask, generics.GenericAPIView):
    serializer_class = CommentSerializer
    pagination_class = None

    @extend_schema(summary="List a task's comments", description="Oldest first, as the original.")
    def get(self, request: Request, task_id: str) -> Response:
        task = self.task(write=False)
        return Response(CommentSerializer(comments_of(task), many=True).data)

    @extend_schema(
        summary="Comment on a task",
        description=(
            '`{"text", "author"?}`: 200 (as the original) with the comment. `text` is Markdown, '
            f"answered rendered and sanitised as `html`. {AUTH_NOTE}"
        ),
        responses={200: CommentSerializer},
    )
    def post(self, request: Request, task_id: str) -> Response:
        task = self.task(write=True)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comments.comment_create(
            task=task,
            text=serializer.validated_data["text"],
            author=serializer.validated_data.get("author"),
            actor=request.user,
        )
        return Response(CommentSerializer(comment).data)


class TaskPhasesView(_OnATask, generics.GenericAPIView):
    serializer_class = PhaseSerializer

    @extend_schema(
        summary="Add a phase to a task",
        description=(
            '`{"name", "status"?, "order"?, "todos"?: [{"name", "status"?, "assignee"?}]}`: 201, '
            f"the phase (at the end unless `order` is given). {AUTH_NOTE}"
        ),
        responses={201: PhaseSerializer},
    )
    def post(self, request: Request, task_id: str) -> Response:
        task = self.task(write=True)
        serializer = PhaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        phase = breakdown.phase_add(
            task=task,
            name=data["name"],
            status=data.get("status"),
            order=data.get("order"),
            todos=data.get("todos"),
            actor=request.user,
        )
        answer = PhaseSerializer(phases_with_todos().get(pk=phase.pk)).data
        return Response(answer, status=status.HTTP_201_CREATED)


_TIMELINE_ENTRY = inline_serializer(
    "TimelineEntry",
    {
        "type": serializers.ChoiceField(choices=["comment", "change", "ping"]),
        "at": serializers.DateTimeField(),
        "actor": serializers.CharField(allow_null=True),
        "comment": CommentSerializer(required=False),
        # A change's kind (created, updated, deleted) or a ping's (ping, start, success, fail).
        "kind": serializers.CharField(required=False),
        "changes": serializers.DictField(required=False),
        # A ping's: its exit status and the log it sent (the last 10 KB of it).
        "exit_status": serializers.IntegerField(required=False, allow_null=True),
        "body": serializers.CharField(required=False),
        "truncated": serializers.BooleanField(required=False),
    },
    many=True,
)


class TaskTimelineView(_OnATask, generics.GenericAPIView):
    pagination_class = HeaderLimitOffsetPagination
    serializer_class = CommentSerializer  # for the schema's paging; entries are _TIMELINE_ENTRY

    @extend_schema(
        summary="A task's timeline",
        description=(
            "Its comments (system ones too), every recorded change (who, when, what) and its ping "
            "log (lifecycle pings and pings with a body), oldest first, a bare array paged with `?limit=&offset=` (Link and X-Total-Count headers)."
        ),
        responses={200: _TIMELINE_ENTRY},
    )
    def get(self, request: Request, task_id: str) -> Response:
        task = self.task(write=False)
        entries = timeline_of(task)
        page = self.paginate_queryset(entries)
        if page is not None:
            return self.get_paginated_response(entries.answer(page))
        return Response(entries.answer(list(entries)))


class PhaseViewSet(
    PublicReadMixin,
    ObjectByIdMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """PATCH /phases/{id} (the original's, `{"status"}`; also `name`, `order`), DELETE, and
    POST /phases/{id}/todos."""

    queryset = Phase.objects.all()
    serializer_class = PhaseChangeSerializer
    not_found_message = "Phase not found"
    permission_classes = _PERMISSIONS
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Phase]:
        tasks = tasks_readable_by(self.request.user)
        return phases_with_todos().filter(task__in=tasks).select_related("task__board")

    @extend_schema(
        summary="Change a phase",
        description=(
            "`status` (completing a phase marks its todos done), `name`, `order`. The task's "
            f"progress follows; a status change writes a system comment. {AUTH_NOTE}"
        ),
        responses={200: PhaseSerializer},
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        phase = self.get_object()
        serializer = PhaseChangeSerializer(phase, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        breakdown.phase_update(phase=phase, actor=request.user, **serializer.validated_data)
        return Response(PhaseSerializer(self.get_queryset().get(pk=phase.pk)).data)

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Delete a phase and its todos", responses={200: _deleted("phase")})
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        phase_id = breakdown.phase_delete(phase=self.get_object(), actor=request.user)
        return Response({"message": "Phase deleted", "phase_id": phase_id})


class PhaseTodosView(PublicReadMixin, generics.GenericAPIView):
    serializer_class = TodoSerializer
    permission_classes = [PublicReadAuthenticatedWrite]
    not_found_message = "Phase not found"

    @extend_schema(
        summary="Add a todo to a phase",
        description=f'`{{"name", "status"?, "order"?, "assignee"?}}`: 201, the todo. {AUTH_NOTE}',
        responses={201: TodoSerializer},
    )
    def post(self, request: Request, phase_id: str) -> Response:
        try:
            phase = (
                Phase.objects.filter(task__in=tasks_readable_by(request.user))
                .select_related("task__board")
                .get(pk=phase_id)
            )
        except (Phase.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound("Phase not found") from None
        require_role(request.user, phase.board, Role.EDITOR)
        serializer = TodoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        todo = breakdown.todo_add(phase=phase, actor=request.user, **serializer.validated_data)
        return Response(TodoSerializer(todo).data, status=status.HTTP_201_CREATED)


class TodoViewSet(
    PublicReadMixin,
    ObjectByIdMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Todo.objects.all()
    serializer_class = TodoSerializer
    not_found_message = "Todo not found"
    permission_classes = _PERMISSIONS
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Todo]:
        tasks = tasks_readable_by(self.request.user)
        return Todo.objects.filter(phase__task__in=tasks).select_related(
            "phase__task__board", "assignee"
        )

    @extend_schema(
        summary="Change a todo",
        description=(
            "`status` (the original's; its phase follows unless blocked, and the task's progress), "
            f"`name`, `order`, `assignee` (a board member, or null). {AUTH_NOTE}"
        ),
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        todo = self.get_object()
        serializer = TodoSerializer(todo, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        todo = breakdown.todo_update(todo=todo, actor=request.user, **serializer.validated_data)
        return Response(TodoSerializer(todo).data)

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Delete a todo", responses={200: _deleted("todo")})
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        todo_id = breakdown.todo_delete(todo=self.get_object(), actor=request.user)
        return Response({"message": "Todo deleted", "todo_id": todo_id})


class CommentViewSet(
    PublicReadMixin,
    ObjectByIdMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """PATCH /comments/{id} `{"text"}` and DELETE: the comment's author only."""

    queryset = Comment.objects.all()
    serializer_class = CommentChangeSerializer
    not_found_message = "Comment not found"
    permission_classes = _PERMISSIONS
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Comment]:
        tasks = tasks_readable_by(self.request.user)
        return Comment.objects.filter(task__in=tasks).select_related("task__board", "author_user")

    @extend_schema(summary="Edit your comment", responses={200: CommentSerializer})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        comment = self.get_object()
        serializer = CommentChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comments.comment_update(
            comment=comment, text=serializer.validated_data["text"], actor=request.user
        )
        return Response(CommentSerializer(comment).data)

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Delete your comment", responses={200: _deleted("comment")})
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        comment_id = comments.comment_delete(comment=self.get_object(), actor=request.user)
        return Response({"message": "Comment deleted", "comment_id": comment_id})
