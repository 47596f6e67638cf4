"""The three ways to call the API, tried in this order (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES):

1. `Authorization: Bearer <API_AUTH_TOKEN>`: the original's static token for scripts, the built-in
   service account (`service_account`). An empty API_AUTH_TOKEN disables it.
2. `Authorization: Bearer <key>` or `Token <key>`: a person's own DRF token (admin or `api_token`).
3. The Django session, with CSRF, for the board and the browsable API.
"""

import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

# The built-in service account's username: reserved, the static token's writes are recorded as it.
SERVICE_ACCOUNT_USERNAME = "api-token"


def service_account():
    """The user the static API_AUTH_TOKEN acts as: a real row (so its writes can name it), with no
    password, marked `acts_as_service` for this request (boards.access: an editor of every board)."""
    users = get_user_model()
    user, created = users.objects.get_or_create(
        **{users.USERNAME_FIELD: SERVICE_ACCOUNT_USERNAME},
        defaults={"first_name": "API token", "last_name": "(service account)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.acts_as_service = True
    return user


def _authorization(request: Request) -> tuple[bytes, bytes] | None:
    """The header's scheme (lower case) and credentials, or None when it is not `<scheme> <credentials>`."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2:
        return None
    return parts[0].lower(), parts[1]


class StaticTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[object, None] | None:
        expected = settings.API_AUTH_TOKEN
        authorization = _authorization(request)
        if not expected or authorization is None or authorization[0] != b"bearer":
            return None
        # Constant time, so the token cannot be guessed byte by byte from response times.
        if hmac.compare_digest(authorization[1], expected.encode()):
            return service_account(), None
        # Not the static token: it may still be a person's token, tried next.
        return None

    def authenticate_header(self, request: Request) -> str:
        # Its presence turns "not authenticated" into 401 rather than 403.
        return "Bearer"


class UserTokenAuthentication(TokenAuthentication):
    """DRF's per-user token, under both `Bearer` (what the original's clients send) and `Token`."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: send `Bearer <token>`.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None
        return self.authenticate_credentials(key)

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
