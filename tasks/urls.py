from django.urls import re_path
from rest_framework.routers import SimpleRouter

from tasks import agents_api
from tasks.api import TaskViewSet

router = SimpleRouter()
# Set after construction: the constructor coerces any value to "/" or "". With "/?" every path
# answers with and without its trailing slash, for every method, with no redirect.
router.trailing_slash = "/?"
router.register("tasks", TaskViewSet, basename="task")

# Scripts and agents (tasks.agents_api): before the router, with and without a trailing slash.
urlpatterns = [
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
