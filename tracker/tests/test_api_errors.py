"""Every error is JSON a person can act on, and no input becomes a 500."""

import asyncio
import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from tasks.models import Task
from tracker.api.exceptions import api_exception_handler
from tracker.middleware.body_limit import limit_request_body

pytestmark = pytest.mark.django_db

ONE_MIB = 1024 * 1024


def post_raw(client, body: str | bytes, content_type: str = "application/json"):
    return client.generic("POST", "/tasks/", body, content_type=content_type)


def test_malformed_json_is_400(token_client):
    response = post_raw(token_client, '{"name": ')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_invalid_utf8_is_400(token_client):
    assert post_raw(token_client, b'{"name": "\xff"}').status_code == 400


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(token_client, constant):
    response = post_raw(token_client, f'{{"name": "x", "interval_minutes": {constant}}}')
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_deeply_nested_json_is_400_not_500(token_client):
    response = post_raw(token_client, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_unsupported_content_type_is_415_saying_what_to_send(token_client):
    response = post_raw(token_client, "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("name=Form", "application/x-www-form-urlencoded"),
        (
            '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nForm\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
    ],
    ids=["form", "multipart"],
)
def test_form_bodies_are_415_and_create_nothing(token_client, body, content_type):
    response = post_raw(token_client, body, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Task.objects.exists()


def test_the_original_query_parameter_form_needs_no_body(token_client, make_task):
    task = make_task()
    response = token_client.put(f"/tasks/{task.pk}?name=Renamed", content_type="")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_the_browsable_api_offers_its_json_form(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/tasks/", HTTP_ACCEPT="text/html").content.decode()
    assert 'id="id__content_type"' in page
    assert "application/json" in page


def test_body_over_one_mib_is_413(token_client):
    response = post_raw(token_client, json.dumps({"name": "x", "description": "d" * ONE_MIB}))
    assert response.status_code == 413
    assert "1 MiB" in response.json()["detail"]
    assert not Task.objects.exists()


def test_body_of_exactly_one_mib_is_read(token_client):
    body = '{"name": "x"}'
    response = post_raw(token_client, body + " " * (ONE_MIB - len(body)))
    assert response.status_code == 200


def test_method_not_allowed_is_405_listing_allowed_methods(token_client):
    response = token_client.delete("/tasks/")
    assert response.status_code == 405
    assert response.json()["detail"] == (
        'Method "DELETE" not allowed. Allowed methods: GET, POST, HEAD, OPTIONS.'
    )


def test_django_validation_error_becomes_400_with_field_messages():
    error = DjangoValidationError({"name": ["This field may not be blank."]})
    response = api_exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"name": ["This field may not be blank."]}


# --- the ASGI guard: refuses before Django reads the body ---------------------------------------


async def echo_body_length(scope, receive, send):
    """A stand-in ASGI app that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def call_asgi(app, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list, int]:
    """POST `chunks` to an ASGI app as a client would; returns the messages sent back and how many
    times the app read from the client."""
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)  # the client stays connected until the answer is sent

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/tasks/",
        "raw_path": b"/tasks/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(limit_request_body(app)(scope, receive, send))
    return sent, reads


def test_asgi_guard_refuses_a_large_content_length_without_reading():
    headers = [(b"content-length", str(ONE_MIB + 1).encode())]
    sent, reads = call_asgi(echo_body_length, headers, [b"x" * (ONE_MIB + 1)])
    assert sent[0]["status"] == 413
    assert b"1 MiB" in sent[1]["body"]
    assert reads == 0


def test_asgi_guard_stops_reading_an_endless_body_sent_without_length():
    sent, _ = call_asgi(echo_body_length, [], [b"x" * 600_000, b"x" * 600_000, b"x" * 600_000])
    assert [message["status"] for message in sent if "status" in message] == [413]


def test_asgi_guard_stops_reading_a_chunked_body_over_the_limit():
    chunks = [b"x" * 600_000, b"x" * 600_000, b"x" * 600_000]
    sent, reads = call_asgi(echo_body_length, [(b"transfer-encoding", b"chunked")], chunks)
    assert [message["status"] for message in sent if "status" in message] == [413]
    assert reads == 2


def test_asgi_guard_passes_bodies_within_the_limit():
    sent, _ = call_asgi(echo_body_length, [(b"content-length", b"10")], [b"x" * 10])
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"10")
