"""The Server-Sent Events stream, against a real Redis."""

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from board import views
from board.tests.board_factories import bulk_boards, member
from boards.access import default_board
from tracker import events
from tracker.live import Audience, EventFanout

# The stream reads the boards its viewer may hear about, from another thread than the test's.
pytestmark = pytest.mark.django_db(transaction=True)


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


def publish_marked(redis_connection, data: dict) -> str:
    marker = uuid.uuid4().hex
    event = {"type": "task.updated", "data": {**data, "marker": marker}}
    redis_connection.publish(events.channel(), json.dumps(event))
    return marker


def heard(redis_connection, *, user=None, events_data: list[dict]) -> list[bool]:
    """Open a stream (as `user`), publish each event, then a last one every stream hears; which of
    the events reached the stream."""

    async def scenario():
        client = AsyncClient()
        if user is not None:
            await client.aforce_login(user)
        response = await client.get("/events/")
        stream = aiter(response.streaming_content)
        await next_chunk(stream)
        markers = [publish_marked(redis_connection, data) for data in events_data]
        last = publish_marked(redis_connection, {})
        seen = ""
        while last not in seen:
            seen += await next_chunk(stream)
        await stream.aclose()
        return [marker in seen for marker in markers]

    return run(scenario)


def test_a_stream_carries_only_events_of_boards_the_viewer_may_read(redis_connection):
    private = bulk_boards(1)[0]
    public = default_board()
    assert heard(
        redis_connection,
        events_data=[{"board": private.pk}, {"board": public.pk}, {"boards": [private.pk]}],
    ) == [False, True, False]


def test_a_member_hears_about_their_private_board(redis_connection):
    private = bulk_boards(1)[0]
    alice = get_user_model().objects.create_user("alice")
    member(alice, private)
    assert heard(redis_connection, user=alice, events_data=[{"board": private.pk}]) == [True]


def test_a_persons_inbox_events_reach_only_their_streams(redis_connection):
    alice = get_user_model().objects.create_user("alice")
    dave = get_user_model().objects.create_user("dave")
    assert heard(
        redis_connection, user=alice, events_data=[{"user": alice.pk}, {"user": dave.pk}]
    ) == [True, False]


@pytest.mark.parametrize(
    ("stream", "event", "hears"),
    [
        (Audience(boards=frozenset({1})), Audience(boards=frozenset({1, 2})), True),
        (Audience(boards=frozenset({1})), Audience(boards=frozenset({2})), False),
        (Audience(boards=None), Audience(boards=frozenset({2})), True),
        (Audience(boards=frozenset({1})), Audience(), True),
        (Audience(user=5), Audience(user=5), True),
        (Audience(user=5), Audience(user=6), False),
        (Audience(), Audience(user=6), False),
    ],
)
def test_who_hears_an_event(stream, event, hears):
    assert stream.hears(event) is hears


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ('{"type": "task.updated", "data": {"id": 1, "board": 3}}', Audience(frozenset({3}))),
        (
            '{"type": "notification.created", "data": {"boards": [3, 4]}}',
            Audience(frozenset({3, 4})),
        ),
        ('{"type": "notification.read", "data": {"user": 7}}', Audience(user=7)),
        ('{"type": "resync", "data": {}}', Audience()),
        ("hello", Audience()),
        ('["not", "an", "object"]', Audience()),
        ('{"data": {"board": "3"}}', Audience(frozenset())),
    ],
)
def test_an_events_audience_is_read_from_its_data(text, audience):
    assert Audience.of_event(text) == audience
