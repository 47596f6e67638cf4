"""ASGI middleware: refuse request bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB), early.

Django itself refuses them too (`request.body` raises RequestDataTooBig, which the API answers with
a JSON 413: tracker.api.exceptions), but only once the whole body has been received
(tracker.serving reads it before the call, Django's ASGI handler spills it to a temporary file),
however large. This wraps the ASGI application (tracker.asgi) and answers 413 from the
Content-Length header without reading a byte, and stops reading a body sent without one (chunked)
as soon as it passes the limit.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Any]


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> str:
    return f"Request body too large: the limit is {limit} bytes ({limit / 1048576:g} MiB)."


def _header(scope: dict, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read: the connection cannot carry another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def limit_request_body(app: ASGIApp) -> ASGIApp:
    async def guarded(scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = max_body_bytes()
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _send_json(send, 413, too_large_message(limit))

        received = 0
        overflowed = False

        async def counting_receive() -> dict:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django takes a disconnect as an aborted request and answers nothing.
                    overflowed = True
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counting_receive, send)
        if overflowed:
            await _send_json(send, 413, too_large_message(limit))

    return guarded
