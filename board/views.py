"""The Kanban board: the server-rendered page, its live fragments, and the two live transports.

Writes do not live here: the page sends them to the REST API with the session and CSRF token, so
the board, the API and the admin share one set of rules (tasks.services).
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.time_zones import browser_time_zone, known_zones
from board.selectors import (
    bell_items,
    board_members,
    board_version,
    recent_notifications,
    tasks_for_board,
    unread_notifications,
    version_of,
    viewer_board,
    viewer_boards,
)
from boards.access import default_board, readable_boards, role_allows, sees_every_board
from boards.models import Board, Role
from notifications.models import BoardWebhookEvent, NotificationType
from notifications.selectors import delivery_marks
from tasks.models import TaskPriority, TaskStatus
from tasks.selectors import DUE_FILTERS
from tracker.live import CLOSED, fanout

# Comments on an idle stream keep proxies and browsers from timing it out.
SSE_KEEPALIVE_SECONDS = 15.0
# How long a browser waits before reconnecting a dropped stream.
SSE_RETRY_MILLISECONDS = 3000
# Notifications per page of the inbox.
INBOX_PAGE_SIZE = 25


def _readable(user) -> bool:
    return settings.PUBLIC_READ or user.is_authenticated


def _not_readable() -> JsonResponse:
    """What the board's live endpoints answer someone who may not read the board."""
    return JsonResponse({"detail": "Authentication credentials were not provided."}, status=403)


def _board_not_found_json() -> JsonResponse:
    return JsonResponse({"detail": "Board not found"}, status=404)


def _board_not_found_page(request: HttpRequest) -> HttpResponse:
    """The same page for a board that does not exist and one the viewer may not read: nothing
    tells the two apart (boards.access)."""
    return render(request, "board/not_found.html", {}, status=404)


