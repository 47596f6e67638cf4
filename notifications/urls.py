from rest_framework.routers import SimpleRouter

from notifications.api import NotificationViewSet

router = SimpleRouter()
# Set after construction: the constructor coerces any value to "/" or "". With "/?" every path
# answers with and without its trailing slash, for every method, with no redirect.
router.trailing_slash = "/?"
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
