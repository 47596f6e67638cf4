"""The notification endpoints, the original's contract on DRF.

/notifications/ (newest first, 50 by default), /notifications/unread-count,
/notifications/{id}/read and /notifications/read-all. Writes go through notifications.services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors
from notifications.models import Notification
from notifications.serializers import (
    NotificationListQuerySerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    NotificationsReadAllSerializer,
    UnreadCountSerializer,
)
from notifications.services import notification_mark_read, notifications_mark_read
from tracker.api.pagination import HeaderLimitOffsetPagination
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin, PublicReadMixin


class NotificationPagination(HeaderLimitOffsetPagination):
    default_limit = 50  # as the original


class NotificationViewSet(
    PublicReadMixin, ObjectByIdMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.all()
    pagination_class = NotificationPagination
    not_found_message = "Notification not found"

    @extend_schema(
        summary="List notifications",
        description="Newest first; 50 unless `limit` says otherwise.",
        parameters=[NotificationListQuerySerializer],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        query = NotificationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = selectors.notifications_list(
            unread_only=query.validated_data["unread_only"],
            task_id=query.validated_data.get("task"),
            notification_type=query.validated_data.get("type"),
        )
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Count unread notifications", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread_count": selectors.unread_count()})

    @extend_schema(
        summary="Mark one notification read",
        description=AUTH_NOTE,
        request=None,
        responses=NotificationReadSerializer,
    )
    @action(detail=True, methods=["patch"], url_path="read")
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_object()
        notification_mark_read(notification=notification)
        return Response(
            {"message": "Notification marked as read", "notification_id": notification.pk}
        )

    @extend_schema(
        summary="Mark every notification read",
        description=AUTH_NOTE,
        request=None,
        responses=NotificationsReadAllSerializer,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        count = notifications_mark_read()
        return Response({"message": f"{count} notifications marked as read", "count": count})
