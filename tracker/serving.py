"""One ASGI application that serves requests as cheaply as WSGI and event streams without a thread each.

Django's ASGI handler runs a synchronous view in a fresh thread per request (a new executor, started
and joined every time) and hops between the event loop and threads at each boundary of sync and async
middleware: about 1.4 ms more CPU per request than a WSGI worker spends on the whole request
(README "Speed of the web server"). Every view here is synchronous except the board's event stream, so:

- `/events/` (an async view that waits on Redis, held open for hours) goes to Django's ASGI handler;
- every other request goes to Django's WSGI handler, called once, synchronously, on the worker's
  own thread: the middleware chain runs as under gunicorn's sync worker, one request at a time per
  worker, and the event loop (with every open stream) waits meanwhile, as a sync worker would.
  No thread hand-off and no contention for the GIL: a pool of threads cost more CPU per request
  than it saved, most on the longest answers (WEB_THREADS=N brings the pool back, for views that
  wait long on the network). Database connections are reused as under a sync worker
  (tracker.db.sqlite3, psycopg's pool).
"""

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

# Paths answered by the ASGI handler (async views that stream); everything else runs as WSGI.
STREAM_PATHS = frozenset({"/events/"})


class _ClientGone(Exception):
    """The client disconnected before its request body arrived: nothing to answer."""


class WsgiRequests:
    """Serve a WSGI application from an ASGI server, each request one synchronous call.

    With `threads=0` the call runs on the event loop's thread (the loop waits for it); with more,
    in a pool of that many threads. The request body is read whole before the call (tracker.asgi
    caps it at 1 MiB first), so the view never waits on the network for it. A streaming response
    (a static file) is iterated one chunk at a time, the loop free between chunks; any other
    response is built and closed in the one call.
    """

    def __init__(self, app: WSGIApp, threads: int = 0) -> None:
        self.app = app
        self.executor = (
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi") if threads else None
        )

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        try:
            body = await _read_body(receive)
        except _ClientGone:
            return
        status, headers, chunks, stream = await self._call(self._respond, _environ(scope, body))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if stream is None:
            await send({"type": "http.response.body", "body": b"".join(chunks)})
            return
        try:
            for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            while (chunk := await self._call(next, stream, None)) is not None:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await self._call(_close, stream)

    async def _call(self, function: Callable, *args: Any) -> Any:
        """`function(*args)` on the loop's thread, or in the pool if there is one."""
        if self.executor is None:
            return _as_sync_code(function, *args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    def _respond(self, environ: dict) -> tuple[int, list, list[bytes], Iterator[bytes] | None]:
        started: list = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
            started[:] = [int(status.split(" ", 1)[0]), _encode_headers(headers)]
            return _no_write

        result = self.app(environ, start_response)
        if getattr(result, "streaming", False):
            # Django's streaming and file responses: headers now, the body chunk by chunk.
            stream = _Stream(result)
            # The first chunk in this call: PEP 3333 lets an app call start_response that late.
            first = next(stream, None)
            return started[0], started[1], [] if first is None else [first], stream
        try:
            return started[0], started[1], list(result), None
        finally:
            # Django's request_finished signal: returns the database connection, as WSGI servers do.
            _close(result)


class _Stream:
    """An iterator over a WSGI response body that keeps the response for its close()."""

    def __init__(self, result: Iterable[bytes]) -> None:
        self.result = result
        self._chunks = iter(result)

    def __iter__(self) -> "_Stream":
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)

    def close(self) -> None:
        _close(self.result)


def _as_sync_code(function: Callable, *args: Any) -> Any:
    """Call `function` on the event loop's thread as plain synchronous code.

    Django refuses database access where an event loop is running in the thread (it would block
    the loop: SynchronousOnlyOperation). Here blocking the loop for the length of one request is
    the point, as a sync worker blocks for it, so the running loop is set aside for the call
    (asyncio's `_set_running_loop`, the hook event loops themselves use) and no coroutine runs
    meanwhile.
    """
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return function(*args)
    finally:
        asyncio.events._set_running_loop(loop)


def _no_write(data: bytes) -> None:
    raise NotImplementedError("write() from start_response is not supported; return an iterable")


def _close(result: object) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _encode_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def _environ(scope: dict, body: bytes) -> dict:
    """PEP 3333's environ for an ASGI HTTP scope; the body is already read."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        # WSGI carries the path as its raw bytes read as latin-1; ASGI has it decoded as UTF-8.
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or ""),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_LENGTH":
            continue  # the body's real length is set above (a chunked body has no header)
        if name != "CONTENT_TYPE":
            name = f"HTTP_{name}"
        if name in environ:
            # Repeated headers are one value in WSGI: cookies joined as one Cookie header would be,
            # others comma-separated (RFC 9110, 5.3).
            value = f"{environ[name]}{'; ' if name == 'HTTP_COOKIE' else ','}{value}"
        environ[name] = value
    return environ


def route_streams(streams: ASGIApp, requests: ASGIApp) -> ASGIApp:
    """HTTP requests to `requests` except `STREAM_PATHS`; those and other scopes (lifespan) to `streams`."""

    async def application(scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in STREAM_PATHS:
            return await requests(scope, receive, send)
        return await streams(scope, receive, send)

    return application
