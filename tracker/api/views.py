from django.db.models import Model
from rest_framework import exceptions
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from tracker.api.permissions import reads_are_public

# The schema description of every write operation.
AUTH_NOTE = (
    "Needs credentials: `Authorization: Bearer <token>` or a logged-in session with a CSRF token."
)


class PublicReadMixin:
    """For API views: a stale or wrong token does not break a public read.

    The original never looked at credentials on reads, so scripts that send a bad token with every
    request kept reading; they still get a 401 as soon as they write or reads stop being public.
    """

    def perform_authentication(self, request: Request) -> None:
        try:
            request.user  # noqa: B018 (authenticates)
        except exceptions.AuthenticationFailed:
            if not reads_are_public(request):
                raise


class ObjectByIdMixin:
    """One object by its id. Any text reaches the view (`lookup_value_regex`), so an unknown or
    malformed id gets the same JSON 404 with `not_found_message`, the original's wording."""

    lookup_value_regex = r"[^/]+"
    not_found_message = "Not found"

    def get_object(self) -> Model:
        # Through the view's own (scoped) queryset: what a caller may not list, they cannot fetch.
        model = self.queryset.model
        try:
            instance = self.get_queryset().get(pk=self.kwargs["pk"])
        except (model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound(self.not_found_message) from None
        self.check_object_permissions(self.request, instance)
        return instance
