"""HTTP at its edges, through the shipped server (gunicorn -c gunicorn.conf.py): HEAD wherever GET
works, clients that hang up, and bodies shorter than their Content-Length."""

import json
import socket
import time
from urllib.parse import urlsplit

import pytest

from tasks.services import task_create
from tracker.tests.servers import app_env, running_server, send

TOKEN = "http-edges-token"

pytestmark = pytest.mark.django_db(transaction=True)

READ_PATHS = [
    "/",
    "/healthz",
    "/tasks/",
    "/tasks/{id}",
    "/tasks/{id}/",
    "/notifications/",
    "/notifications/unread-count",
    "/board/columns",
    "/board/state",
    "/events/",
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
    "/accounts/login/",
    "/admin/login/",
    "/api-auth/login/",
]


@pytest.fixture(scope="module")
def server(django_db_setup, collected_static, tmp_path_factory):
    log = tmp_path_factory.mktemp("http-edges") / "gunicorn.log"
    env = app_env(API_AUTH_TOKEN=TOKEN, STATIC_ROOT=collected_static, LOG_LEVEL="INFO")
    with running_server(env, log) as base_url_server:
        base_url = base_url_server.url
        yield base_url, log


def raw_connection(base_url: str) -> socket.socket:
    address = urlsplit(base_url)
    return socket.create_connection((address.hostname, address.port), timeout=20)


def post_head(length: int) -> bytes:
    return (
        "POST /tasks/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def access_lines(log) -> list[dict]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "gunicorn.access"]


@pytest.mark.parametrize("path", READ_PATHS)
def test_head_answers_as_get_does_without_a_body(server, path):
    base_url, _ = server
    url = base_url + path.format(id=task_create(name="Backup").pk)
    got = send(url, timeout=5) if path != "/events/" else None
    head = send(url, method="HEAD", timeout=5)
    assert head.status == (got.status if got else 200)
    assert head.body == ""
    if got:
        assert head.headers["Content-Type"] == got.headers["Content-Type"]


def test_a_client_that_hangs_up_mid_request_is_logged_as_gone_not_as_500(server):
    base_url, log = server
    with raw_connection(base_url) as connection:
        connection.sendall(post_head(100) + b'{"name": ')
        time.sleep(0.5)  # the request is in the server's hands, waiting for the rest
    deadline = time.monotonic() + 20
    while "client disconnected before the response: POST /tasks/" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    posts = [line for line in access_lines(log) if '"POST /tasks/' in line["message"]]
    assert posts[-1]["status"] == 499
    assert posts[-1]["client_disconnected"] is True
    assert all(line["status"] != 500 for line in access_lines(log))


def test_a_body_shorter_than_its_content_length_gets_a_400(server):
    base_url, _ = server
    with raw_connection(base_url) as connection:
        connection.sendall(post_head(100) + b'{"name": "x"}')  # 87 bytes short, then silence
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            chunk = connection.recv(4096)  # the 20 s socket timeout is under gunicorn's 30 s
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert "Request body incomplete" in json.loads(body)["detail"]
