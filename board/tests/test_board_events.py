"""The Server-Sent Events stream, against a real Redis."""

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.test import AsyncClient

from board import views
from tracker import events
from tracker.live import EventFanout


def run(scenario):
    """Run a coroutine on a fresh event loop in its own thread: this thread may already have one
    (Playwright's, when the browser tests share the session)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


async def open_stream():
    response = await AsyncClient().get("/events/")
    return response, aiter(response.streaming_content)


async def next_chunk(stream) -> str:
    chunk = await asyncio.wait_for(anext(stream), timeout=5)
    return chunk.decode() if isinstance(chunk, bytes) else chunk


def test_stream_is_an_unbuffered_event_stream(redis_connection):
    async def scenario():
        response, stream = await open_stream()
        first = await next_chunk(stream)
        await stream.aclose()
        return response, first

    response, first = run(scenario)
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    assert first.startswith("retry: ")


def test_stream_delivers_a_published_event(redis_connection):
    marker = uuid.uuid4().hex

    async def scenario():
        _, stream = await open_stream()
        await next_chunk(stream)
        redis_connection.publish(
            events.channel(), json.dumps({"type": "task.updated", "data": {"marker": marker}})
        )
        while marker not in (chunk := await next_chunk(stream)):
            pass  # events published by other tests on the shared channel
        await stream.aclose()
        return chunk

    chunk = run(scenario)
    assert chunk.startswith("data: ") and chunk.endswith("\n\n")
    assert json.loads(chunk.removeprefix("data: "))["data"]["marker"] == marker


def test_idle_stream_sends_keep_alive_comments(redis_connection, monkeypatch):
    monkeypatch.setattr(views, "SSE_KEEPALIVE_SECONDS", 0.05)

    async def scenario():
        _, stream = await open_stream()
        await next_chunk(stream)
        chunks = [await next_chunk(stream) for _ in range(5)]
        await stream.aclose()
        return chunks

    assert ": keep-alive\n\n" in run(scenario)


def test_stream_answers_503_when_redis_is_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    async def scenario():
        response = await AsyncClient().get("/events/")
        return response

    response = run(scenario)
    assert response.status_code == 503
    assert "poll" in response.json()["detail"]


def test_streams_in_one_process_share_one_subscription(redis_connection):
    channel = f"test-board-fanout-{uuid.uuid4().hex}"
    fanout = EventFanout(channel=channel)

    async def scenario():
        first = await fanout.subscribe()
        second = await fanout.subscribe()
        subscribers = redis_connection.pubsub_numsub(channel)[0][1]
        redis_connection.publish(channel, "hello")
        received = [await asyncio.wait_for(q.get(), timeout=5) for q in (first, second)]
        return subscribers, received

    subscribers, received = run(scenario)
    assert subscribers == 1
    assert received == ["hello", "hello"]
