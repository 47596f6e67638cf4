"""A board's webhooks: /boards/{id}/webhooks/ (notifications.board_webhooks; README "Delivery").

Owners only: a board the caller may not read is a 404, as everywhere; one they may read without
owning it a 403 naming the role needed (boards.access.require_role).
"""

from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from boards.access import readable_board_or_404, require_role
from boards.models import Board, Role
from notifications import board_webhooks, channels
from notifications.delivery_serializers import (
    BoardWebhookCreatedSerializer,
    BoardWebhookCreateSerializer,
    BoardWebhookDeliverySerializer,
    BoardWebhookSerializer,
    BoardWebhookUpdateSerializer,
    ChannelTestResultSerializer,
)
from notifications.models import BoardWebhook, DeliveryAttempt
from notifications.selectors import board_webhooks_list
from tracker.api.views import AUTH_NOTE

_OWNERS_ONLY = AUTH_NOTE + " Owners of the board only."
# The newest deliveries GET .../deliveries lists.
DELIVERIES_LISTED = 50


class BoardWebhookViewSet(viewsets.GenericViewSet):
    serializer_class = BoardWebhookSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @cached_property
    def owned_board(self) -> Board:
        board = readable_board_or_404(self.request.user, self.kwargs["board_id"])
        require_role(self.request.user, board, Role.OWNER)
        return board

    def get_queryset(self) -> QuerySet[BoardWebhook]:
        return board_webhooks_list(board=self.owned_board)

    def get_object(self) -> BoardWebhook:
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (BoardWebhook.DoesNotExist, ValueError, OverflowError):
            raise NotFound("Webhook not found") from None

    def _answer(self, hook: BoardWebhook) -> Response:
        return Response(BoardWebhookSerializer(self.get_queryset().get(pk=hook.pk)).data)

    @extend_schema(summary="List a board's webhooks", description=_OWNERS_ONLY)
    def list(self, request: Request, board_id: str) -> Response:
        return Response(BoardWebhookSerializer(self.get_queryset(), many=True).data)

    @extend_schema(summary="One of a board's webhooks", description=_OWNERS_ONLY)
    def retrieve(self, request: Request, board_id: str, pk: str) -> Response:
        return Response(BoardWebhookSerializer(self.get_object()).data)

    @extend_schema(
        summary="Add a board webhook",
        description=_OWNERS_ONLY
        + " It receives every change on the board it takes (default: every event); its signing "
        "secret is in this answer only.",
        request=BoardWebhookCreateSerializer,
        responses={201: BoardWebhookCreatedSerializer},
    )
    def create(self, request: Request, board_id: str) -> Response:
        board = self.owned_board
        data = BoardWebhookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            hook = board_webhooks.board_webhook_create(
                board=board, actor=request.user, **data.validated_data
            )
        except channels.TargetRefused as error:
            raise ValidationError({"url": [str(error)]}) from None
        return Response(BoardWebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a board webhook",
        description=_OWNERS_ONLY + " `enabled: true` switches it on again and clears its failures.",
        request=BoardWebhookUpdateSerializer,
        responses=BoardWebhookSerializer,
    )
    def partial_update(self, request: Request, board_id: str, pk: str) -> Response:
        hook = self.get_object()
        data = BoardWebhookUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            hook = board_webhooks.board_webhook_update(hook=hook, **data.validated_data)
        except channels.TargetRefused as error:
            raise ValidationError({"url": [str(error)]}) from None
        except BoardWebhook.DoesNotExist:
            raise NotFound("Webhook not found") from None
        return self._answer(hook)

    @extend_schema(
        summary="Remove a board webhook", description=_OWNERS_ONLY, responses={204: None}
    )
    def destroy(self, request: Request, board_id: str, pk: str) -> Response:
        board_webhooks.board_webhook_delete(hook=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Send a test message to a board webhook",
        description=_OWNERS_ONLY + " Sent at once, one attempt; the answer says how it went.",
        request=None,
        responses=ChannelTestResultSerializer,
    )
    def send_test(self, request: Request, board_id: str, pk: str) -> Response:
        hook = self.get_object()
        hook.board = self.owned_board
        outcome = channels.post_webhook(
            hook.url, hook.secret, board_webhooks.test_message(hook), timezone.now()
        )
        return Response(
            {"ok": outcome.ok, "status_code": outcome.status_code, "error": outcome.error}
        )

    @extend_schema(
        summary="A board webhook's latest deliveries",
        description=_OWNERS_ONLY
        + f" The newest {DELIVERIES_LISTED} first, each with its attempts (time, duration, "
        "status code or error).",
        responses=BoardWebhookDeliverySerializer(many=True),
    )
    def deliveries(self, request: Request, board_id: str, pk: str) -> Response:
        hook = self.get_object()
        deliveries = hook.deliveries.order_by("-id").prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("id"))
        )[:DELIVERIES_LISTED]
        return Response(BoardWebhookDeliverySerializer(deliveries, many=True).data)
