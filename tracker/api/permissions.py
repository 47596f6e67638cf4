from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


def reads_are_public(request: Request) -> bool:
    # Read at request time, so a deployment (or a test) can flip PUBLIC_READ without reloading views.
    return request.method in SAFE_METHODS and settings.PUBLIC_READ


class PublicReadAuthenticatedWrite(BasePermission):
    """Reads are open while settings.PUBLIC_READ is on (as in the original); writes need credentials."""

    def has_permission(self, request: Request, view: object) -> bool:
        return reads_are_public(request) or bool(request.user and request.user.is_authenticated)
