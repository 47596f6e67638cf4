"""One JSON error shape for the whole API, DRF's own: {"detail": "..."} or {field: [messages]}.

Every message says what to do about it; nothing a client sends becomes a 500.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from tracker.middleware.body_limit import too_large_message

INVALID_CREDENTIALS = "Invalid or missing token"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = (
        "The change clashed with a concurrent one (something it refers to was changed or deleted "
        "meanwhile, say its board): read it again and retry."
    )


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE when DRF reads request.body (its
        # default answer is a bare 400 page). Under ASGI tracker.asgi refuses most of them earlier.
        exc = RequestTooLarge(too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exc, ObjectDoesNotExist):
        # The row went away between get_object() and the service's locked read (a concurrent
        # DELETE): the same 404 as if it had been gone from the start.
        message = getattr(context.get("view"), "not_found_message", "Not found")
        exc = exceptions.NotFound(message)
    elif isinstance(exc, DjangoValidationError):
        # A rule the services or the model enforce (full_clean) is the client's mistake: 400, not 500.
        # One about no field in particular reads {"detail": "..."}, not {"non_field_errors": [...]}.
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(as_serializer_error(exc))
        else:
            exc = exceptions.ValidationError({"detail": " ".join(exc.messages)})
    elif isinstance(exc, IntegrityError):
        # A constraint the database checks at commit (a foreign key to a board deleted by a
        # concurrent request): the client raced someone, not a server fault.
        exc = Conflict()
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # The original's wording, whether the header was missing, malformed or wrong.
        exc.detail = INVALID_CREDENTIALS
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc.detail = f"{exc.detail} Send a JSON body with Content-Type: application/json."
    elif isinstance(exc, exceptions.MethodNotAllowed) and context.get("view") is not None:
        allowed = ", ".join(context["view"].allowed_methods)
        exc.detail = f"{exc.detail} Allowed methods: {allowed}."
    return exception_handler(exc, context)
