from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from notifications import views
from notifications.api import NotificationViewSet
from notifications.board_webhook_api import BoardWebhookViewSet
from notifications.delivery_api import ChannelViewSet, DeliveryViewSet

router = SimpleRouter()
# Set after construction: the constructor coerces any value to "/" or "". With "/?" every path
# answers with and without its trailing slash, for every method, with no redirect.
router.trailing_slash = "/?"
router.register("notifications", NotificationViewSet, basename="notification")
router.register("channels", ChannelViewSet, basename="channel")
router.register("deliveries", DeliveryViewSet, basename="delivery")

urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    # Before the router's: the signed link's page, and the API's POST (notifications.views).
    re_path(r"^notifications/(?P<pk>[0-9]{1,18})/ack/?$", views.ack, name="notification-ack-link"),
    re_path(
        r"^notifications/(?P<pk>[^/]+)/deliveries/?$",
        DeliveryViewSet.as_view({"get": "for_notification"}),
        name="notification-deliveries",
    ),
    # A board's webhooks (the board's own routes are boards.urls').
    re_path(
        r"^boards/(?P<board_id>[^/]+)/webhooks/?$",
        BoardWebhookViewSet.as_view({"get": "list", "post": "create"}),
        name="board-webhooks",
    ),
    re_path(
        r"^boards/(?P<board_id>[^/]+)/webhooks/(?P<pk>[^/]+?)/?$",
        BoardWebhookViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="board-webhook",
    ),
    re_path(
        r"^boards/(?P<board_id>[^/]+)/webhooks/(?P<pk>[^/]+?)/deliveries/?$",
        BoardWebhookViewSet.as_view({"get": "deliveries"}),
        name="board-webhook-deliveries",
    ),
    re_path(
        r"^boards/(?P<board_id>[^/]+)/webhooks/(?P<pk>[^/]+?)/test/?$",
        BoardWebhookViewSet.as_view({"post": "send_test"}),
        name="board-webhook-test",
    ),
    *router.urls,
]
