"""The delivery endpoints: a person's channels (/channels/), a notification's deliveries
(/notifications/{id}/deliveries) and retrying a failed one (/deliveries/{id}/retry).

Channels are their owner's alone: anyone else gets a 404, as for a board they may not read.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from boards.access import readable_boards
from notifications import channel_services, channels, dispatch, webpush
from notifications.delivery_serializers import (
    ChannelCreatedSerializer,
    ChannelCreateSerializer,
    ChannelSerializer,
    ChannelTestResultSerializer,
    ChannelUpdateSerializer,
    DeliverySerializer,
    WebPushKeySerializer,
)
from notifications.models import Channel, Delivery, DeliveryAttempt, Notification
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin


class ChannelViewSet(
    ObjectByIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ChannelSerializer
    queryset = Channel.objects.all()
    permission_classes = [IsAuthenticated]
    pagination_class = None
    not_found_message = "Channel not found"

    def get_queryset(self):
        return Channel.objects.filter(user=self.request.user)

    @extend_schema(summary="List your delivery channels")
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One of your delivery channels")
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Add a delivery channel",
        description=AUTH_NOTE + " A webhook's signing secret is in this answer only.",
        request=ChannelCreateSerializer,
        responses={201: ChannelCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ChannelCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            channel = channel_services.channel_create(user=request.user, **data.validated_data)
        except channels.TargetRefused as error:
            raise ValidationError({"target": [str(error)]}) from None
        return Response(ChannelCreatedSerializer(channel).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a delivery channel",
        description=AUTH_NOTE
        + " `enabled: true` switches a channel on again and clears its failures.",
        request=ChannelUpdateSerializer,
        responses=ChannelSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        data = ChannelUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            channel = channel_services.channel_update(channel=channel, **data.validated_data)
        except channels.TargetRefused as error:
            raise ValidationError({"target": [str(error)]}) from None
        return Response(ChannelSerializer(channel).data)

    @extend_schema(
        summary="Remove a delivery channel", description=AUTH_NOTE, responses={204: None}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        channel_services.channel_delete(channel=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Send a test message through a channel",
        description=AUTH_NOTE + " Sent at once, one attempt; the answer says how it went.",
        request=None,
        responses=ChannelTestResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="test")
    def send_test(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        outcome = channels.send(channel, dispatch.channel_test_message(channel))
        return Response(
            {"ok": outcome.ok, "status_code": outcome.status_code, "error": outcome.error}
        )

    @extend_schema(
        summary="The server's web push key",
        description="The VAPID public key (base64url) a browser subscribes with "
        "(`pushManager.subscribe({applicationServerKey})`); the subscription's JSON is then the "
        'target of a `"kind": "webpush"` channel.',
        responses=WebPushKeySerializer,
    )
    @action(detail=False, methods=["get"], url_path="webpush-key")
    def webpush_key(self, request: Request) -> Response:
        return Response({"public_key": webpush.public_key()})


def _with_attempts(deliveries):
    return deliveries.select_related("channel").prefetch_related(
        Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("id"))
    )


class DeliveryViewSet(ObjectByIdMixin, viewsets.GenericViewSet):
    serializer_class = DeliverySerializer
    queryset = Delivery.objects.all()
    permission_classes = [IsAuthenticated]
    pagination_class = None
    not_found_message = "Delivery not found"

    def get_queryset(self):
        return Delivery.objects.filter(channel__user=self.request.user)

    @extend_schema(
        summary="Your deliveries of one notification",
        description="To your own channels, each with its attempts (time, duration, status code or error).",
        responses=DeliverySerializer(many=True),
    )
    def for_notification(self, request: Request, pk: str) -> Response:
        try:
            notification = Notification.objects.filter(board__in=readable_boards(request.user)).get(
                pk=int(pk)
            )
        except (Notification.DoesNotExist, ValueError, OverflowError):
            raise NotFound("Notification not found") from None
        deliveries = _with_attempts(self.get_queryset().filter(notification=notification))
        return Response(DeliverySerializer(deliveries, many=True).data)

    @extend_schema(
        summary="Retry a failed delivery",
        description=AUTH_NOTE
        + " Only a failed one (409 otherwise); it starts a fresh set of attempts.",
        request=None,
        responses=DeliverySerializer,
    )
    @action(detail=True, methods=["post"], url_path="retry")
    def retry(self, request: Request, pk: str) -> Response:
        delivery = self.get_object()
        if not channel_services.delivery_retry(delivery=delivery):
            return Response(
                {"detail": "Only a failed delivery on a channel that is on can be retried."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            DeliverySerializer(_with_attempts(self.get_queryset()).get(pk=delivery.pk)).data
        )
