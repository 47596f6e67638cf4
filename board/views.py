"""The Kanban board: the server-rendered page, its live fragments, and the two live transports.

Writes do not live here: the page sends them to the REST API with the session and CSRF token, so
the board, the API and the admin share one set of rules (tasks.services).
"""

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from board.selectors import (
    board_version,
    recent_notifications,
    tasks_for_board,
    unread_notifications,
    version_of,
)
from tasks.models import TaskStatus
from tracker.live import CLOSED, fanout

# Comments on an idle stream keep proxies and browsers from timing it out.
SSE_KEEPALIVE_SECONDS = 15.0
# How long a browser waits before reconnecting a dropped stream.
SSE_RETRY_MILLISECONDS = 3000


def _readable(user) -> bool:
    return settings.PUBLIC_READ or user.is_authenticated


def _not_readable() -> JsonResponse:
    """What the board's live endpoints answer someone who may not read the board."""
    return JsonResponse({"detail": "Authentication credentials were not provided."}, status=403)


def _fragment(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A piece of the page that an open board swaps in: never cached, so a swap is never stale."""
    response = render(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def _board_context(request: HttpRequest) -> dict:
    # NUL cannot occur in stored text, and PostgreSQL refuses it in a query (a 500): drop it.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    show_all = frozenset(request.GET.getlist("show")) & frozenset(TaskStatus.values)
    # The card the page just moved: shown even past a column's cap, so it stays in sight (and in
    # focus). Anything but a plain id is ignored, as an unknown one is.
    keep = request.GET.get("keep", "")
    keep_id = int(keep) if keep.isascii() and keep.isdigit() and len(keep) <= 18 else None
    board_data = tasks_for_board(search=search, show_all=show_all, keep=keep_id)
    columns = board_data.columns
    for column in columns:
        column.show_all_query = _query(search, show_all | {column.status})
        column.collapse_query = _query(search, show_all - {column.status})
    return {
        "board": board_data,
        "columns": columns,
        "search": search,
        "can_edit": request.user.is_authenticated,
        "has_filters": bool(search or show_all),
    }


def _query(search: str, show_all: frozenset[str]) -> str:
    params: dict[str, object] = {}
    if search:
        params["q"] = search
    if show_all:
        params["show"] = sorted(show_all)
    return "?" + urlencode(params, doseq=True) if params else "?"


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    if not _readable(request.user):
        return redirect_to_login(request.get_full_path())
    context = _board_context(request)
    unread = unread_notifications()
    context["unread_count"], context["newest_unread_id"] = unread
    context["board_version"] = version_of(context["board"].tasks_summary, unread)
    return render(request, "board/board.html", context)


@require_safe
def board_columns(request: HttpRequest) -> HttpResponse:
    """The columns alone: what an open board swaps in when something changed."""
    if not _readable(request.user):
        return _not_readable()
    return _fragment(request, "board/partials/columns.html", _board_context(request))


@require_safe
def board_notifications(request: HttpRequest) -> HttpResponse:
    """The bell's list, newest first, with the unread count: what the open panel swaps in."""
    if not _readable(request.user):
        return _not_readable()
    context = {
        "notifications": recent_notifications(),
        "unread_count": unread_notifications()[0],
        "can_edit": request.user.is_authenticated,
    }
    return _fragment(request, "board/partials/notifications.html", context)


@require_safe
def board_state(request: HttpRequest) -> HttpResponse:
    """The polling fallback: 304 while nothing changed, else the new version and unread count."""
    if not _readable(request.user):
        return _not_readable()
    version, unread_count = board_version()
    etag = f'"{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse({"version": version, "unread_count": unread_count})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response


async def _stream(queue: asyncio.Queue, keepalive: float) -> AsyncIterator[str]:
    try:
        # The first bytes go out at once so the browser knows the stream is open.
        yield f"retry: {SSE_RETRY_MILLISECONDS}\n: connected\n\n"
        while True:
            try:
                # asyncio.timeout, not wait_for: wait_for wraps every get in a new task, and with a
                # thousand streams open each event would start a thousand tasks.
                async with asyncio.timeout(keepalive):
                    item = await queue.get()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if item is CLOSED:
                return
            yield f"data: {item}\n\n"
    finally:
        fanout.unsubscribe(queue)


@require_safe
async def board_events(request: HttpRequest) -> HttpResponse:
    """Server-Sent Events: every change event, as it is published, to every open board."""
    if not isinstance(request, ASGIRequest):
        # Under WSGI (runserver, `gunicorn tracker.wsgi`) Django would wait for this endless stream
        # to end before sending a byte, holding a worker: answer at once, and the board polls.
        return JsonResponse(
            {
                "detail": "Live events need the ASGI server (gunicorn -c gunicorn.conf.py "
                "tracker.asgi:application); poll /board/state instead."
            },
            status=503,
        )
    if not settings.PUBLIC_READ and not (await request.auser()).is_authenticated:
        return _not_readable()
    if request.method == "HEAD":
        # The stream's headers without the stream: a body that never ends would hold the request.
        response = HttpResponse(content_type="text/event-stream")
        response.headers["Cache-Control"] = "no-cache"
        return response
    try:
        queue = await fanout.subscribe()
    except (redis.RedisError, OSError, TimeoutError):
        return JsonResponse(
            {"detail": "Live events are unavailable; poll /board/state instead."}, status=503
        )
    response = StreamingHttpResponse(
        _stream(queue, SSE_KEEPALIVE_SECONDS), content_type="text/event-stream"
    )
    response.headers["Cache-Control"] = "no-cache"
    # nginx and Traefik would otherwise buffer the stream and deliver nothing until it ends.
    response.headers["X-Accel-Buffering"] = "no"
    return response
