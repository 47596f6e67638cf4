"""OpenAPI 3 (drf-spectacular): how the API's own authentication and permission appear in the docs."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from tracker.api.permissions import PublicReadAuthenticatedWrite

# The error answers every endpoint can give (tracker.api.exceptions keeps them in DRF's shape), so
# clients and schema-driven tests (tracker/tests/test_schema_fuzz.py) know them all.
_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# 400: {"detail": "..."} for a malformed body, {field: ["message", ...]} for invalid fields.
_VALIDATION_ERRORS = {"type": "object", "additionalProperties": {}}
_ERRORS = {
    "400": ("Invalid input: what is wrong, by field or in `detail`.", _VALIDATION_ERRORS),
    "401": ("Missing or wrong credentials.", _DETAIL),
    "403": ("Not allowed: reads are private, or a session sent no CSRF token.", _DETAIL),
    "404": ("No such object.", _DETAIL),
    "406": (
        "The Accept header allows no type the API answers in: accept application/json.",
        _DETAIL,
    ),
    "409": (
        "The write clashed with a concurrent one (say, its board was deleted): retry.",
        _DETAIL,
    ),
    "413": ("Request body over 1 MiB.", _DETAIL),
    "415": ("Body not sent as JSON.", _DETAIL),
    "429": ("Too many requests: wait for Retry-After seconds.", _DETAIL),
    "503": ("The database is unavailable: retry after Retry-After seconds.", _DETAIL),
}
# Answered by gunicorn itself, before the app sees the request, as plain text: a request it cannot
# parse, a request line over 4094 bytes (limit_request_line), a header over 8190 bytes or too many.
_SERVER_ERRORS = {
    "400": "A request gunicorn could not read (a malformed request line or header).",
    "414": "URL too long: the request line is over 4094 bytes. Send long values in the body.",
    "431": "Request headers too large: a header over 8190 bytes, or over 100 headers.",
}
_WRITE_METHODS = {"POST", "PUT", "PATCH"}


class TrackerAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            description, schema = _ERRORS[code]
            responses.setdefault(
                code,
                {"description": description, "content": {"application/json": {"schema": schema}}},
            )
        for code, description in _SERVER_ERRORS.items():
            response = responses.setdefault(code, {"description": description, "content": {}})
            response["content"]["text/plain"] = {"schema": {"type": "string"}}
        return responses

    def _error_codes(self) -> list[str]:
        # Any request may carry a body, so 400 (a malformed or short one) and 413 apply to reads too
        # (tracker.middleware.body_limit), as the real server answers them.
        codes = ["400", "401", "403", "406", "413", "429", "503"]
        # A list filtered by a parent (?board=) that the caller may not see is a 404 too.
        if "{" in self.path or getattr(self.view, "list_filter_may_404", False):
            codes.append("404")
        if self.method in _WRITE_METHODS:
            codes += ["409", "415"]
        return sorted(codes)

    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        public_read = any(
            isinstance(permission, PublicReadAuthenticatedWrite)
            for permission in self.view.get_permissions()
        )
        if public_read and self.method in SAFE_METHODS and settings.PUBLIC_READ:
            auths.append({})  # "no credentials" is one of the accepted options
        return auths


class StaticTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.authentication.StaticTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The server's static token (API_AUTH_TOKEN), as in the original Status Tracker: "
                "`Authorization: Bearer <API_AUTH_TOKEN>`. Acts as a service account."
            ),
        }


class UserTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.authentication.UserTokenAuthentication"
    name = "userToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A person's own token, made in the admin or with `manage.py api_token <username>`: "
                "`Authorization: Bearer <key>` (or `Token <key>`)."
            ),
        }
