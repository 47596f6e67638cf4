"""Requests the client abandons are logged as such, not as server errors.

When a browser gives up on a request (a closed tab, a cancelled fetch) before the answer, Django's
ASGI handler stops and sends nothing, and gunicorn writes the unanswered request to its access log
as a 500. `log_client_disconnects` wraps the ASGI application: it logs one line saying the client
went away, and marks the request so that the access line says 499 ("client closed request", as
nginx names it) with `client_disconnected: true` (tracker.logs.RequestIdFilter).
"""

import logging
from collections.abc import Callable

from tracker.logs import mark_client_disconnected

logger = logging.getLogger(__name__)


def log_client_disconnects(app: Callable) -> Callable:
    async def watched(scope: dict, receive, send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        answered = disconnected = False

        async def watching_receive() -> dict:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
            return message

        async def watching_send(message: dict) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        await app(scope, watching_receive, watching_send)
        if disconnected and not answered:
            mark_client_disconnected()
            logger.info(
                "client disconnected before the response: %s %s", scope["method"], scope["path"]
            )

    return watched
