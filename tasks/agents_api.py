"""The endpoints for scripts and agents: heartbeats (/tasks/{id}/ping...) and claims.

Each needs a token (or session) with the editor role on the task's board (boards.access): what the
caller may not read is a 404, a viewer's call a 403. Pings answer `OK` as text/plain and are not
write-throttled: a ping is one UPDATE, and a fleet of scripts behind one bot token pings often.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from boards.access import require_role
from boards.models import Role
from idempotency.api import idempotent
from tasks import claims, heartbeats
from tasks.models import DEFAULT_LEASE_MINUTES, PING_LOG_MAX_BYTES, PingKind, PingLog, Task
from tasks.selectors import tasks_readable_by, tasks_with_people
from tasks.serializers import StrictFloatField, TaskSerializer
from tracker.api.permissions import PublicReadAuthenticatedWrite
from tracker.api.views import AUTH_NOTE, PublicReadMixin

# How many of a task's latest ping logs GET /tasks/{id}/pings answers.
PING_LOGS_SHOWN = 50


def _task_to_write(request: Request, pk: str, *, only: tuple[str, ...] | None = None) -> Task:
    tasks = tasks_readable_by(request.user).select_related("board")
    if only:
        tasks = tasks.only(*only, "board__id", "board__name")
    try:
        task = tasks.get(pk=int(pk))
    except (Task.DoesNotExist, ValueError, OverflowError):
        raise NotFound("Task not found") from None
    require_role(request.user, task.board, Role.EDITOR)
    return task


class _ExitQuery(serializers.Serializer):
    exit = serializers.IntegerField(
        required=False, min_value=-(2**31), max_value=2**31 - 1, help_text="The exit status."
    )


_PING_DESCRIPTION = (
    "A sign of life: sets `last_ping` (a task that keeps pinging is not reminded), clears "
    "`stalled` and `failed`, renews the holder's lease. `start` moves the task to In Progress, "
    "`success` to Done, `fail` keeps it In Progress, marks it failed and notifies at once. "
    f"A body (any type) is kept as the ping's log: its last {PING_LOG_MAX_BYTES // 1024} KB, a "
    "longer one is truncated from the front. `?exit=N` records an exit status (nonzero on a "
    f"plain ping counts as a fail). GET and POST alike. {AUTH_NOTE}"
)


class TaskPingView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes: list = []
    kind = PingKind.PING

    @extend_schema(
        summary="Ping a task",
        description=_PING_DESCRIPTION,
        parameters=[_ExitQuery],
        request=None,
        responses={200: OpenApiResponse(description="`OK`, as text/plain")},
    )
    def post(self, request: Request, pk: str) -> HttpResponse:
        query = _ExitQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        task = _task_to_write(request, pk, only=heartbeats.PING_READ)
        try:
            heartbeats.task_ping(
                task=task,
                kind=self.kind,
                actor=request.user,
                exit_status=query.validated_data.get("exit"),
                body=request.body,
            )
        except Task.DoesNotExist:
            raise NotFound("Task not found") from None
        return HttpResponse("OK", content_type="text/plain")

    @extend_schema(
        summary="Ping a task (GET)",
        description=_PING_DESCRIPTION,
        parameters=[_ExitQuery],
        responses={200: OpenApiResponse(description="`OK`, as text/plain")},
    )
    def get(self, request: Request, pk: str) -> HttpResponse:
        return self.post(request, pk)


class TaskPingStartView(TaskPingView):
    kind = PingKind.START


class TaskPingSuccessView(TaskPingView):
    kind = PingKind.SUCCESS


class TaskPingFailView(TaskPingView):
    kind = PingKind.FAIL


class ClaimSerializer(serializers.Serializer):
    lease_minutes = StrictFloatField(
        required=False,
        default=DEFAULT_LEASE_MINUTES,
        help_text=f"How long the claim holds without a ping (default {DEFAULT_LEASE_MINUTES:g}).",
    )


_CLAIM_REFUSED = inline_serializer(
    "ClaimRefused",
    {
        "detail": serializers.CharField(),
        "holder": serializers.CharField(allow_null=True),
        "until": serializers.DateTimeField(allow_null=True),
    },
)


def _refused(error: claims.ClaimRefused) -> Response:
    until = error.until.isoformat().replace("+00:00", "Z") if error.until else None
    return Response(
        {"detail": error.message, "holder": error.holder, "until": until},
        status=status.HTTP_409_CONFLICT,
    )


def _answer(request: Request, task: Task) -> Response:
    task = tasks_with_people(Task.objects.filter(pk=task.pk)).get()
    return Response(TaskSerializer(task, context={"request": request}).data)


class TaskClaimView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Claim a task",
        description=(
            "Atomically makes the caller the task's holder (`claimed_by`, until `lease_until`) "
            "and assignee, and moves it to In Progress. Pings renew the lease; when it passes "
            "the task goes back to To Do. The holder claiming again renews it. Another holder, "
            f"or a done task: 409 with `holder` and `until`. {AUTH_NOTE}"
        ),
        request=ClaimSerializer,
        responses={200: TaskSerializer, 409: _CLAIM_REFUSED},
    )
    @idempotent
    def post(self, request: Request, pk: str) -> Response:
        body = ClaimSerializer(data=request.data if hasattr(request.data, "keys") else {})
        body.is_valid(raise_exception=True)
        task = _task_to_write(request, pk)
        try:
            task = claims.task_claim(
                task=task, actor=request.user, lease_minutes=body.validated_data["lease_minutes"]
            )
        except claims.ClaimRefused as error:
            return _refused(error)
        except Task.DoesNotExist:
            raise NotFound("Task not found") from None
        return _answer(request, task)


class TaskReleaseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Release a claimed task",
        description=f"The holder gives the task back: to To Do, unclaimed. {AUTH_NOTE}",
        request=None,
        responses={200: TaskSerializer, 409: _CLAIM_REFUSED},
    )
    @idempotent
    def post(self, request: Request, pk: str) -> Response:
        task = _task_to_write(request, pk)
        try:
            task = claims.task_release(task=task, actor=request.user)
        except claims.ClaimRefused as error:
            return _refused(error)
        except Task.DoesNotExist:
            raise NotFound("Task not found") from None
        return _answer(request, task)


class PingLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = PingLog
        fields = ["id", "kind", "exit_status", "body", "truncated", "actor", "at"]


class TaskPingLogView(PublicReadMixin, APIView):
    """A task's run log: its lifecycle pings and pings with a body, newest first."""

    permission_classes = [PublicReadAuthenticatedWrite]

    @extend_schema(
        summary="A task's ping log",
        description=(
            f"The latest {PING_LOGS_SHOWN} lifecycle pings (start, success, fail) and pings with "
            "a body, newest first, with their exit status and log. Plain pings leave no row."
        ),
        responses={200: PingLogSerializer(many=True)},
    )
    def get(self, request: Request, pk: str) -> Response:
        try:
            task = tasks_readable_by(request.user).only("pk").get(pk=int(pk))
        except (Task.DoesNotExist, ValueError, OverflowError):
            raise NotFound("Task not found") from None
        logs = (
            PingLog.objects.filter(task=task)
            .select_related("actor")
            .order_by("-at", "-id")[:PING_LOGS_SHOWN]
        )
        return Response(PingLogSerializer(logs, many=True).data)
