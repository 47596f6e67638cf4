"""One JSON object per log line on stdout, each carrying the id of the request that caused it.

tracker.middleware.request_id takes the id from an incoming X-Request-ID header (a proxy's or a
client's) or makes one, keeps it in a context variable for the request's duration and echoes it in
the response. RequestIdFilter copies it onto every log record; gunicorn's access lines take it from the response
header instead, because they are written after the request's context has ended.
"""

import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Ids are written into every log line: accept only short, plain tokens so a client cannot forge lines.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
# Set by tracker.middleware.client_disconnect in the task that serves the request; gunicorn writes
# its access line from that same task once the application returns.
_client_disconnected: ContextVar[bool] = ContextVar("client_disconnected", default=False)
# The access log's status for a request the client abandoned before any answer (nginx's code).
CLIENT_CLOSED_REQUEST = 499


def mark_client_disconnected() -> None:
    _client_disconnected.set(True)


def current_request_id() -> str:
    return _current_request_id.get()


def start_request_id(request_id: str) -> Token[str]:
    """Make `request_id` the current one until `end_request_id` is called with the token."""
    return _current_request_id.set(request_id)


def end_request_id(token: Token[str]) -> None:
    _current_request_id.reset(token)


def request_id_from_header(value: str | None) -> str:
    """The incoming id when it is acceptable, else a new random one."""
    if value and _ACCEPTED_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


# gunicorn names a response header atom "{name}o", lower-cased.
_ACCESS_RESPONSE_ID_ATOM = "{" + REQUEST_ID_HEADER.lower() + "}o"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        # gunicorn's access line: its arguments are the request's atoms, response headers included.
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            if _client_disconnected.get():
                # gunicorn counts a request that got no answer as a 500; the client left first.
                record.args = {**record.args, "s": CLIENT_CLOSED_REQUEST}
                record.client_disconnected = True
            request_id = record.args.get(_ACCESS_RESPONSE_ID_ATOM, request_id)
            record.status = record.args.get("s")
            record.duration_ms = record.args.get("M")
            record.pid = record.process  # which worker served it
        record.request_id = request_id
        return True


class JsonLineFormatter(JsonFormatter):
    """{"time", "level", "logger", "request_id", "message", ...extras} on one line."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            "{asctime}{levelname}{name}{request_id}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            # Django adds the request object to request log records; its repr is noise.
            reserved_attrs=[*RESERVED_ATTRS, "request"],
            **kwargs,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")


def logging_config(level: str) -> dict[str, Any]:
    """dictConfig for Django (settings.LOGGING) and for gunicorn's own lines (gunicorn.conf.py)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLineFormatter}},
        "filters": {"request_id": {"()": RequestIdFilter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            # django-axes announces itself at start-up of every process and command: noise.
            "axes.apps": {"level": "WARNING"},
        },
    }
