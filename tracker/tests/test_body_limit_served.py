"""Request bodies through the real server (gunicorn with tracker.asgi), over a raw socket, as clients
send them: oversized ones refused before they are read, chunked ones read, a bad length a 400."""

import json
import socket

import pytest

from tasks.models import Task
from tracker.tests.servers import app_env, running_server

TOKEN = "body-limit-test-token"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def server(django_db_setup, collected_static, tmp_path_factory):
    env = app_env(API_AUTH_TOKEN=TOKEN, STATIC_ROOT=collected_static)
    log = tmp_path_factory.mktemp("body-limit") / "gunicorn.log"
    with running_server(env, log) as base_url_server:
        base_url = base_url_server.url
        yield base_url


def exchange(base_url: str, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send one request as raw bytes; returns the status and the answer's body."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def post_head(**headers: str) -> str:
    lines = [
        "POST /tasks/ HTTP/1.1",
        "Host: localhost",
        f"Authorization: Bearer {TOKEN}",
        "Content-Type: application/json",
        "Connection: close",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
    ]
    return "\n".join(lines) + "\n"


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


@pytest.mark.django_db(transaction=True)
def test_a_declared_length_over_the_limit_is_413_without_sending_the_body(server):
    status, body = exchange(server, post_head(Content_Length=str(MIB + 1)))
    assert status == 413
    assert "1 MiB" in json.loads(body)["detail"]


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_is_read(server):
    status, body = exchange(
        server, post_head(Transfer_Encoding="chunked"), chunked(b'{"name": ', b'"Chunked"}')
    )
    assert status == 200, body
    assert Task.objects.get().name == "Chunked"


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_limit_is_413(server):
    part = b" " * (256 * 1024)
    status, body = exchange(server, post_head(Transfer_Encoding="chunked"), chunked(*[part] * 5))
    assert status == 413
    assert not Task.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_unparseable_content_length_is_400(server):
    status, _ = exchange(server, post_head(Content_Length="ten"), b'{"name": "x"}')
    assert status == 400
    assert not Task.objects.exists()
