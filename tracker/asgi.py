"""The web server's entry point: gunicorn -c gunicorn.conf.py tracker.asgi:application.

gunicorn's ASGI worker serves it. The board's event stream (/events/) runs on Django's ASGI handler,
so a thousand open streams cost a thousand small coroutines, not a thousand threads; every other
request runs through Django's WSGI handler, one at a time on the worker's own thread (or in a pool
of WEB_THREADS threads if set), which costs what a sync WSGI worker costs (tracker.serving says why).
"""

import os

from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from tracker.middleware.body_limit import limit_request_body
from tracker.middleware.client_disconnect import log_client_disconnects
from tracker.serving import WsgiRequests, route_streams

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

_streams = get_asgi_application()
_threads = os.environ.get("WEB_THREADS") or "0"
if not _threads.isdigit():
    raise SystemExit(f"WEB_THREADS must be a whole number (0: no thread pool), not {_threads!r}")
_requests = WsgiRequests(get_wsgi_application(), threads=int(_threads))
# Oversized or stalled request bodies are refused before any of them is read (tracker.middleware.
# body_limit); outermost, requests the client abandoned are logged as such, not as 500s.
application = log_client_disconnects(limit_request_body(route_streams(_streams, _requests)))
