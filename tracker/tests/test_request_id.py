"""Every response carries an X-Request-ID, and every log line written for it carries the same id."""

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from tracker.logs import JsonLineFormatter, RequestIdFilter, current_request_id

logger = logging.getLogger("tracker.tests.request_id")


def logging_view(request):
    logger.info("inside the view")
    return HttpResponse(current_request_id())


urlpatterns = [path("log/", logging_view)]


@pytest.fixture
def json_lines(caplog):
    """What the stdout handler writes, one parsed line per record."""
    formatter, request_filter = JsonLineFormatter(), RequestIdFilter()
    caplog.handler.addFilter(request_filter)

    def lines() -> list[dict]:
        ours = [record for record in caplog.records if record.name == logger.name]
        return [json.loads(formatter.format(record)) for record in ours]

    with caplog.at_level(logging.INFO, logger="tracker.tests.request_id"):
        yield lines
    caplog.handler.removeFilter(request_filter)


def test_a_request_without_an_id_gets_a_new_one(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_an_incoming_id_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "traefik-abc-123"})
    assert response["X-Request-ID"] == "traefik-abc-123"


@pytest.mark.parametrize("hostile", ["two words", "a\nforged log line", "x" * 129, "ünïcode"])
def test_an_unsafe_incoming_id_is_replaced(client, db, hostile):
    response = client.get("/healthz", headers={"X-Request-ID": hostile})
    assert response["X-Request-ID"] != hostile
    assert len(response["X-Request-ID"]) == 32


@override_settings(ROOT_URLCONF=__name__)
def test_log_lines_inside_a_request_carry_its_id(client, json_lines):
    response = client.get("/log/", headers={"X-Request-ID": "req-42"})
    assert response.content == b"req-42"
    (line,) = json_lines()
    assert line["request_id"] == "req-42"
    assert line["message"] == "inside the view"


@override_settings(ROOT_URLCONF=__name__)
def test_the_id_reaches_views_under_asgi(async_client, json_lines):
    response = async_to_sync(async_client.get)("/log/", headers={"X-Request-ID": "async-7"})
    assert response.content == b"async-7"
    assert json_lines()[0]["request_id"] == "async-7"


def test_log_lines_outside_a_request_say_so(json_lines):
    logger.info("between requests")
    assert json_lines()[0]["request_id"] == "-"


def test_a_log_line_is_one_json_object_with_time_level_and_logger(json_lines):
    logger.info("multi\nline %s", "message")
    formatted = JsonLineFormatter().format(logging.makeLogRecord({"msg": "a\nb"}))
    assert "\n" not in formatted
    line = json_lines()[0]
    assert line["message"] == "multi\nline message"
    assert line["level"] == "INFO"
    assert line["logger"] == "tracker.tests.request_id"
    assert line["time"].endswith("+00:00")


def test_gunicorn_access_lines_take_the_id_from_the_response_header():
    atoms = {"h": "127.0.0.1", "s": "200", "M": 3, "{x-request-id}o": "from-header"}
    # As gunicorn logs it: access_log.info(access_log_format, atoms).
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(h)s %(s)s", (atoms,), None
    )
    RequestIdFilter().filter(record)
    line = json.loads(JsonLineFormatter().format(record))
    assert (line["request_id"], line["status"], line["duration_ms"]) == ("from-header", "200", 3)
    assert line["message"] == "127.0.0.1 200"
