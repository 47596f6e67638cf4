"""Tokens and bots over the API.

/tokens/: the caller's own tokens (a person's; a bot's can be listed and revoked but not added to).
/boards/{id}/bots/: a board's bots, for its owners. A token's text is in the create answer only.
"""

from functools import cached_property

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, Bot, NotificationPreferences
from accounts.selectors import bots_on_board, tokens_of
from accounts.serializers import (
    ApiTokenSerializer,
    BotCreatedSerializer,
    BotCreateSerializer,
    BotSerializer,
    NotificationPreferencesSerializer,
    TokenCreatedSerializer,
    TokenCreateSerializer,
    expires_in,
)
from accounts.services import (
    bot_create,
    bot_remove,
    notification_preferences_update,
    token_create,
    token_revoke,
)
from boards.access import acts_as_service, is_bot, readable_board_or_404, require_role
from boards.models import Board, Membership, Role
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin

_NEEDS_OWNER = (
    "Owners of the board only (a bot is never one). Anyone who may not read the board gets 404."
)


@extend_schema_view(
    list=extend_schema(
        summary="List my API tokens",
        description="The caller's own tokens, oldest first; never the tokens themselves.",
    ),
    create=extend_schema(
        summary="Make an API token",
        description=(
            "A new token for the caller, answered once (only its digest is stored); send it as "
            "`Authorization: Bearer <token>`. Bots and the static API_AUTH_TOKEN cannot make tokens."
        ),
        request=TokenCreateSerializer,
        responses={201: TokenCreatedSerializer},
        examples=[
            OpenApiExample(
                "A token for a script, for 90 days",
                value={"name": "backup script", "expires_in_days": 90},
                request_only=True,
            )
        ],
    ),
    destroy=extend_schema(
        summary="Revoke one of my API tokens", description="It stops working at once."
    ),
)
class TokenViewSet(
    ObjectByIdMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.all()
    permission_classes = [IsAuthenticated]
    not_found_message = "Token not found"

    def get_queryset(self) -> QuerySet[ApiToken]:
        return tokens_of(self.request.user)

    def get_serializer_class(self) -> type:
        # The browsable API's form shows what a POST takes.
        return TokenCreateSerializer if self.action == "create" else ApiTokenSerializer

    def create(self, request: Request) -> Response:
        if is_bot(request.user):
            raise PermissionDenied(
                "Bots cannot make tokens: a bot gets its first one when an owner of its board makes "
                "it (POST /boards/{id}/bots/), others from the server: manage.py api_token --bot."
            )
        if acts_as_service(request.user):
            raise PermissionDenied(
                "The static API_AUTH_TOKEN cannot make tokens: log in, or use a token of your own."
            )
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_token, token = token_create(
            user=request.user,
            name=serializer.validated_data["name"],
            expires_in=expires_in(serializer.validated_data),
        )
        api_token.token = token
        return Response(TokenCreatedSerializer(api_token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        token_revoke(token=instance)


@extend_schema_view(
    list=extend_schema(
        summary="List a board's bots",
        description=f"Each bot's role, who made it, when its tokens were last used and expire. {_NEEDS_OWNER}",
        responses=BotSerializer(many=True),
    ),
    create=extend_schema(
        summary="Make a bot on a board",
        description=(
            "A new bot (a user of its own, which cannot log in) with a role on this board, and its "
            f"token, answered once. {_NEEDS_OWNER}"
        ),
        request=BotCreateSerializer,
        responses={201: BotCreatedSerializer},
        examples=[
            OpenApiExample(
                "A bot that moves cards",
                value={"name": "ci-bot", "role": "editor", "expires_in_days": 90},
                request_only=True,
            )
        ],
    ),
    destroy=extend_schema(
        summary="Remove a bot from a board",
        description=(
            "Revokes all the bot's tokens and takes it off the board; a bot left on no board is "
            f"deleted. {_NEEDS_OWNER}"
        ),
        responses={204: None},
    ),
)
class BotViewSet(viewsets.GenericViewSet):
    serializer_class = BotSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "name"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self) -> type:
        return BotCreateSerializer if self.action == "create" else BotSerializer

    @cached_property
    def owned_board(self) -> Board:
        board = readable_board_or_404(self.request.user, self.kwargs["id"])
        require_role(self.request.user, board, Role.OWNER)
        return board

    def get_queryset(self) -> QuerySet[Membership]:
        return bots_on_board(self.owned_board)

    def list(self, request: Request, id: str) -> Response:  # noqa: A002 (the URL's name)
        return Response(BotSerializer(self.get_queryset(), many=True).data)

    def create(self, request: Request, id: str) -> Response:  # noqa: A002
        board = self.owned_board
        if is_bot(request.user):
            # A bot may own a board it made (POST /boards/), but never mints tokens.
            raise PermissionDenied("Bots cannot make bots: a person who owns the board can.")
        serializer = BotCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bot, token = bot_create(
            board=board,
            name=serializer.validated_data["name"],
            role=serializer.validated_data["role"],
            expires_in=expires_in(serializer.validated_data),
            actor=request.user,
        )
        created = bots_on_board(board).get(user=bot)
        answer = {"name": created.name, "role": created.role, "token": token}
        answer["expires_at"] = created.expires_at
        return Response(BotCreatedSerializer(answer).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, id: str, name: str) -> Response:  # noqa: A002
        board = self.owned_board
        try:
            bot_remove(board=board, name=name, actor=request.user)
        except Bot.DoesNotExist:
            raise NotFound("Bot not found") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPreferencesView(APIView):
    """The caller's time zone and quiet hours: deliveries wait until quiet hours end."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your notification preferences", responses=NotificationPreferencesSerializer
    )
    def get(self, request: Request) -> Response:
        preferences = NotificationPreferences.objects.filter(user=request.user).first()
        return Response(
            NotificationPreferencesSerializer(preferences or NotificationPreferences()).data
        )

    @extend_schema(
        summary="Change your notification preferences",
        description=AUTH_NOTE,
        request=NotificationPreferencesSerializer,
        responses=NotificationPreferencesSerializer,
    )
    def patch(self, request: Request) -> Response:
        data = NotificationPreferencesSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        preferences = notification_preferences_update(user=request.user, **data.validated_data)
        return Response(NotificationPreferencesSerializer(preferences).data)
