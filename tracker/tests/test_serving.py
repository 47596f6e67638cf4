"""tracker.asgi as the server calls it: requests through the WSGI handler in threads, /events/ on ASGI."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import iscoroutinefunction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tasks.models import Task
from tracker.asgi import application
from tracker.serving import STREAM_PATHS, WsgiInThreads


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

    sent = call(WsgiInThreads(app, threads=1), "GET", "/file")
    assert [m.get("body") for m in sent[1:]] == [b"first,", b"second", b""]
    assert body.closed


def test_the_environ_follows_pep_3333():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    call(
        WsgiInThreads(app, threads=1),
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
