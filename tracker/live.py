"""Fan-out of change events to the board's Server-Sent Events streams.

Each web process holds ONE Redis pub/sub subscription (redis.asyncio) on `events.channel()`, however
many browsers are connected to it; every open stream gets its own in-memory queue. When Redis is
unreachable, `subscribe` raises and the stream answers 503, so browsers fall back to polling; when
the subscription breaks later, every stream is closed and browsers reconnect or poll.

A stream names the boards it may hear about and its viewer: an event of another board (its
`data.board`, or `data.boards` for a batch) or of another person's inbox (`data.user`) is not put
in its queue. Each event is parsed once, however many streams are open.
"""

import asyncio
import json
import logging
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis

from tracker import events, redis_client

logger = logging.getLogger(__name__)

# Put in a queue when the subscription has ended: the stream closes.
CLOSED = object()
# Put in a queue that overflowed: the browser should reload the whole board once.
RESYNC = json.dumps({"type": "resync", "data": {}})

_QUEUE_SIZE = 200


@dataclass(frozen=True)
class Audience:
    """Who an event is for: the boards it is about and the person whose inbox it is about (None:
    not limited). A stream's own Audience says what its viewer may hear about."""

    boards: frozenset[int] | None = None
    user: int | None = None

    @classmethod
    def of_event(cls, text: str) -> "Audience":
        try:
            data = json.loads(text).get("data")
        except (ValueError, AttributeError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        boards = data.get("boards")
        if "board" in data:
            boards = [data["board"]]
        user = data.get("user")
        return cls(
            boards=frozenset(b for b in boards if isinstance(b, int))
            if isinstance(boards, list)
            else None,
            user=user if isinstance(user, int) else None,
        )

    def hears(self, event: "Audience") -> bool:
        """Whether a stream for this audience gets `event`."""
        if event.user is not None and event.user != self.user:
            return False
        if event.boards is None or self.boards is None:
            return True
        return not self.boards.isdisjoint(event.boards)


class EventFanout:
    """One subscription per process (per event loop), shared by all streams in it."""

    def __init__(self, channel: str | None = None) -> None:
        # None: this installation's channel, read when the subscription starts.
        self._channel = channel
        self._queues: dict[asyncio.Queue, Audience] = {}
        self._listener: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def channel(self) -> str:
        return self._channel or events.channel()

    def _state_for_this_loop(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (a test, a restarted worker): the old listener cannot serve it.
            self._loop, self._listener, self._queues = loop, None, {}
            self._lock = asyncio.Lock()
        assert self._lock is not None
        return self._lock

    async def subscribe(
        self, *, boards: frozenset[int] | None = None, user: int | None = None
    ) -> asyncio.Queue:
        """A queue of the raw JSON event strings about `boards` (None: every board) and, of the
        per-person events, `user`'s; raises redis.RedisError when Redis is unreachable."""
        async with self._state_for_this_loop():
            if self._listener is None or self._listener.done():
                self._listener = await self._start_listener()
            queue: asyncio.Queue = asyncio.Queue(maxsize=_QUEUE_SIZE)
            self._queues[queue] = Audience(boards=boards, user=user)
            return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._queues.pop(queue, None)

    async def _start_listener(self) -> asyncio.Task:
        client = redis_client.async_client()
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(self.channel)
            # Wait for Redis to confirm, so an event published right after a stream opens reaches it.
            async with asyncio.timeout(2):
                while (await pubsub.get_message(timeout=1.0) or {}).get("type") != "subscribe":
                    pass
        except (redis.RedisError, OSError, TimeoutError):
            await pubsub.aclose()
            await client.aclose()
            raise
        logger.info("live events: subscribed to %s", self.channel)
        return asyncio.create_task(self._listen(client, pubsub), name="board-event-fanout")

    async def _listen(self, client: aioredis.Redis, pubsub: aioredis.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                data = message["data"]
                text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
                self._deliver(text.replace("\n", " "))
        except (redis.RedisError, OSError) as error:
            logger.warning("live events: Redis subscription lost: %s", error)
        finally:
            for queue in list(self._queues):
                self._offer(queue, CLOSED)
            self._queues.clear()
            await pubsub.aclose()
            await client.aclose()

    def _deliver(self, text: str) -> None:
        event = Audience.of_event(text)
        for queue, audience in list(self._queues.items()):
            if audience.hears(event):
                self._offer(queue, text)

    @staticmethod
    def _offer(queue: asyncio.Queue, item: object) -> None:
        if queue.full():
            # A stalled browser: drop what it missed and tell it to reload the board instead.
            while not queue.empty():
                queue.get_nowait()
            item = CLOSED if item is CLOSED else RESYNC
        queue.put_nowait(item)


fanout = EventFanout()
