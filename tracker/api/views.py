from rest_framework import exceptions
from rest_framework.request import Request

from tracker.api.permissions import reads_are_public


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
