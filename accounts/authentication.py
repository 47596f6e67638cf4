"""The three ways to call the API, tried in this order (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES):

1. `Authorization: Bearer <API_AUTH_TOKEN>`: the original's static token for scripts, the built-in
   service account (`service_account`). An empty API_AUTH_TOKEN disables it.
2. `Authorization: Bearer <token>` or `Token <token>`: a person's or a bot's own token
   (accounts.ApiToken, django-rest-knox: stored hashed, may expire, records its last use).
3. The Django session, with CSRF, for the board and the browsable API.

Every refusal is a 401 "Invalid or missing token" (tracker.api.exceptions words it).
"""

import binascii
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import SERVICE_ACCOUNT_USERNAME, ApiToken
from accounts.services import token_mark_used


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
        # Not the static token: it may still be a person's or a bot's token, tried next.
        return None

    def authenticate_header(self, request: Request) -> str:
        # Its presence turns "not authenticated" into 401 rather than 403.
        return "Bearer"


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check under both `Bearer` (what the original's clients send) and `Token`, in one
    query, refusing expired tokens without deleting them (their owner still sees them, as expired).

    `request.auth` is the ApiToken; `request.user.bot` is loaded with it (a bot or a person)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: send `Bearer <token>`.")
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes) -> tuple[object, ApiToken]:
        try:
            key = token.decode()
            digest = hash_token(key)
        except (UnicodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        # The prefix finds the row (indexed); the digest, compared in constant time, proves the rest.
        # A legacy 40-character DRF key (migration 0002) is found and checked the same way.
        candidates = ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user", "user__bot")
        now = timezone.now()
        for api_token in candidates:
            if not hmac.compare_digest(digest, api_token.digest):
                continue
            if api_token.is_expired(now):
                raise exceptions.AuthenticationFailed("Token expired.")
            if not api_token.user.is_active:
                raise exceptions.AuthenticationFailed("User inactive or deleted.")
            token_mark_used(token=api_token, now=now)
            return api_token.user, api_token
        raise exceptions.AuthenticationFailed("Invalid token.")

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
