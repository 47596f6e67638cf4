"""tracker.asgi as the server calls it: requests through the WSGI handler, /events/ on ASGI."""

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import iscoroutinefunction
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tasks.models import Task
from tracker.asgi import application
from tracker.serving import STREAM_PATHS, WsgiRequests


def call(
    app,
    method: str,
    path: str,
    *,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] = (),
    chunks: list[bytes] = (b"",),
) -> list[dict]:
    """One request to an ASGI app, on a fresh event loop in its own thread; the messages sent back."""
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict:
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)  # the client stays connected until the answer is sent

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result(timeout=30)
    return sent


def body_of(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def header(sent: list[dict], name: bytes) -> bytes | None:
    return dict(sent[0]["headers"]).get(name)


@pytest.mark.django_db(transaction=True)
def test_a_read_is_served_by_the_wsgi_handler_with_its_query_string(make_task):
    make_task("Deploy")
    make_task("Write report")
    sent = call(application, "GET", "/tasks/", query=b"search=Deploy")
    assert sent[0]["status"] == 200
    assert [task["name"] for task in json.loads(body_of(sent))] == ["Deploy"]
    assert header(sent, b"x-request-id")  # through the whole middleware chain


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_without_content_length_reaches_the_view(settings):
    settings.API_AUTH_TOKEN = "test-static-token"
    body = json.dumps({"name": "Sent in two chunks"}).encode()
    sent = call(
        application,
        "POST",
        "/tasks/",
        headers=[
            (b"content-type", b"application/json"),
            (b"authorization", b"Bearer test-static-token"),
        ],
        chunks=[body[:10], body[10:]],
    )
    assert sent[0]["status"] == 200
    assert Task.objects.filter(name="Sent in two chunks").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_oversized_body_is_413_before_the_view(settings):
    settings.API_AUTH_TOKEN = "test-static-token"
    sent = call(
        application,
        "POST",
        "/tasks/",
        headers=[(b"content-type", b"application/json")],
        chunks=[b"x" * 600_000, b"x" * 600_000],
    )
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]
    assert Task.objects.count() == 0


def test_the_event_stream_goes_to_the_asgi_handler(settings, transactional_db):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    sent = call(application, "GET", "/events/")
    # The stream view itself answered (Redis is down), not the WSGI refusal below.
    assert sent[0]["status"] == 503
    assert json.loads(body_of(sent))["detail"].startswith("Live events are unavailable")


def test_under_wsgi_the_event_stream_answers_503_at_once(db):
    response = Client().get("/events/")
    assert response.status_code == 503
    assert "poll /board/state" in response.json()["detail"]


def test_every_async_view_is_a_stream_path():
    """A new async view must be added to STREAM_PATHS, or it would run under WSGI."""

    def async_routes(resolver: URLResolver, prefix: str = "") -> set[str]:
        found = set()
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found |= async_routes(pattern, route)
            elif isinstance(pattern, URLPattern) and iscoroutinefunction(pattern.callback):
                found.add("/" + route)
        return found

    assert async_routes(get_resolver()) == set(STREAM_PATHS)


class ChunkedBody:
    """A WSGI response like Django's streaming ones: `streaming`, chunks, and a close() to call."""

    streaming = True

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self):
        yield b"first,"
        yield b"second"

    def close(self) -> None:
        self.closed = True


def test_a_streaming_response_is_sent_chunk_by_chunk_and_closed():
    body = ChunkedBody()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    sent = call(WsgiRequests(app, threads=1), "GET", "/file")
    assert [m.get("body") for m in sent[1:]] == [b"first,", b"second", b""]
    assert body.closed


def test_the_environ_follows_pep_3333():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    call(
        WsgiRequests(app, threads=1),
        "GET",
        "/t\u00e2ches/",
        query=b"a=1",
        headers=[(b"cookie", b"a=1"), (b"cookie", b"b=2"), (b"x-thing", b"1"), (b"x-thing", b"2")],
    )
    assert seen["PATH_INFO"] == "/t\u00e2ches/".encode().decode("latin-1")
    assert seen["QUERY_STRING"] == "a=1"
    assert seen["HTTP_COOKIE"] == "a=1; b=2"
    assert seen["HTTP_X_THING"] == "1,2"
    assert seen["CONTENT_LENGTH"] == "0"
    assert (seen["REMOTE_ADDR"], seen["SERVER_PORT"]) == ("127.0.0.1", "8000")


def where_the_app_ran(threads: int) -> dict:
    """Serve one request with WsgiRequests(app, threads): the app's thread, the loop's thread, and
    whether the app could see a running event loop."""
    seen = {}

    def app(environ, start_response):
        seen["app thread"] = threading.current_thread()
        try:
            asyncio.get_running_loop()
            seen["loop visible"] = True
        except RuntimeError:
            seen["loop visible"] = False
        start_response("204 No Content", [])
        return []

    serving = WsgiRequests(app, threads=threads)

    async def recording(scope, receive, send):
        seen["loop thread"] = threading.current_thread()
        await serving(scope, receive, send)

    seen["status"] = call(recording, "GET", "/")[0]["status"]
    return seen


def test_by_default_a_request_runs_on_the_loops_own_thread_as_plain_sync_code():
    """No thread hand-off; Django sees no running loop, so the ORM does not refuse to run."""
    seen = where_the_app_ran(threads=0)
    assert seen["status"] == 204
    assert seen["app thread"] is seen["loop thread"]
    assert seen["loop visible"] is False


def test_with_threads_a_request_runs_in_the_pool():
    seen = where_the_app_ran(threads=2)
    assert seen["status"] == 204
    assert seen["app thread"] is not seen["loop thread"]
    assert seen["app thread"].name.startswith("wsgi")
    assert seen["loop visible"] is False


@pytest.mark.django_db(transaction=True)
def test_the_orm_works_from_a_request_on_the_loop(make_task):
    task = make_task("Read on the loop")
    sent = call(WsgiRequests(get_wsgi_application()), "GET", f"/tasks/{task.pk}")
    assert sent[0]["status"] == 200
    assert json.loads(body_of(sent))["name"] == "Read on the loop"


def test_the_loop_is_running_again_after_a_request_on_it():
    after = {}

    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    serving = WsgiRequests(app)

    async def send(message: dict) -> None:
        after.setdefault("loop", asyncio.get_running_loop())  # raises if it were still hidden

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(serving(scope, receive, send))
    assert after["loop"] is not None