def _fragment(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A piece of the page that an open board swaps in: never cached, so a swap is never stale."""
    response = render(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def _id(value: str) -> int | None:
    """A plain positive id from the address, or None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 18 else None


class _NoSuchBoard(Exception):
    """The `?board=` names no board the viewer may read."""


def _requested_board_id(request: HttpRequest) -> int | None:
    """The `?board=` id; None when absent (the default board); _NoSuchBoard when not an id."""
    raw = request.GET.get("board", "")
    if raw == "":
        return None
    board_id = _id(raw)
    if board_id is None:
        raise _NoSuchBoard
    return board_id


def _chosen_board(request: HttpRequest, boards: list[Board]) -> Board | None:
    """The board the page shows among the viewer's `boards`: the one `?board=` names, else the
    default board, else (a viewer who may not read that) their first; None when they have none."""
    board_id = _requested_board_id(request)
    if board_id is not None:
        board = next((board for board in boards if board.pk == board_id), None)
        if board is None:
            raise _NoSuchBoard
        return board
    if not boards:
        # A database without boards at all (the migration made Main; a test may have flushed it).
        return viewer_board(request.user, default_board().pk)
    return next((board for board in boards if board.is_default), boards[0])


def _fragment_board(request: HttpRequest) -> Board:
    """The board a fragment is for, with the viewer's role, in one query (two without `?board=`);
    _NoSuchBoard if the viewer may not read it."""
    board_id = _requested_board_id(request)
    if board_id is None:
        board_id = default_board().pk
    board = viewer_board(request.user, board_id)
    if board is None:
        raise _NoSuchBoard
    return board


def _breakdown_filters(request: HttpRequest) -> dict[str, str]:
    """`?priority=`, `?tag=`, `?due=overdue|week`: an unknown priority or due is ignored."""
    priority = request.GET.get("priority", "")
    due = request.GET.get("due", "")
    return {
        "priority": priority if priority in TaskPriority.values else "",
        "tag": _clean_text(request.GET.get("tag", ""), 50),
        "due": due if due in DUE_FILTERS else "",
    }


def _clean_text(value: str, length: int) -> str:
    # NUL cannot occur in stored text, and PostgreSQL refuses it in a query (a 500): drop it.
    return value.replace("\x00", "").strip()[:length]


def _board_context(request: HttpRequest, board: Board) -> dict:
    search = _clean_text(request.GET.get("q", ""), 200)
    assignee = _clean_text(request.GET.get("assignee", ""), 150)
    filters = _breakdown_filters(request)
    show_all = frozenset(request.GET.getlist("show")) & frozenset(TaskStatus.values)
    # The card the page just moved: shown even past a column's cap, so it stays in sight (and in
    # focus). Anything but a plain id is ignored, as an unknown one is.
    keep_id = _id(request.GET.get("keep", ""))
    contents = tasks_for_board(
        board_id=board.pk,
        search=search,
        show_all=show_all,
        keep=keep_id,
        assignee=assignee,
        actor=request.user,
        **filters,
    )
    columns = contents.columns
    query = {"board": board.pk, "q": search, "assignee": assignee}
    for column in columns:
        column.show_all_query = _query(**query, show_all=show_all | {column.status})
        column.collapse_query = _query(**query, show_all=show_all - {column.status})
    role = board.role
    return {
        "board": board,
        "contents": contents,
        "columns": columns,
        "search": search,
        "assignee": assignee,
        "role": role,
        "can_edit": role_allows(role, Role.EDITOR),
        "is_owner": role_allows(role, Role.OWNER),
        "has_filters": bool(search or show_all or assignee or any(filters.values())),
        "filters": filters,
        "priorities": TaskPriority.choices,
        "clear_search_query": _query(board=board.pk, assignee=assignee),
    }


def _query(
    *, board: int, q: str = "", assignee: str = "", show_all: frozenset[str] = frozenset()
) -> str:
    params: dict[str, object] = {"board": board}
    if q:
        params["q"] = q
    if assignee:
        params["assignee"] = assignee
    if show_all:
        params["show"] = sorted(show_all)
    return "?" + urlencode(params, doseq=True)


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """The board page: `/?board=<id>` (the default board when absent)."""
    if not _readable(request.user):
        return redirect_to_login(request.get_full_path())
    boards = viewer_boards(request.user)
    try:
        chosen = _chosen_board(request, boards)
    except _NoSuchBoard:
        return _board_not_found_page(request)
    if chosen is None:
        return render(
            request, "board/no_boards.html", {"boards": boards, "public_read": settings.PUBLIC_READ}
        )
    context = _board_context(request, chosen)
    context["boards"] = boards
    context["members"] = board_members(chosen)
    context["public_read"] = settings.PUBLIC_READ
    context["archive_retention_days"] = settings.ARCHIVE_RETENTION_DAYS
    unread = unread_notifications(request.user)
    context["unread_count"], context["newest_unread_id"] = unread
    context["board_version"] = version_of(context["contents"].tasks_summary, unread)
    return render(request, "board/board.html", context)


@require_safe
def board_columns(request: HttpRequest) -> HttpResponse:
    """The columns alone: what an open board swaps in when something changed."""
    if not _readable(request.user):
        return _not_readable()
    try:
        chosen = _fragment_board(request)
    except _NoSuchBoard:
        return _board_not_found_json()
    return _fragment(request, "board/partials/columns.html", _board_context(request, chosen))


@require_safe
def board_notifications(request: HttpRequest) -> HttpResponse:
    """The bell's list, newest first, with the unread count: what the open panel swaps in. The
    viewer's own notifications (every board they may read); `?board=` is the page's board, whose
    tasks open in place."""
    if not _readable(request.user):
        return _not_readable()
    context = {
        "notifications": recent_notifications(request.user),
        "unread_count": unread_notifications(request.user)[0],
        "can_mark_read": request.user.is_authenticated,
        "page_board_id": _id(request.GET.get("board", "")),
    }
    return _fragment(request, "board/partials/notifications.html", context)


@require_safe
def board_state(request: HttpRequest) -> HttpResponse:
    """The polling fallback: 304 while nothing changed, else the new version and unread count."""
    if not _readable(request.user):
        return _not_readable()
    try:
        board_id = _requested_board_id(request)
    except _NoSuchBoard:
        return _board_not_found_json()
    state = board_version(board_id or default_board().pk, request.user)
    if state is None:
        return _board_not_found_json()
    version, unread_count = state
    etag = f'"{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse({"version": version, "unread_count": unread_count})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response


@require_safe
def board_settings(request: HttpRequest, board_id: int) -> HttpResponse:
    """A board's settings: name, visibility, members and bots. Owners change them (through the
    REST API); everyone else who may read the board sees them read-only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    boards = viewer_boards(request.user)
    chosen = next((board for board in boards if board.pk == board_id), None)
    if chosen is None:
        return _board_not_found_page(request)
    role = chosen.role
    context = {
        "board": chosen,
        "boards": boards,
        "role": role,
        "is_owner": role_allows(role, Role.OWNER),
        "members": board_members(chosen),
        "roles": Role.choices,
        "public_read": settings.PUBLIC_READ,
        "webhook_events": BoardWebhookEvent.choices,
    }
    return render(request, "board/settings.html", context)


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The viewer's notifications, a page at a time, with filters: unread only, type, board."""
    boards = viewer_boards(request.user)
    board_id = _id(request.GET.get("board", ""))
    if board_id not in {board.pk for board in boards}:
        board_id = None
    notification_type = request.GET.get("type", "")
    if notification_type not in NotificationType.values:
        notification_type = ""
    unread_only = request.GET.get("unread", "") == "1"
    # A task's reminders are one row ("10 reminders, last 2 min ago") unless `?every=1`.
    every = request.GET.get("every", "") == "1"
    items = bell_items(
        request.user,
        unread_only=unread_only,
        notification_type=notification_type or None,
        board_id=board_id,
        grouped=not every,
    )
    page = Paginator(items, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # Each notification's deliveries to the viewer's channels: sent, retrying or failed (a
    # grouped row's, of its latest notification).
    marks = delivery_marks(
        user=request.user, notification_ids=[item.notification.pk for item in page.object_list]
    )
    for item in page.object_list:
        item.notification.delivery_marks = marks.get(item.notification.pk, [])
    filters = {
        "unread": "1" if unread_only else "",
        "type": notification_type,
        "board": board_id,
        "every": "1" if every else "",
    }
    kept = {name: value for name, value in filters.items() if value}
    context = {
        "page": page,
        "boards": boards,
        "types": NotificationType.choices,
        "filters": filters,
        "has_filters": bool(kept),
        "page_query": urlencode(kept),
        "unread_count": unread_notifications(request.user)[0],
        "public_read": settings.PUBLIC_READ,
    }
    return render(request, "board/inbox.html", context)


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


@dataclass(frozen=True)
class _StreamViewer:
    is_authenticated: bool
    user_id: int | None
    # The boards whose events the stream carries (None: every board).
    boards: frozenset[int] | None


@sync_to_async
def _stream_viewer(request: HttpRequest) -> _StreamViewer:
    """Who the stream is for and the boards they may read when it opens: nothing about other
    boards reaches the page, not even that they exist. Then this request's database connection
    is closed: a stream stays open for hours and must not hold one all that time."""
    try:
        user = request.user
        if sees_every_board(user):
            boards = None
        else:
            boards = frozenset(readable_boards(user).values_list("pk", flat=True))
        signed_in = user.is_authenticated
        return _StreamViewer(signed_in, user.pk if signed_in else None, boards)
    finally:
        connections.close_all()


@require_safe
async def board_events(request: HttpRequest) -> HttpResponse:
    """Server-Sent Events: every change event of the boards the viewer may read, as it is
    published (and the viewer's own inbox events), to every open board."""
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
    viewer = await _stream_viewer(request)
    if not settings.PUBLIC_READ and not viewer.is_authenticated:
        return _not_readable()
    if request.method == "HEAD":
        # The stream's headers without the stream: a body that never ends would hold the request.
        response = HttpResponse(content_type="text/event-stream")
        response.headers["Cache-Control"] = "no-cache"
        return response
    try:
        queue = await fanout.subscribe(boards=viewer.boards, user=viewer.user_id)
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


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The viewer's delivery channels: add, switch on or off, test, remove (plain forms; the same
    services as /channels/). A new webhook's secret is shown once, on the page that answers its
    creation."""
    from notifications import channel_services, channels, dispatch
    from notifications.models import Channel, ChannelKind

    context: dict = {"kinds": ChannelKind.choices, "types": NotificationType.choices}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        own = Channel.objects.filter(user=request.user)
        channel = own.filter(pk=_id(request.POST.get("channel", "")) or 0).first()
        try:
            if action == "add":
                events = [e for e in request.POST.getlist("events") if e in NotificationType.values]
                created = channel_services.channel_create(
                    user=request.user,
                    kind=request.POST.get("kind", ""),
                    target=request.POST.get("target", "").strip(),
                    events=events or None,
                )
                context["notice"] = f"Added the {created.get_kind_display().lower()} channel."
                context["new_secret"] = created.secret
            elif action == "preferences":
                from accounts.serializers import NotificationPreferencesSerializer
                from accounts.services import notification_preferences_update

                form = NotificationPreferencesSerializer(
                    data={
                        # Left empty: the zone the person's browser has (what they saw), else UTC.
                        "time_zone": request.POST.get("time_zone", "").strip()
                        or browser_time_zone(request)
                        or "UTC",
                        "quiet_start": request.POST.get("quiet_start") or None,
                        "quiet_end": request.POST.get("quiet_end") or None,
                    }
                )
                if form.is_valid():
                    notification_preferences_update(user=request.user, **form.validated_data)
                    context["notice"] = "Saved your time zone and quiet hours."
                else:
                    context["error"] = " ".join(str(e) for v in form.errors.values() for e in v)
                    status = 400
            elif channel is None:
                context["error"], status = "No such channel.", 404
            elif action == "remove":
                channel_services.channel_delete(channel=channel)
                context["notice"] = "Removed the channel."
            elif action in ("enable", "disable"):
                channel_services.channel_update(channel=channel, enabled=action == "enable")
                context["notice"] = "Switched the channel " + (
                    "on." if action == "enable" else "off."
                )
            elif action == "test":
                outcome = channels.send(channel, dispatch.channel_test_message(channel))
                context["notice" if outcome.ok else "error"] = (
                    "Test message sent." if outcome.ok else f"The test failed: {outcome.error}"
                )
            else:
                context["error"], status = "Unknown action.", 400
        except channels.TargetRefused as error:
            context["error"], status = str(error), 400
    context["channels"] = list(Channel.objects.filter(user=request.user).order_by("id"))
    from accounts.models import NotificationPreferences

    chosen = NotificationPreferences.objects.filter(user=request.user).first()
    context["preferences"] = chosen or NotificationPreferences(user=request.user)
    # Not chosen yet: the field stays empty and the browser's zone is used (accounts.time_zones).
    context["time_zone_chosen"] = chosen is not None
    context["browser_time_zone"] = browser_time_zone(request)
    context["time_zones"] = sorted(known_zones())
    return render(request, "board/notification_settings.html", context, status=status)
