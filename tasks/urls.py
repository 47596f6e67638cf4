from django.urls import re_path
from rest_framework.routers import SimpleRouter

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
    *router.urls,
]
