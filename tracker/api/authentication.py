"""The three ways to call the API, tried in this order (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES):

1. `Authorization: Bearer <API_AUTH_TOKEN>`: the original's static token for scripts, a service account
   with no user row. An empty API_AUTH_TOKEN disables it.
2. `Authorization: Bearer <key>` or `Token <key>`: a person's own DRF token (admin or `api_token`).
3. The Django session, with CSRF, for the board and the browsable API.
"""

import hmac

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request


class ServiceAccount:
    """Who a request made with the static API_AUTH_TOKEN acts as: authenticated, but nobody in the database."""

    pk = id = None
    username = "api-token"
    is_active = True
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def __str__(self) -> str:
        return "API token (service account)"

    def get_username(self) -> str:
        return self.username

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


SERVICE_ACCOUNT = ServiceAccount()


def _authorization(request: Request) -> tuple[bytes, bytes] | None:
    """The header's scheme (lower case) and credentials, or None when it is not `<scheme> <credentials>`."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2:
        return None
    return parts[0].lower(), parts[1]


class StaticTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ServiceAccount, None] | None:
        expected = settings.API_AUTH_TOKEN
        authorization = _authorization(request)
        if not expected or authorization is None or authorization[0] != b"bearer":
            return None
        # Constant time, so the token cannot be guessed byte by byte from response times.
        if hmac.compare_digest(authorization[1], expected.encode()):
            return SERVICE_ACCOUNT, None
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
