from rest_framework.routers import SimpleRouter

from tasks.api import TaskViewSet

router = SimpleRouter()
# Set after construction: the constructor coerces any value to "/" or "". With "/?" every path
# answers with and without its trailing slash, for every method, with no redirect.
router.trailing_slash = "/?"
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = router.urls
