"""ASGI middleware: refuse request bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB), early,
and bodies that stop arriving.

Django itself refuses large bodies too (`request.body` raises RequestDataTooBig, which the API answers
with a JSON 413: tracker.api.exceptions), but only once the whole body has been received
(tracker.serving reads it before the call, Django's ASGI handler spills it to a temporary file),
however large. This wraps the ASGI application (tracker.asgi) and answers 413 from the
Content-Length header without reading a byte, and stops reading a body sent without one (chunked)
as soon as it passes the limit.

It also answers a body that stops arriving (shorter than its Content-Length, or a stalled upload)
with a 400 after BODY_IDLE_SECONDS without a byte, where gunicorn would wait for its worker timeout
(30 s) and answer 500.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Any]

# How long a request body may pause between two pieces before it is given up as short.
BODY_IDLE_SECONDS = 5.0


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> str:
    return f"Request body too large: the limit is {limit} bytes ({limit / 1048576:g} MiB)."


def short_body_message() -> str:
    return (
        f"Request body incomplete: nothing arrived for {BODY_IDLE_SECONDS:g} seconds before "
        "the Content-Length announced was reached. Send the whole body, or the right length."
    )


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
        body_complete = False
        overflowed = stalled = False

        async def counting_receive() -> dict:
            nonlocal received, body_complete, overflowed, stalled
            if body_complete:
                # The app now only listens for a disconnect while it answers: no deadline on that.
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), BODY_IDLE_SECONDS)
            except TimeoutError:
                # The app takes a disconnect as an aborted request and answers nothing.
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
