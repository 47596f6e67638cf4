"""The notification endpoints, the original's contract on DRF.

/notifications/ (newest first, 50 by default), /notifications/unread-count,
/notifications/{id}/read and /notifications/read-all. Writes go through notifications.services.

A person or a bot acts on their own inbox (their own read state); anonymous readers and the static
API_AUTH_TOKEN act on the original's shared inbox. Either way only the boards the caller may read.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from boards.access import readable_boards
from notifications import selectors
from notifications.models import InboxEntry, Notification
from notifications.serializers import (
    InboxEntrySerializer,
    NotificationListQuerySerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    NotificationsReadAllSerializer,
    UnreadCountSerializer,
)
from notifications.services import (
    inbox_entry_mark_read,
    inbox_mark_read,
    notification_mark_read,
    notifications_mark_read,
)
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
        filters = {
            "boards": readable_boards(request.user),
            "unread_only": query.validated_data["unread_only"],
            "task_id": query.validated_data.get("task"),
            "notification_type": query.validated_data.get("type"),
        }
        if selectors.has_own_inbox(request.user):
            entries = self.paginate_queryset(selectors.inbox_list(user=request.user, **filters))
            return self.get_paginated_response(InboxEntrySerializer(entries, many=True).data)
        page = self.paginate_queryset(selectors.notifications_list(**filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Count unread notifications", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread_count": selectors.unread_count_for(request.user)})

    @extend_schema(
        summary="Mark one notification read",
        description=AUTH_NOTE,
        request=None,
        responses=NotificationReadSerializer,
    )
    @action(detail=True, methods=["patch"], url_path="read")
    def read(self, request: Request, pk: str) -> Response:
        if selectors.has_own_inbox(request.user):
            entry = self._own_entry(pk)
            inbox_entry_mark_read(entry=entry)
            notification_id = entry.notification_id
        else:
            notification = self.get_object()
            notification_mark_read(notification=notification)
            notification_id = notification.pk
        return Response(
            {"message": "Notification marked as read", "notification_id": notification_id}
        )

    def get_queryset(self):
        return Notification.objects.filter(board__in=readable_boards(self.request.user))

    def _own_entry(self, pk: str) -> InboxEntry:
        """The caller's entry for notification `pk`: a 404 when it is not in their inbox."""
        try:
            return selectors.inbox_list(
                user=self.request.user, boards=readable_boards(self.request.user)
            ).get(notification_id=int(pk))
        except (InboxEntry.DoesNotExist, ValueError, OverflowError):
            raise NotFound(self.not_found_message) from None

    @extend_schema(
        summary="Mark every notification read",
        description=AUTH_NOTE,
        request=None,
        responses=NotificationsReadAllSerializer,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        boards = readable_boards(request.user)
        if selectors.has_own_inbox(request.user):
            count = inbox_mark_read(
                user=request.user, entries=selectors.inbox_list(user=request.user, boards=boards)
            )
        else:
            count = notifications_mark_read(
                notifications=selectors.notifications_list(boards=boards)
            )
        return Response({"message": f"{count} notifications marked as read", "count": count})
