"""One JSON object per log line on stdout, each carrying the id of the request that caused it.

RequestIdMiddleware takes the id from an incoming X-Request-ID header (a proxy's or a client's) or
makes one, keeps it in a context variable for the request's duration and echoes it in the response.
RequestIdFilter copies it onto every log record; gunicorn's access lines take it from the response
header instead, because they are written after the request's context has ended.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Ids are written into every log line: accept only short, plain tokens so a client cannot forge lines.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _current_request_id.get()


def request_id_from_header(value: str | None) -> str:
    """The incoming id when it is acceptable, else a new random one."""
    if value and _ACCEPTED_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id (request.request_id), log with it, and return it as X-Request-ID."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        token = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    async def _acall(self, request):
        token = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    @staticmethod
    def _start(request):
        request.request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        return _current_request_id.set(request.request_id)


# gunicorn names a response header atom "{name}o", lower-cased.
_ACCESS_RESPONSE_ID_ATOM = "{" + REQUEST_ID_HEADER.lower() + "}o"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        # gunicorn's access line: its arguments are the request's atoms, response headers included.
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            request_id = record.args.get(_ACCESS_RESPONSE_ID_ATOM, request_id)
            record.status = record.args.get("s")
            record.duration_ms = record.args.get("M")
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
        },
    }
