"""The event stream through the real server: gunicorn's ASGI worker must send each event as it
happens, not buffer the endless response."""

import http.client
import json
import uuid
from urllib.parse import urlsplit

import pytest

from tracker import events

pytestmark = pytest.mark.browser


def read_event_block(response: http.client.HTTPResponse) -> str:
    lines = []
    while (line := response.readline().decode()) not in ("\r\n", "\n", ""):
        lines.append(line)
    return "".join(lines)


def test_gunicorn_streams_events_as_they_are_published(live_url, redis_connection):
    address = urlsplit(live_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", "/events/")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.getheader("X-Accel-Buffering") == "no"
    assert read_event_block(response).startswith("retry: ")  # sent before any event exists
    marker = uuid.uuid4().hex
    redis_connection.publish(
        events.channel(), json.dumps({"type": "task.updated", "data": {"marker": marker}})
    )
    # The stream never ends, so reading this block at all proves nothing buffers it.
    while marker not in (block := read_event_block(response)):
        pass
    assert json.loads(block.removeprefix("data: "))["data"]["marker"] == marker
    connection.close()
