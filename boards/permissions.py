"""The API's permission classes for what lives on a board (boards.access holds the rules)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from boards.access import require_role
from boards.models import Role


class EditorWritesOnBoard(BasePermission):
    """Reads of an object the caller found (a readable board's) pass; writes need an editor.

    The object is anything with a `board`: a task, later its comments and phases.
    """

    def has_object_permission(self, request: Request, view: object, obj: object) -> bool:
        if request.method in SAFE_METHODS:
            return True
        require_role(request.user, obj.board, Role.EDITOR)
        return True
