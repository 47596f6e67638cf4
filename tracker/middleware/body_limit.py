"""Refuse request bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB) with a JSON 413.

Two layers, one rule. Django's ASGI handler reads the whole body before any middleware runs, so
`limit_request_body` wraps the ASGI application and answers from the Content-Length header without
reading a byte (and stops reading a body sent without one once it passes the limit).
`RequestBodyLimitMiddleware` applies the same rule under WSGI and the test client.

`limit_request_body` also answers a body that stops arriving (shorter than its Content-Length, or a
stalled upload) with a 400 after BODY_IDLE_SECONDS without a byte, where gunicorn would wait for its
worker timeout (30 s) and answer 500.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils.deprecation import MiddlewareMixin

# How long a request body may pause between two pieces before it is given up as short.
BODY_IDLE_SECONDS = 5.0

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Any]


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> dict[str, str]:
    return {
        "detail": f"Request body too large: the limit is {limit} bytes ({limit / 1048576:g} MiB)."
    }


class RequestBodyLimitMiddleware(MiddlewareMixin):
    def process_request(self, request: HttpRequest) -> JsonResponse | None:
        if "CONTENT_LENGTH" not in request.META and "chunked" in request.headers.get(
            "Transfer-Encoding", ""
        ):
            return self._measure_chunked_body(request)
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return JsonResponse(
                {"detail": "Content-Length must be a whole number of bytes."}, status=400
            )
        limit = max_body_bytes()
        if int(declared) > limit:
            return JsonResponse(too_large_message(limit), status=413)
        return None

    def _measure_chunked_body(self, request: HttpRequest) -> JsonResponse | None:
        """Give a chunked body its length: DRF reads no body from a request without Content-Length.

        Under ASGI the body has already been received (and capped by `limit_request_body`).
        """
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse(too_large_message(max_body_bytes()), status=413)
        request.META["CONTENT_LENGTH"] = str(len(body))
        return None


def _declared_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _send_json(send: Callable[[dict], Awaitable[None]], status: int, detail: dict) -> None:
    body = json.dumps(detail).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def short_body_message() -> dict[str, str]:
    return {
        "detail": (
            f"Request body incomplete: nothing arrived for {BODY_IDLE_SECONDS:g} seconds before "
            "the Content-Length announced was reached. Send the whole body, or the right length."
        )
    }


def limit_request_body(app: ASGIApp) -> ASGIApp:
    async def guarded(scope: dict, receive, send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = max_body_bytes()
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            return await _send_json(send, 413, too_large_message(limit))

        received = 0
        body_complete = False
        overflowed = stalled = False

        async def counting_receive() -> dict:
            nonlocal received, body_complete, overflowed, stalled
            if body_complete:
                # Django now listens for a disconnect while the view runs: no deadline on that.
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), BODY_IDLE_SECONDS)
            except TimeoutError:
                # Django takes a disconnect as an aborted request and answers nothing.
                stalled = True
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_complete = not message.get("more_body", False)
                if received > limit:
                    overflowed = True
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counting_receive, send)
        if overflowed:
            await _send_json(send, 413, too_large_message(limit))
        elif stalled:
            await _send_json(send, 400, short_body_message())

    return guarded
