"""`Idempotency-Key` for API writes: decorate a view method with `@idempotent`.

The same key and the same request (method, path, body) within 24 hours get the first answer again,
with `Idempotent-Replayed: true`, and change nothing; the same key with another request is a 422.
Keys are per caller (the authenticated user: a person, a bot or the static token's account).
An answer is kept when it is below 500; an error forgets the key, so a retry runs again.
"""

import functools
import json

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from idempotency import services

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class KeyReusedError(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was used with a different request in the last 24 hours: "
        "use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


class KeyInFlightError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still running: retry shortly."
    default_code = "idempotency_key_in_flight"


def _json_body(response) -> object:
    if hasattr(response, "data"):
        return json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    return json.loads(response.content or b"null")


def idempotent(handler):
    @functools.wraps(handler)
    def wrapper(view, request: Request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ValidationError({HEADER: [f"Give 1 to {MAX_KEY_LENGTH} characters."]})
        caller = f"user:{request.user.pk}"
        fingerprint = services.fingerprint(request.method, request.get_full_path(), request.body)
        try:
            row, earlier = services.request_begin(caller=caller, key=key, fingerprint=fingerprint)
        except services.KeyReused:
            raise KeyReusedError from None
        except services.KeyInFlight:
            raise KeyInFlightError from None
        if earlier is not None:
            headers = {"Idempotent-Replayed": "true"}
            if earlier.location:
                headers["Location"] = earlier.location
            return Response(earlier.response_body, status=earlier.status_code, headers=headers)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            services.request_forget(row=row)
            raise
        if response.status_code >= 500:
            services.request_forget(row=row)
        else:
            services.request_finish(
                row=row,
                status_code=response.status_code,
                body=_json_body(response),
                location=response.get("Location", ""),
            )
        return response

    return wrapper
