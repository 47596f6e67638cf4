"""The boards endpoints: /boards/, /boards/{id}, /boards/{id}/members/ and /boards/{id}/members/{username}.

Who may do what is boards.access's: a board the caller may not read is a 404 on every path (the
lookups go through boards_for / readable_board_or_404), a role too low a 403 naming it, an
anonymous write a 401. Writes go through boards.services.
"""

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from boards import services
from boards.access import readable_board_or_404, require_role
from boards.models import Board, Membership, Role
from boards.selectors import board_members, boards_for
from boards.serializers import (
    BoardDeletedSerializer,
    BoardSerializer,
    MemberAddSerializer,
    MemberRemovedSerializer,
    MemberRoleSerializer,
    MemberSerializer,
)
from tracker.api.permissions import PublicReadAuthenticatedWrite
from tracker.api.views import AUTH_NOTE, ObjectByIdMixin, PublicReadMixin

_OWNERS_ONLY = f"Owners only. {AUTH_NOTE}"


@extend_schema_view(
    list=extend_schema(
        summary="List boards",
        description="Every board you may read, by id, with your role on each (null: not a member).",
    ),
    retrieve=extend_schema(summary="Get one board"),
    create=extend_schema(
        summary="Create a board",
        description=f"You become its owner. Visibility: private unless given. {AUTH_NOTE}",
        examples=[
            OpenApiExample(
                "Create a board", value={"name": "Ops", "visibility": "private"}, request_only=True
            )
        ],
        responses={201: BoardSerializer},
    ),
    partial_update=extend_schema(
        summary="Rename a board or change its visibility",
        description=f"Only the given fields change. {_OWNERS_ONLY}",
    ),
    destroy=extend_schema(
        summary="Delete a board",
        description=(
            "Deletes its tasks, their history and its notifications too. The default board "
            f"cannot be deleted (400). {_OWNERS_ONLY}"
        ),
        responses={200: BoardDeletedSerializer},
    ),
)
class BoardViewSet(
    PublicReadMixin,
    ObjectByIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BoardSerializer
    queryset = Board.objects.all()
    permission_classes = [PublicReadAuthenticatedWrite]
    not_found_message = "Board not found"

    def get_queryset(self) -> QuerySet[Board]:
        return boards_for(self.request.user)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = services.board_create(actor=request.user, **serializer.validated_data)
        board.membership_role = Role.OWNER
        location = reverse("board-detail", kwargs={"pk": board.pk})
        return Response(
            self.get_serializer(board).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        board = self.get_object()
        require_role(request.user, board, Role.OWNER)
        serializer = self.get_serializer(board, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.board_update(board=board, **serializer.validated_data)
        updated.membership_role = board.membership_role
        return Response(self.get_serializer(updated).data)

    def destroy(self, request: Request, pk: str) -> Response:
        board = self.get_object()
        require_role(request.user, board, Role.OWNER)
        board_id = services.board_delete(board=board)
        return Response({"message": "Board deleted", "board_id": board_id})


@extend_schema_view(
    list=extend_schema(
        summary="List a board's members",
        description="By username; anyone who may read the board may list them.",
    ),
    create=extend_schema(
        summary="Add a member to a board",
        description=f"An existing user, with a role. {_OWNERS_ONLY}",
        request=MemberAddSerializer,
        responses={201: MemberSerializer},
        examples=[
            OpenApiExample(
                "Add an editor", value={"username": "alice", "role": "editor"}, request_only=True
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change a member's role",
        description=f"A board keeps at least one owner (400). {_OWNERS_ONLY}",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer},
    ),
    destroy=extend_schema(
        summary="Remove a member from a board",
        description=(
            "They are also taken off the board's tasks they were assigned to. A board keeps at "
            f"least one owner (400). {_OWNERS_ONLY}"
        ),
        responses={200: MemberRemovedSerializer},
    ),
)
class BoardMemberViewSet(PublicReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    queryset = Membership.objects.all()
    permission_classes = [PublicReadAuthenticatedWrite]
    lookup_field = "username"
    lookup_value_regex = r"[^/]+"
    # The board's, when it is deleted while a write waits for its lock.
    not_found_message = "Board not found"
    # What each write reads (also the browsable API's form); the answer is a MemberSerializer.
    input_serializers = {"create": MemberAddSerializer, "partial_update": MemberRoleSerializer}

    def get_serializer_class(self) -> type:
        return self.input_serializers.get(self.action, MemberSerializer)

    def _board(self) -> Board:
        return readable_board_or_404(self.request.user, self.kwargs["board_id"])

    def _owned_board(self) -> Board:
        board = self._board()
        require_role(self.request.user, board, Role.OWNER)
        return board

    def get_queryset(self) -> QuerySet[Membership]:
        return board_members(self._board())

    def _not_a_member(self, username: str) -> NotFound:
        return NotFound(f"'{username}' is not a member of this board.")

    def create(self, request: Request, board_id: str) -> Response:
        board = self._owned_board()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.member_add(board=board, **serializer.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, board_id: str, username: str) -> Response:
        board = self._owned_board()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = services.member_update(
                board=board, username=username, role=serializer.validated_data["role"]
            )
        except Membership.DoesNotExist:
            raise self._not_a_member(username) from None
        return Response(MemberSerializer(membership).data)

    def destroy(self, request: Request, board_id: str, username: str) -> Response:
        board = self._owned_board()
        try:
            services.member_remove(board=board, username=username, actor=request.user)
        except Membership.DoesNotExist:
            raise self._not_a_member(username) from None
        return Response({"message": "Member removed", "username": username})
