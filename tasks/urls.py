from django.urls import re_path
from rest_framework.routers import SimpleRouter

from tasks import agents_api
from tasks.api import TaskViewSet
from tasks.breakdown_api import (
    CommentViewSet,
    PhaseTodosView,
    PhaseViewSet,
    TaskCommentsView,
    TaskPhasesView,
    TaskTimelineView,
    TodoViewSet,
)

router = SimpleRouter()
# Set after construction: the constructor coerces any value to "/" or "". With "/?" every path
# answers with and without its trailing slash, for every method, with no redirect.
router.trailing_slash = "/?"
router.register("tasks", TaskViewSet, basename="task")
router.register("phases", PhaseViewSet, basename="phase")
router.register("todos", TodoViewSet, basename="todo")
router.register("comments", CommentViewSet, basename="comment")

urlpatterns = [
    # The work breakdown under a task or phase (tasks.breakdown_api), before the router's detail
    # routes, which take any text as an id.
    re_path(
        r"^tasks/(?P<task_id>[^/]+)/comments/?$", TaskCommentsView.as_view(), name="task-comments"
    ),
    re_path(r"^tasks/(?P<task_id>[^/]+)/phases/?$", TaskPhasesView.as_view(), name="task-phases"),
    re_path(
        r"^tasks/(?P<task_id>[^/]+)/timeline/?$", TaskTimelineView.as_view(), name="task-timeline"
    ),
    re_path(r"^phases/(?P<phase_id>[^/]+)/todos/?$", PhaseTodosView.as_view(), name="phase-todos"),
    # Scripts and agents (tasks.agents_api): before the router, with and without a trailing slash.
    re_path(r"^tasks/(?P<pk>[^/]+)/ping/?$", agents_api.TaskPingView.as_view(), name="task-ping"),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/ping/start/?$",
        agents_api.TaskPingStartView.as_view(),
        name="task-ping-start",
    ),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/ping/success/?$",
        agents_api.TaskPingSuccessView.as_view(),
        name="task-ping-success",
    ),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/ping/fail/?$",
        agents_api.TaskPingFailView.as_view(),
        name="task-ping-fail",
    ),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/pings/?$",
        agents_api.TaskPingLogView.as_view(),
        name="task-ping-logs",
    ),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/claim/?$", agents_api.TaskClaimView.as_view(), name="task-claim"
    ),
    re_path(
        r"^tasks/(?P<pk>[^/]+)/release/?$",
        agents_api.TaskReleaseView.as_view(),
        name="task-release",
    ),
    *router.urls,
]
